"""Plan runs for officers: start one for a scenario, follow it while it works, and see what
changed since the last run of the same scenario, confirmed assignments that had to be dropped
included."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pages.forms import RunForm
from planner.candidates import ScenarioError
from planner.models import PlanRun, RunStage, RunStatus
from planner.scenario import Scenario
from planner.tasks import plan_run_queue
from registry.access import Role, role_of

# Seconds between reloads of a page that shows a run still working.
REFRESH_SECONDS = 5

# The run's figures, in the order the page lists them; `changes` marks those compared with
# the last run of the same scenario. Labels stay lazy: they are put into words when rendered.
FIGURES: tuple[tuple[str, Promise, bool], ...] = (
    ("people", gettext_lazy("People planned"), True),
    ("covered", gettext_lazy("Covered"), True),
    ("partial", gettext_lazy("Partly covered"), True),
    ("uncovered", gettext_lazy("Uncovered"), True),
    ("no_consent", gettext_lazy("No consent"), True),
    ("in_hazard_area_not_covered", gettext_lazy("In the hazard area, not fully covered"), True),
    ("supporters_in_hazard_area", gettext_lazy("Supporters living in the hazard area they serve"),
     False),
    ("elderly_supporters", gettext_lazy("Elderly supporters"), False),
    ("kept", gettext_lazy("Confirmed assignments kept"), False),
    ("dropped", gettext_lazy("Confirmed assignments dropped"), False),
    ("supporter_distance_m", gettext_lazy("Total distance of supporters (m)"), False),
    ("shelter_distance_m", gettext_lazy("Total distance to shelters (m)"), False),
)  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """One figure of a run, with its change since the last run of the scenario (None: no
    earlier run, or not compared)."""

    key: str
    label: Promise
    now: int
    change: int | None


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
            scenario = Scenario(
                form.cleaned_data["hazard"], form.cleaned_data["slot"], area.code if area else None
            )
            try:
                run = plan_run_queue(scenario=scenario, user=request.user)  # type: ignore[arg-type]
            except ScenarioError as error:
                messages.error(request, str(error))
                return redirect("runs")
            if run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
                messages.info(request, _("The plan run has started; this page shows it when done."))
            return redirect("run", pk=run.pk)
        return render(request, "pages/runs.html", _list_context(form), status=400)
    return render(request, "pages/runs.html", _list_context(form))


def _list_context(form: RunForm) -> dict[str, Any]:
    runs = list(PlanRun.objects.select_related("neighbourhood")[:30])
    running = any(r.status in (RunStatus.QUEUED, RunStatus.RUNNING) for r in runs)
    return {"form": form, "runs": runs, "refresh": REFRESH_SECONDS if running else None}


def _previous(run: PlanRun) -> PlanRun | None:
    """The last finished run of the same scenario (hazard, slot and area) before this one."""
    return (
        PlanRun.objects.filter(
            hazard=run.hazard, slot=run.slot, neighbourhood=run.neighbourhood,
            status=RunStatus.DONE, pk__lt=run.pk,
        ).order_by("-pk").first()
    )  # fmt: skip


def _figures(run: PlanRun, previous: PlanRun | None) -> list[Figure]:
    figures = []
    for key, label, compared in FIGURES:
        now = int(run.stats.get(key, 0) or 0)
        change = (
            now - int(previous.stats.get(key, 0) or 0)
            if previous is not None and compared
            else None
        )
        figures.append(Figure(key, label, now, change))
    return figures


def _step(run: PlanRun) -> int:
    if run.status != RunStatus.RUNNING:
        return 0
    stages = [value for value, _label in RunStage.choices]
    return stages.index(run.stage) + 1 if run.stage in stages else 1


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    run = PlanRun.objects.select_related("neighbourhood", "user").filter(pk=pk).first()
    if run is None:
        raise Http404
    done = run.status == RunStatus.DONE
    previous = _previous(run) if done else None
    context = {
        "run": run,
        "previous": previous,
        "figures": _figures(run, previous) if done else [],
        "hints": run.stats.get("recruitment_hints", []) if done else [],
        "seconds": _seconds_taken(run.timings),
        "dropped": run.dropped.select_related("person", "supporter", "shelter") if done else [],
        "refresh": REFRESH_SECONDS if not run.is_over else None,
        # How far a run that is not over has got, for its progress bar: waiting, then each stage.
        "step": _step(run),
        "steps": len(RunStage.choices) + 1,
    }
    return render(request, "pages/run.html", context)


def _seconds_taken(timings: dict[str, float]) -> float | None:
    """The whole run's seconds: its total, for runs that recorded one, else its stages'."""
    if not timings:
        return None
    return float(timings.get("total", sum(float(s) for s in timings.values())))
