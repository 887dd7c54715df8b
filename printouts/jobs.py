"""Print jobs: print one part, follow a job, and put its bundles in a zip
(`printouts.tasks` starts jobs). A job prints what its user may see, in the user's own copy, as
`print_plans --user` does; the city office's jobs (no user) print the copy asked for."""

import datetime as dt
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from printouts.models import PrintJob, PrintJobStatus, PrintPart
from printouts.services import audit_bundle, neighbourhood_bundle
from registry.access import Role, role_of
from registry.audit import audit_record
from registry.models import AuditAction, Person


@dataclass(frozen=True)
class Progress:
    done: int
    failed: int
    total: int
    people: int

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100


def print_part_run(part_id: int) -> None:
    """Print one part. The PDF is made outside any transaction, then kept only if no other try
    kept one first (a task run again after its worker lost touch): a bundle is never written
    twice, and the audit log names each print once."""
    part = PrintPart.objects.select_related("job", "job__user", "neighbourhood").get(pk=part_id)
    if part.pdf is not None or part.error:
        return
    job = part.job
    bundle = neighbourhood_bundle(
        part.neighbourhood, copy=job.copy_for, lang=job.lang, user=job.user, draft=job.draft
    )
    with transaction.atomic():
        kept = PrintPart.objects.filter(pk=part.pk, pdf__isnull=True, error="").update(
            pdf=bundle.pdf, file_name=bundle.file_name, people=len(bundle.people),
            person_ids=bundle.people,
            skipped=bundle.without, finished_at=timezone.now(),
        )  # fmt: skip
        if kept:
            audit_bundle(bundle, copy=job.copy_for, lang=job.lang, user=job.user, draft=job.draft)
            _finish_if_last(job)


def print_part_failed(part_id: int, reason: str) -> None:
    with transaction.atomic():
        part = PrintPart.objects.select_related("job").filter(pk=part_id).first()
        if part is None or part.pdf is not None:
            return
        PrintPart.objects.filter(pk=part_id).update(
            error=reason[:2000] or "failed", finished_at=timezone.now()
        )
        _finish_if_last(part.job)


def _finish_if_last(job: PrintJob) -> None:
    """End the job when no part is left to print (inside the transaction that ended a part; the
    job's row lock makes two parts ending at once see each other)."""
    PrintJob.objects.select_for_update().filter(pk=job.pk).first()
    left = job.parts.filter(pdf__isnull=True, error="").exists()
    if left:
        return
    failed = job.parts.exclude(error="").exists()
    PrintJob.objects.filter(pk=job.pk, status=PrintJobStatus.WORKING).update(
        status=PrintJobStatus.FAILED if failed else PrintJobStatus.DONE,
        finished_at=timezone.now(),
    )


def forget_old_print_jobs() -> int:
    """Delete print jobs older than `SASAEAI_PRINT_KEEP_DAYS` with their bundles: printed plans
    are personal data and are not kept beyond their download."""
    older = timezone.now() - dt.timedelta(days=settings.PRINT_KEEP_DAYS)
    deleted, _by_model = (
        PrintJob.objects.filter(created_at__lt=older)
        .exclude(status=PrintJobStatus.WORKING)
        .delete()
    )
    return deleted


def job_progress(job: PrintJob) -> Progress:
    figures = job.parts.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(pdf__isnull=False)),
        failed=Count("pk", filter=~Q(error="")),
        people=Sum("people"),
    )
    return Progress(figures["done"], figures["failed"], figures["total"], figures["people"] or 0)


def jobs_seen_by(user: Any) -> QuerySet[PrintJob]:
    """The print jobs a user may follow and download: their own, or every job for an officer
    (and for the city office, which has no user)."""
    jobs = PrintJob.objects.select_related("user")
    if user is None or role_of(user) == Role.OFFICER:
        return jobs
    return jobs.filter(user=user)


def hand_out_bundles(
    job: PrintJob, write: Callable[[str, bytes], None], *, user: Any, detail: dict[str, Any]
) -> int:
    """Give each printed bundle of the job to `write` (file name, PDF), one at a time from the
    database, and audit it once as an export of the people in them. Returns how many."""
    people: list[int] = []
    count = 0
    parts = job.parts.filter(pdf__isnull=False).order_by("neighbourhood__code")
    for pk in parts.values_list("pk", flat=True):
        part = PrintPart.objects.get(pk=pk)
        assert part.pdf is not None
        write(part.file_name, bytes(part.pdf))
        people.extend(part.person_ids)
        count += 1
    audit_record(
        action=AuditAction.EXPORT, model=Person, object_ids=people, user=user,
        detail={"document": "print job", **detail},
    )  # fmt: skip
    return count


def write_zip(job: PrintJob, out: IO[bytes], *, user: Any) -> int:
    """The job's bundles in a zip (stored as they are: PDFs compress no further)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        return hand_out_bundles(job, archive.writestr, user=user, detail={"format": "zip"})
