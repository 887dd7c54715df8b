"""The officers' import page in the admin: upload, see the dry-run report, confirm.

It runs the same service as `manage.py import`. Between the report and the confirmation the
file waits in var/uploads under a random name known only to the officer's session (never in a
URL), and is deleted once imported or abandoned.
"""

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
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
from registry.importers.service import file_checksum, import_file

SESSION_KEY = "registry_pending_import"
UPLOAD_DIR = settings.VAR_DIR / "uploads"
ABANDONED_AFTER_SECONDS = 24 * 3600


def _discard_abandoned() -> None:
    cutoff = time.time() - ABANDONED_AFTER_SECONDS
    for path in UPLOAD_DIR.glob("*"):
        if path.stat().st_mtime < cutoff:
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


def _run(request: HttpRequest, pending: dict[str, Any], *, dry_run: bool) -> Any:
    user = request.user if isinstance(request.user, User) else None
    return import_file(
        pending["kind"],
        Path(pending["path"]),
        dry_run=dry_run,
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
            context["report"] = _run(request, pending, dry_run=True)
            request.session[SESSION_KEY] = pending
        except ImportFailed as failure:
            path.unlink(missing_ok=True)
            request.session.pop(SESSION_KEY, None)
            context["problems"] = failure.problems
            context["problem_count"] = len(failure.problems)
    context["form"] = form
    return render(request, "admin/registry/importrecord/upload.html", context)


def _confirm(request: HttpRequest, pending: dict[str, Any]) -> HttpResponse:
    path = Path(pending["path"])
    del request.session[SESSION_KEY]
    if not path.exists() or file_checksum(path) != pending["checksum"]:
        messages.error(request, _("The uploaded file is no longer there; upload it again."))
        return HttpResponseRedirect(request.path)
    try:
        result = _run(request, pending, dry_run=False)
    except ImportFailed as failure:
        messages.error(request, _("Nothing was imported: %s") % failure.problems[0])
        return HttpResponseRedirect(request.path)
    finally:
        path.unlink(missing_ok=True)
    messages.success(request, result.summary())
    assert result.record is not None
    return HttpResponseRedirect(
        reverse("admin:registry_importrecord_change", args=[result.record.pk])
    )
