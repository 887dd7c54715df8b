"""Plan runs started from a page go through the task queue: the request writes the run's row,
`queued`, and returns at once; a worker runs it (`run_queued_plan`) and the runs page follows
its stage. A run whose task fails for good (its worker died too often, or it raised) is marked
failed here with the reason, so that the page never shows it waiting for ever."""

from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.dispatch import receiver
from django.tasks import TaskResult, task
from django.tasks.signals import task_finished
from django.utils import timezone

from planner import run_locks, saving
from planner.candidates import scope_neighbourhood
from planner.models import PlanRun, RunStatus
from planner.pipeline import PlanInputs
from planner.scenario import Policy, Scenario
from planner.services import plan_run_start
from registry.queue.failures import failure_reason


@task
def run_queued_plan(run_id: int) -> int:
    run = PlanRun.objects.select_related("neighbourhood", "user").filter(pk=run_id).first()
    # Never twice: a run that ended (its task was run again after a worker lost touch) stays.
    if run is None or run.status in (RunStatus.DONE, RunStatus.FAILED):
        return run_id
    plan_run_start(run)
    return run_id


def plan_run_queue(*, scenario: Scenario, user: User) -> PlanRun:
    """Write the run's row and queue its task, in one transaction: the worker finds both or
    neither. Refused (ScenarioBusy) while a run of the same scenario waits or works."""
    area = scope_neighbourhood(scenario)
    inputs = PlanInputs(
        scenario=scenario, policy=Policy.from_settings(), area=area, away=[], closed=[],
        started=timezone.now(), user=user, performed_by=user.get_username(),
    )  # fmt: skip
    with transaction.atomic():
        # Two officers pressing the button at once: the second waits here, then is refused.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                [run_locks.QUEUE_LOCK_CLASS, run_locks.key(scenario.hazard, scenario.slot, area)],
            )
        busy = run_locks.busy_run(scenario.hazard, scenario.slot, area)
        if busy is not None:
            raise run_locks.ScenarioBusy(busy)
        run = saving.run_queue(inputs)
        result = run_queued_plan.enqueue(run.pk)
        PlanRun.objects.filter(pk=run.pk).update(job=result.id)
    run.refresh_from_db()
    return run


@receiver(task_finished)
def _failed_for_good(sender: Any, task_result: TaskResult[Any, Any], **kwargs: Any) -> None:
    reason = failure_reason(task_result, run_queued_plan)
    if reason is None:
        return
    PlanRun.objects.filter(
        pk=task_result.args[0], status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(status=RunStatus.FAILED, stage="", finished_at=timezone.now(), error=reason[:2000])
