"""Printing many neighbourhoods at once: the page starts a print job (one queued task per
neighbourhood, printed by the workers), shows each job's progress, and hands over a zip of its
bundles when done. A job prints the user's own copy of the people the user may see; a user sees
their own jobs, an officer every job."""

import tempfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from printouts.jobs import job_progress, jobs_seen_by, write_zip
from printouts.models import PrintJob, PrintJobStatus
from printouts.tasks import print_job_create
from registry.access import copy_for_reader, neighbourhoods_visible_to
from registry.models import Neighbourhood

REFRESH_SECONDS = 5
# Zips larger than this go to a temporary file on disk rather than stay in memory.
IN_MEMORY_BYTES = 32 * 1024 * 1024


class PrintForm(forms.Form):
    neighbourhoods = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Neighbourhoods"), queryset=Neighbourhood.objects.none(),
        to_field_name="code", required=False, widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    lang = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=[("ja", "日本語"), ("en", "English")]
    )

    def __init__(self, *args: object, areas: QuerySet[Neighbourhood], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["neighbourhoods"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = areas


def _jobs(request: HttpRequest) -> QuerySet[PrintJob]:
    # Only roles with a copy of personal data print (copy_for_reader refuses the others).
    copy_for_reader(request.user)
    return jobs_seen_by(request.user)


@login_required
def print_jobs(request: HttpRequest) -> HttpResponse:
    copy = copy_for_reader(request.user)  # only roles with a copy of personal data print
    areas = neighbourhoods_visible_to(request.user).order_by("code")
    form = PrintForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["neighbourhoods"])
        # "Print them all" sends no choice: every neighbourhood the user may see.
        if "all" in request.POST or not chosen:
            chosen = list(areas)
        if not chosen:
            messages.error(request, _("There is no neighbourhood to print."))
            return redirect("print_jobs")
        job = print_job_create(
            chosen, user=request.user, performed_by=request.user.get_username(),
            lang=form.cleaned_data["lang"], copy_for=copy,
        )  # fmt: skip
        messages.info(request, _("Printing has started; this page shows its progress."))
        return redirect("print_job", pk=job.pk)
    jobs = [(job, job_progress(job)) for job in _jobs(request)[:20]]
    working = any(job.status == PrintJobStatus.WORKING for job, _progress in jobs)
    context = {
        "form": form, "jobs": jobs, "areas": areas,
        "refresh": REFRESH_SECONDS if working else None,
    }  # fmt: skip
    return render(request, "pages/print_jobs.html", context, status=400 if form.errors else 200)


def _job(request: HttpRequest, pk: int) -> PrintJob:
    job = _jobs(request).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
def print_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    parts = job.parts.select_related("neighbourhood").order_by("neighbourhood__code")
    context = {
        "job": job,
        "progress": job_progress(job),
        "parts": parts.defer("pdf", "person_ids"),
        "refresh": REFRESH_SECONDS if job.status == PrintJobStatus.WORKING else None,
    }
    return render(request, "pages/print_job.html", context)


@login_required
def print_job_zip(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if job.status == PrintJobStatus.WORKING:
        raise Http404
    spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115
    if not write_zip(job, spool, user=request.user):
        spool.close()
        raise Http404
    spool.seek(0)
    response = FileResponse(
        spool, as_attachment=True, filename=f"print-job-{job.pk}.zip",
        content_type="application/zip",
    )  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response
