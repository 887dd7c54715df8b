"""The health answer for load balancers and monitoring: whether the database and the task queue
answer, how many workers are alive and how many jobs wait. Counts only, never a record: it is
served without a login. It reads no user and drops the session, so it sets no cookie and
writes neither a session nor an audit entry; django-axes never sees it (axes acts on logins).
"""

from dataclasses import asdict, dataclass

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# A worker writes its heartbeat every few seconds (SASAEAI_QUEUE_HEARTBEAT_SECONDS); one silent
# for a minute is counted as gone.
WORKER_SILENT_SECONDS = 60
# A table locked by a migration must not hold the load balancer's probe until it gives up.
STATEMENT_TIMEOUT_MS = 2000

# procrastinate's own tables; the clock is the database's, the one workers' heartbeats use,
# so that a web server whose clock drifts still counts them right. Jobs waiting are read
# through procrastinate's partial index on status 'todo'.
QUEUE_COUNTS = """
    SELECT
        (SELECT count(*) FROM procrastinate_workers
          WHERE last_heartbeat >= now() - make_interval(secs => %s)),
        (SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo')
"""


@dataclass(frozen=True)
class Health:
    database: bool
    queue: bool
    workers: int = 0
    waiting: int = 0

    @property
    def serving(self) -> bool:
        return self.database and self.queue

    def as_json(self) -> dict[str, str | int]:
        fields = asdict(self)
        return {
            **fields,
            "database": "ok" if self.database else "down",
            "queue": "ok" if self.queue else "down",
        }


def _query(sql: str, params: list[int] | None = None) -> tuple[int, ...]:
    # Each probe in its own transaction (a savepoint inside a test's): a failure leaves the
    # connection usable, and the timeout ends with it.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row) if row else ()


def current_health() -> Health:
    try:
        _query("SELECT 1")
    except DatabaseError:
        return Health(database=False, queue=False)
    try:
        workers, waiting = _query(QUEUE_COUNTS, [WORKER_SILENT_SECONDS])
    except DatabaseError:
        return Health(database=True, queue=False)
    return Health(database=True, queue=True, workers=workers, waiting=waiting)


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """200 while the site can serve and queue work, 503 otherwise; never cached."""
    # With SESSION_SAVE_EVERY_REQUEST, a browser's session cookie would have the session
    # saved and sent back; without the attribute, the session middleware leaves both alone.
    del request.session
    state = current_health()
    return JsonResponse(state.as_json(), status=200 if state.serving else 503)
