"""Printing on the task queue: a print job is one task per neighbourhood (`printouts.jobs`
prints a part)."""

from typing import Any

from django.db import connection, transaction
from django.dispatch import receiver
from django.tasks import TaskResult, task
from django.tasks.signals import task_finished

from printouts.jobs import forget_old_print_jobs, print_part_failed, print_part_run
from printouts.models import PrintJob, PrintJobStatus, PrintPart
from printouts.services import paper_language
from registry.access import copy_for_reader
from registry.models import Neighbourhood
from registry.queue.failures import failure_reason

# pg_advisory_xact_lock's first key for starting a user's print job (7301-7304: plan runs, the
# audit log, drill e-mails).
LOCK_CLASS = 7305


# A city's print is hundreds of tasks; a plan run, an import or a drill's e-mail started while
# it prints goes before its remaining bundles (higher priorities are taken first).
@task(priority=-10)
def print_part(part_id: int) -> int:
    print_part_run(part_id)
    return part_id


def print_job_create(
    neighbourhoods: list[Neighbourhood],
    *,
    user: Any,
    performed_by: str,
    lang: str,
    copy_for: str,
    draft: bool = False,
) -> PrintJob:
    """The job and one queued task per neighbourhood, committed together. The same print asked
    for again by the same user while it is still printing (a double tap) is that job, not a
    second one. Raises PermissionDenied for a user whose role prints no personal data."""
    copy = copy_for_reader(user, copy_for)
    lang = paper_language(lang)
    forget_old_print_jobs()
    with transaction.atomic():
        # One user's requests one after the other, so that two taps see each other.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [LOCK_CLASS, user.pk if user is not None else 0],
            )
        same = _same_job_printing(user, copy, lang, draft, neighbourhoods)
        if same is not None:
            return same
        job = PrintJob.objects.create(
            user=user, performed_by=performed_by[:150], copy_for=copy,
            lang=lang, draft=draft,
        )  # fmt: skip
        parts = PrintPart.objects.bulk_create(
            PrintPart(job=job, neighbourhood=area) for area in neighbourhoods
        )
        for part in parts:
            part.task = print_part.enqueue(part.pk).id
        PrintPart.objects.bulk_update(parts, ["task"])
    job.refresh_from_db()
    return job


def _same_job_printing(
    user: Any, copy: str, lang: str, draft: bool, neighbourhoods: list[Neighbourhood]
) -> PrintJob | None:
    wanted = sorted(area.pk for area in neighbourhoods)
    printing = PrintJob.objects.filter(
        user=user, copy_for=copy, lang=lang, draft=draft, status=PrintJobStatus.WORKING
    )
    for job in printing:
        if sorted(job.parts.values_list("neighbourhood_id", flat=True)) == wanted:
            return job
    return None


@receiver(task_finished)
def _failed_for_good(sender: Any, task_result: TaskResult[Any, Any], **kwargs: Any) -> None:
    reason = failure_reason(task_result, print_part)
    if reason is None:
        return
    print_part_failed(task_result.args[0], reason)
