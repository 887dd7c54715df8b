"""The officers' import page in the admin: upload, see the dry-run report, confirm.

It runs the same service as `manage.py import`. Between the report and the confirmation the
file waits in var/uploads under a random name known only to the officer's session (never in a
URL), and is deleted once imported or abandoned.

The dry run runs in the request: at city scale (100,000 people) it takes about 9 s, and its
report, every problem with the values the file holds, is shown to the officer once and never
stored. The confirmed import runs in the task queue (`registry.tasks`): the page returns at once
and follows the queued import (`?import=N`, its number only) until it is done or failed.
"""

import secrets
import time
from pathlib import Path
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from registry.access import Role, role_of
from registry.forms import ImportUploadForm
from registry.importers.problems import ImportFailed
from registry.importers.service import ImportResult, file_checksum, import_file
from registry.importers.staging import Counts
from registry.models.imports import ImportJob, ImportJobStatus, ImportRecord
from registry.tasks import UPLOAD_DIR as UPLOAD_DIR  # where the task reads what is stored
from registry.tasks import files_in_queue, import_job_queue

SESSION_KEY = "registry_pending_import"
ABANDONED_AFTER_SECONDS = 24 * 3600
# How often the page looks again at an import that is waiting or running, in seconds.
REFRESH_SECONDS = 3
# How many of the latest queued imports the page lists.
RECENT = 10


def _discard_abandoned() -> None:
    cutoff = time.time() - ABANDONED_AFTER_SECONDS
    # A file a queued import still needs stays, however long the queue has kept it waiting.
    needed = files_in_queue()
    for path in UPLOAD_DIR.glob("*"):
        if path.stat().st_mtime < cutoff and path.name not in needed:
            path.unlink(missing_ok=True)


def _store(upload: Any) -> Path:
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    _discard_abandoned()
    suffix = "".join(Path(upload.name).suffixes[-1:]).lower()[:10]
    path = UPLOAD_DIR / f"{secrets.token_hex(16)}{suffix}"
    with path.open("xb") as handle:
        path.chmod(0o600)
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def _dry_run(request: HttpRequest, pending: dict[str, Any]) -> Any:
    user = request.user if isinstance(request.user, User) else None
    return import_file(
        pending["kind"],
        Path(pending["path"]),
        dry_run=True,
        performed_by=request.user.get_username(),
        user=user,
        options=pending["options"],
        file_name=pending["name"],
    )


def import_view(model_admin: admin.ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    if role_of(request.user) != Role.OFFICER:
        raise PermissionDenied
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import a file"),
    }
    pending = request.session.get(SESSION_KEY)
    if request.method == "POST" and "confirm" in request.POST and pending:
        return _confirm(request, pending)
    if request.method == "POST" and "cancel" in request.POST and pending:
        Path(pending["path"]).unlink(missing_ok=True)
        del request.session[SESSION_KEY]
        return HttpResponseRedirect(request.path)
    _follow(request, context)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if pending:
            Path(pending["path"]).unlink(missing_ok=True)
        path = _store(form.cleaned_data["file"])
        pending = {
            "kind": form.cleaned_data["kind"],
            "path": str(path),
            "name": Path(form.cleaned_data["file"].name).name[:255],
            "options": form.import_options(),
            "checksum": file_checksum(path),
        }
        try:
            context["report"] = _dry_run(request, pending)
            request.session[SESSION_KEY] = pending
        except ImportFailed as failure:
            path.unlink(missing_ok=True)
            request.session.pop(SESSION_KEY, None)
            context["problems"] = failure.problems
            context["problem_count"] = len(failure.problems)
    context["form"] = form
    return render(request, "admin/registry/importrecord/upload.html", context)


def _follow(request: HttpRequest, context: dict[str, Any]) -> None:
    """The queued import the page follows, and the latest ones."""
    number = request.GET.get("import", "")
    jobs = ImportJob.objects.select_related("record")
    context["followed"] = job = jobs.filter(pk=int(number)).first() if number.isdigit() else None
    if job is not None and job.record is not None:
        context["followed_summary"] = record_summary(job.record)
    context["recent"] = jobs[:RECENT]
    context["refresh_seconds"] = REFRESH_SECONDS


def _confirm(request: HttpRequest, pending: dict[str, Any]) -> HttpResponse:
    path = Path(pending["path"])
    del request.session[SESSION_KEY]
    if not path.exists() or file_checksum(path) != pending["checksum"]:
        messages.error(request, _("The uploaded file is no longer there; upload it again."))
        return HttpResponseRedirect(request.path)
    user = request.user if isinstance(request.user, User) else None
    job = import_job_queue(
        kind=pending["kind"], stored=path, file_name=pending["name"],
        checksum=pending["checksum"], options=pending["options"], user=user,
        performed_by=request.user.get_username(),
    )  # fmt: skip
    # Where tasks run at once (no queue configured), the import has ended already.
    if job.status == ImportJobStatus.DONE and job.record is not None:
        messages.success(request, record_summary(job.record))
        return HttpResponseRedirect(
            reverse("admin:registry_importrecord_change", args=[job.record.pk])
        )
    if job.status == ImportJobStatus.FAILED:
        messages.error(request, job.error)
        return HttpResponseRedirect(request.path)
    messages.info(request, _("The import is queued; this page shows how it goes."))
    return HttpResponseRedirect(f"{request.path}?import={job.pk}")


def record_summary(record: ImportRecord) -> str:
    """The line the import's own result gives, from what its record keeps."""
    counts = Counts(created=record.created, updated=record.updated, unchanged=record.unchanged)
    return ImportResult(
        kind=record.kind, file_name=record.file_name, file_format=record.file_format,
        rows=record.rows, counts=counts, deleted=record.deleted, left_list=record.left_list,
        dry_run=False, record=record,
    ).summary()  # fmt: skip
