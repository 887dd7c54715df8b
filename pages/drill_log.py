"""A logging filter that hides supporters' drill links: the token in `/drill/<token>/` opens a
supporter's people to whoever holds it, so no log line (the development server's request
lines, Django's 403 for a failed CSRF check, any error report) may carry it. Imports nothing of
Django's models, so that the logging configuration can name it before the apps are ready."""

import logging
import re

# The phone page's path (pages/drill_phone_urls.py), wherever it stands in a log line.
DRILL_LINK = re.compile(r"/drill/[^/\s\"'?#]+")
HIDDEN = "/drill/…"


class HideDrillLinks(logging.Filter):
    """Replace every drill link in a record's message by `/drill/…`; keep the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/drill/" in message:
            record.msg, record.args = DRILL_LINK.sub(HIDDEN, message), ()
        return True
