"""Which scenario a page is about: the one asked for in the query string (`?hazard=…&slot=…`);
else, while an emergency disclosure is open for the neighbourhood, the most recently planned
scenario of the emergency's hazard; else the one planned most recently for the neighbourhood or
person. A page names it and offers the others planned; it never shows one scenario's run under
another's name."""

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.http import Http404, HttpRequest

from planner.models import PlanRun
from planner.selectors import latest_run, planned_scenarios
from registry.models import EmergencyDisclosure, Neighbourhood, Person
from registry.models.choices import HazardKind, TimeSlot

DEFAULT = (HazardKind.FLOOD.value, TimeSlot.WEEKDAY_NIGHT.value)


@dataclass(frozen=True)
class ChosenScenario:
    hazard: str
    slot: str
    run: PlanRun | None
    planned: list[tuple[str, str]]

    @cached_property
    def query(self) -> str:
        """The query string that keeps this scenario on links to other pages."""
        return urlencode({"hazard": self.hazard, "slot": self.slot})

    @property
    def hazard_label(self) -> str:
        return str(HazardKind(self.hazard).label)

    @property
    def slot_label(self) -> str:
        return str(TimeSlot(self.slot).label)

    @property
    def choices(self) -> list[dict[str, str | bool]]:
        """The scenarios planned, for a control that switches between them."""
        return [
            {
                "query": urlencode({"hazard": hazard, "slot": slot}),
                "label": f"{HazardKind(hazard).label} / {TimeSlot(slot).label}",
                "current": (hazard, slot) == (self.hazard, self.slot),
            }
            for hazard, slot in self.planned
        ]

    @property
    def others(self) -> list[dict[str, str | bool]]:
        """The scenarios planned other than this one."""
        return [choice for choice in self.choices if not choice["current"]]


def chosen_scenario(request: HttpRequest, subject: Neighbourhood | Person) -> ChosenScenario:
    planned = planned_scenarios(subject)
    hazard, slot = _asked(request)
    if hazard is None:
        # In an emergency the plan for that hazard is the one people need first, whoever looks.
        urgent = next(
            (
                (h, s)
                for emergency_hazard in emergency_hazards(subject)
                for h, s in planned
                if h == emergency_hazard and slot in (None, s)
            ),
            None,
        )
        if urgent is not None:
            hazard, slot = urgent
    if hazard is None and slot is None:
        hazard, slot = planned[0] if planned else DEFAULT
    elif slot is None:
        # A hazard alone: its most recently planned slot.
        slot = next((s for h, s in planned if h == hazard), DEFAULT[1])
    elif hazard is None:
        hazard = next((h for h, s in planned if s == slot), DEFAULT[0])
    assert hazard is not None and slot is not None
    return ChosenScenario(hazard, slot, latest_run(subject, hazard, slot), planned)


def emergency_hazards(subject: Neighbourhood | Person) -> list[str]:
    """Hazards of the emergency disclosures open now for the neighbourhood (the person's), the
    most recently declared first. Not narrowed to the user: the emergency is the area's."""
    area_id = subject.pk if isinstance(subject, Neighbourhood) else subject.neighbourhood_id
    if area_id is None:
        return []
    found = (
        EmergencyDisclosure.objects.active()
        .filter(neighbourhoods=area_id)
        .order_by("-declared_at", "-pk")
        .values_list("hazard", flat=True)
    )
    return list(dict.fromkeys(found))


def _asked(request: HttpRequest) -> tuple[str | None, str | None]:
    """The hazard and slot of the query string; an unknown value is no page (404)."""
    hazard = request.GET.get("hazard") or None
    slot = request.GET.get("slot") or None
    if (hazard is not None and hazard not in HazardKind.values) or (
        slot is not None and slot not in TimeSlot.values
    ):
        raise Http404
    return hazard, slot


def scenario_query(request: HttpRequest, run: PlanRun | None = None) -> str:
    """The query string that takes the user back to the scenario they were on after a form is
    posted: the run's scenario when the form was about a run's assignment, else the hazard and
    slot the form was posted with (unknown values are dropped, not carried on)."""
    if run is not None:
        return urlencode({"hazard": run.hazard, "slot": run.slot})
    keys = {
        "hazard": (request.GET.get("hazard"), HazardKind.values),
        "slot": (request.GET.get("slot"), TimeSlot.values),
    }
    return urlencode({key: value for key, (value, known) in keys.items() if value in known})


@dataclass(frozen=True)
class ScenarioFilter:
    """The scenario a list page is narrowed to (`?hazard=…&slot=…`); None: every one."""

    hazard: str | None
    slot: str | None

    @property
    def hazards(self) -> list[tuple[str, str]]:
        return [(str(key), str(label)) for key, label in HazardKind.choices]

    @property
    def slots(self) -> list[tuple[str, str]]:
        return [(str(key), str(label)) for key, label in TimeSlot.choices]


def scenario_filter(request: HttpRequest) -> ScenarioFilter:
    return ScenarioFilter(*_asked(request))
