"""Plan runs for officers: start one for a scenario, follow it, and see what changed since the
last run of the same scenario, confirmed assignments that had to be dropped included."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pages.forms import RunForm
from planner.candidates import ScenarioError
from planner.models import PlanRun, RunStatus
from planner.reports import run_summary
from planner.tasks import plan_scenario
from registry.access import Role, role_of

COUNTS = ("covered", "partial", "uncovered", "no_consent")


def _officer(request: HttpRequest) -> None:
    if role_of(request.user) != Role.OFFICER:
        raise PermissionDenied


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    _officer(request)
    form = RunForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            area = form.cleaned_data["neighbourhood"]
            assert request.user.pk is not None
            try:
                result = plan_scenario.enqueue(
                    form.cleaned_data["hazard"], form.cleaned_data["slot"],
                    area.code if area else None, request.user.pk,
                )  # fmt: skip
            except ScenarioError as error:
                messages.error(request, str(error))
                return redirect("runs")
            if result.is_finished:
                return redirect("run", pk=result.return_value)
            messages.info(request, _("The plan run has started; this page shows it when done."))
            return redirect("runs")
        return render(request, "pages/runs.html", _list_context(form), status=400)
    return render(request, "pages/runs.html", _list_context(form))


def _list_context(form: RunForm) -> dict[str, Any]:
    runs = list(PlanRun.objects.select_related("neighbourhood")[:30])
    return {"form": form, "runs": runs, "running": any(r.status == RunStatus.RUNNING for r in runs)}


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    run = PlanRun.objects.select_related("neighbourhood").filter(pk=pk).first()
    if run is None:
        raise Http404
    previous = (
        PlanRun.objects.filter(
            hazard=run.hazard, slot=run.slot, neighbourhood=run.neighbourhood,
            status=RunStatus.DONE, pk__lt=run.pk,
        ).order_by("-pk").first()
    )  # fmt: skip
    changes = (
        [
            (key, run.stats.get(key, 0), run.stats.get(key, 0) - previous.stats.get(key, 0))
            for key in COUNTS
        ]
        if previous
        else [(key, run.stats.get(key, 0), None) for key in COUNTS]
    )
    dropped = run.dropped.select_related("person", "supporter", "shelter")
    context = {
        "run": run,
        "summary": run_summary(run),
        "previous": previous,
        "changes": changes,
        "dropped": dropped,
    }
    return render(request, "pages/run.html", context)
