"""Which scenario a page is about: the one asked for in the query string (`?hazard=…&slot=…`),
else the one planned most recently for the neighbourhood or person. A page names it and offers
the others planned; it never shows one scenario's run under another's name."""

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.http import Http404, HttpRequest

from planner.models import PlanRun
from planner.selectors import latest_run, planned_scenarios
from registry.models import Neighbourhood, Person
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


def chosen_scenario(request: HttpRequest, subject: Neighbourhood | Person) -> ChosenScenario:
    planned = planned_scenarios(subject)
    hazard = request.GET.get("hazard") or None
    slot = request.GET.get("slot") or None
    if (hazard is not None and hazard not in HazardKind.values) or (
        slot is not None and slot not in TimeSlot.values
    ):
        raise Http404
    if hazard is None and slot is None:
        hazard, slot = planned[0] if planned else DEFAULT
    elif slot is None:
        # A hazard alone: its most recently planned slot.
        slot = next((s for h, s in planned if h == hazard), DEFAULT[1])
    elif hazard is None:
        hazard = next((h for h, s in planned if s == slot), DEFAULT[0])
    assert hazard is not None and slot is not None
    return ChosenScenario(hazard, slot, latest_run(subject, hazard, slot), planned)


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
    hazard = request.GET.get("hazard") or None
    slot = request.GET.get("slot") or None
    if (hazard is not None and hazard not in HazardKind.values) or (
        slot is not None and slot not in TimeSlot.values
    ):
        raise Http404
    return ScenarioFilter(hazard, slot)
