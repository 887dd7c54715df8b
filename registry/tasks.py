"""Imports confirmed on the admin's import page run in the task queue: the request writes the
job's row, `queued`, with the stored file's random name, queues `import_queued` with the row's
id alone (the queue's table shows no file name and no personal data) and returns at once; the
page follows the row.

The import keeps its own semantics, all or nothing: the whole import, its audit entry and the
job's `done` are committed in one transaction, so that a worker killed in the middle leaves
nothing written, and a task run again after that finds either nothing done (and imports) or the
job done (and returns). A task that fails for good is marked failed here with the reason."""

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.dispatch import receiver
from django.tasks import TaskResult, task
from django.tasks.signals import task_finished
from django.utils import timezone, translation
from django.utils.translation import gettext

from registry.importers.problems import ImportFailed
from registry.importers.service import file_checksum, import_file
from registry.models.imports import ImportJob, ImportJobStatus
from registry.queue.failures import failure_reason

# Where uploads wait between the dry run and the end of the import (the admin page stores
# them there).
UPLOAD_DIR = settings.VAR_DIR / "uploads"
WAITING = [ImportJobStatus.QUEUED, ImportJobStatus.RUNNING]


def stored_path(job: ImportJob) -> Path:
    return UPLOAD_DIR / Path(job.stored).name


@task
def import_queued(import_id: int) -> int:
    # A reason is stored once and read later by anyone: in the site's language, wherever the
    # task runs (a worker, or a request where tasks run at once).
    with translation.override(settings.LANGUAGE_CODE):
        return _import(import_id)


def _import(import_id: int) -> int:
    job = ImportJob.objects.select_related("user").filter(pk=import_id).first()
    # Never twice: a job that ended stays as it ended.
    if job is None or job.status not in WAITING:
        return import_id
    ImportJob.objects.filter(pk=job.pk, status__in=WAITING).update(
        status=ImportJobStatus.RUNNING, started_at=timezone.now()
    )
    # The file from the database, in a private temporary file on this machine: the worker may
    # run anywhere. Its name keeps the upload's suffix, which tells the reader the format.
    data = ImportJob.objects.filter(pk=job.pk).values_list("data", flat=True).first()
    with tempfile.TemporaryDirectory(prefix="sasaeai-import-") as folder:
        path = Path(folder) / Path(job.stored).name
        path.write_bytes(bytes(data or b""))
        if data is None or file_checksum(path) != job.checksum:
            import_job_failed(
                import_id, gettext("The uploaded file is no longer there; upload it again.")
            )
            return import_id
        try:
            with transaction.atomic():
                result = import_file(
                    job.kind, path, performed_by=job.performed_by, user=job.user,
                    options=job.options, file_name=job.file_name,
                )  # fmt: skip
                ImportJob.objects.filter(pk=job.pk, status__in=WAITING).update(
                    status=ImportJobStatus.DONE, record=result.record, finished_at=timezone.now(),
                    data=None,
                )  # fmt: skip
        except ImportFailed as failure:
            # The dry run showed every problem; what is left here is the first, and how many.
            reason = gettext("Nothing was imported: %s") % failure.problems[0]
            if len(failure.problems) > 1:
                reason += f" (+{len(failure.problems) - 1})"
            import_job_failed(import_id, reason)
            return import_id
    stored_path(job).unlink(missing_ok=True)
    return import_id


def import_job_queue(
    *,
    kind: str,
    stored: Path,
    file_name: str,
    checksum: str,
    options: dict[str, Any],
    user: User | None,
    performed_by: str,
) -> ImportJob:
    """The job's row and its queued task, committed together: a worker finds both or
    neither."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind, stored=stored.name, file_name=file_name[:255], checksum=checksum,
            data=stored.read_bytes(),
            options=options, user=user, performed_by=performed_by[:150],
        )  # fmt: skip
        result = import_queued.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task=result.id)
    job.refresh_from_db()
    return job


def import_job_failed(import_id: int, reason: str) -> None:
    """Mark a waiting job failed and let its file go (nothing of it was written)."""
    job = ImportJob.objects.filter(pk=import_id).first()
    if job is None:
        return
    ImportJob.objects.filter(pk=import_id, status__in=WAITING).update(
        status=ImportJobStatus.FAILED, finished_at=timezone.now(), error=reason[:2000] or "failed",
        data=None,
    )  # fmt: skip
    stored_path(job).unlink(missing_ok=True)


def files_in_queue() -> set[str]:
    """The stored names of the files that waiting jobs still need."""
    return set(ImportJob.objects.filter(status__in=WAITING).values_list("stored", flat=True))


@receiver(task_finished)
def _failed_for_good(sender: Any, task_result: TaskResult[Any, Any], **kwargs: Any) -> None:
    reason = failure_reason(task_result, import_queued)
    if reason is None:
        return
    import_job_failed(task_result.args[0], reason)
