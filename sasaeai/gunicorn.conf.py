"""gunicorn's settings for Sasaeai outside development (scripts/serve.sh, docs/production.md).

    gunicorn --config sasaeai/gunicorn.conf.py sasaeai.wsgi

Figures behind the defaults are in docs/production.md. Every value can be changed on the command
line or through GUNICORN_CMD_ARGS; the number of processes also through WEB_CONCURRENCY.
"""

import logging
import os
import re

from pages.drill_log import HideDrillLinks

# Loopback only: the TLS proxy in front is the one door (docs/production.md); it alone may
# send the X-Forwarded-Proto that SASAEAI_BEHIND_PROXY trusts.
bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# Pages are CPU-bound Python (templates, PDFs) behind short database reads: one process per
# core and one more keeps both cores busy while a request waits for PostgreSQL; threads add
# little under the GIL, and two per process cover a slow client or a database wait.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = 2
# A neighbourhood's bundle of plans is the longest request; whole-city printing runs in the
# task queue's workers, never in a request.
timeout = 120
graceful_timeout = 30
keepalive = 5
# A process is replaced after this many requests, so that a slow leak never grows for ever.
max_requests = 2000
max_requests_jitter = 200

# The access log names the method, the path, the status, the size and the time taken: no
# query string (a search typed into the admin holds names), no referrer (it carries the
# previous page's query and drill link), and drill links in paths are hidden by the filter.
accesslog = "-"
errorlog = "-"
# gunicorn 27's control socket sits at one path per user: two servers on one machine (a test
# beside a running site) would contend for it. Signals (HUP, TERM, TTIN) still manage it.
control_socket_disable = True
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


class HideQueryStrings(logging.Filter):
    """gunicorn's own error lines name the request's URI with its query: drop the query."""

    QUERY = re.compile(r"\?[^\s\"']*")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = self.QUERY.sub("?…", message), ()
        return True


# Filters on the loggers themselves (not on handlers) outlive gunicorn replacing its handlers
# on start and on SIGHUP; workers inherit them from the master.
for _name in ("gunicorn.access", "gunicorn.error"):
    logging.getLogger(_name).addFilter(HideDrillLinks())
logging.getLogger("gunicorn.error").addFilter(HideQueryStrings())
