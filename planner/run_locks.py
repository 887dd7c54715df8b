"""One run of a scenario at a time. A run holds a PostgreSQL advisory lock on its scenario for
as long as it works; the lock goes with the connection, so a run whose process was killed
holds nothing, and its `running` row is recognised as abandoned rather than blocking the
scenario for ever. A run waiting in the queue counts as running: starting the same scenario
again is refused with the run's number."""

from django.db import connection, transaction
from django.tasks import TaskResultStatus, default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _

from planner.candidates import ScenarioError
from planner.models import PlanRun, RunStatus
from registry.models import Neighbourhood

# The first keys of the plan runs' advisory locks (a run working; a run being queued); the
# second is the scenario's hash. 7302 is the audit log's, 7304 a drill's e-mail's.
LOCK_CLASS = 7301
QUEUE_LOCK_CLASS = 7303
WAITING = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


class ScenarioBusy(ScenarioError):
    """A run of the same scenario is waiting or running."""

    def __init__(self, run: PlanRun | None) -> None:
        self.run = run
        if run is None:
            super().__init__(_("A run of this scenario is running: wait for it to end."))
            return
        super().__init__(
            _("Run %(run)s of this scenario is not over (%(status)s): wait for it to end.")
            % {"run": run.pk, "status": run.get_status_display()}
        )


def key(hazard: str, slot: str, area: Neighbourhood | None) -> str:
    return f"{hazard}/{slot}/{area.pk if area else 'city'}"


def hold(hazard: str, slot: str, area: Neighbourhood | None) -> bool:
    """Take the scenario's lock for this connection's session; False if another holds it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s, hashtext(%s))", [LOCK_CLASS, key(hazard, slot, area)]
        )
        return bool(cursor.fetchone()[0])


def release(hazard: str, slot: str, area: Neighbourhood | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_unlock(%s, hashtext(%s))", [LOCK_CLASS, key(hazard, slot, area)]
        )


def _job_waiting(run: PlanRun) -> bool:
    """Whether the queue still means to run (or is running) the run's task."""
    if run.job is None:
        return False
    if not default_task_backend.supports_get_result:
        return False  # a backend that ran the task at once: nothing waits
    try:
        return default_task_backend.get_result(run.job).status in WAITING
    except TaskResultDoesNotExist:
        return False


def busy_run(
    hazard: str, slot: str, area: Neighbourhood | None, *, exclude: int | None = None
) -> PlanRun | None:
    """The run of this scenario that is waiting or working, if any. Rows left `running` or
    `queued` by a process or job that no longer exists are marked failed on the way."""
    same = PlanRun.objects.filter(
        hazard=hazard, slot=slot, neighbourhood=area,
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
    )  # fmt: skip
    if exclude is not None:
        same = same.exclude(pk=exclude)
    for run in same.order_by("pk"):
        if _job_waiting(run):
            return run
        if run.status == RunStatus.RUNNING and run.job is None and not _free(hazard, slot, area):
            return run
        abandon(run)
    return None


def _free(hazard: str, slot: str, area: Neighbourhood | None) -> bool:
    """Whether nobody holds the scenario's lock (tried and given back at once)."""
    if not hold(hazard, slot, area):
        return False
    release(hazard, slot, area)
    return True


def abandon(run: PlanRun) -> None:
    with transaction.atomic():
        PlanRun.objects.filter(
            pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
        ).update(
            status=RunStatus.FAILED, stage="", finished_at=timezone.now(),
            error=_("The process running this run stopped before it ended; nothing was saved."),
        )  # fmt: skip
