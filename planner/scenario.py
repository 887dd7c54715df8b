"""A scenario and the planning policy it is planned under."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from registry.needs import planning

# The plan's walking pace, slow as for an elderly person helped along: 2 km/h. Printed plans
# and exported routes give minutes at this pace.
SLOW_PACE_M_PER_MIN = 2000 / 60


def walking_minutes(metres: float) -> int:
    return max(1, round(metres / SLOW_PACE_M_PER_MIN))


@dataclass(frozen=True)
class Scenario:
    hazard: str
    slot: str
    neighbourhood: str | None = None  # a neighbourhood code; None for the whole city
    away_supporters: frozenset[str] = field(default_factory=frozenset)  # supporter IDs
    closed_shelters: frozenset[str] = field(default_factory=frozenset)  # shelter IDs


@dataclass(frozen=True)
class Policy:
    """planning.md's numbers, as the city set them in settings.PLANNING: read once per run
    (`from_settings`) and passed down, so that one run never mixes two policies."""

    supporter_reach_m: int
    shelter_reach_m: int
    walk_streets: bool
    route_snap_m: int
    weight_base: int
    weight_home_in_hazard_area: int
    weight_medical_device: int
    first_place_value: int
    other_place_value: int
    elderly_supporter_age: int
    recruitment_hints: int
    supporters_needed: Mapping[str, int]  # by mobility key
    welfare_care_level: int

    @classmethod
    def from_settings(cls) -> "Policy":
        numbers = planning()
        return cls(
            supporter_reach_m=numbers["SUPPORTER_REACH_M"],
            shelter_reach_m=numbers["SHELTER_REACH_M"],
            walk_streets=bool(numbers["WALK_STREETS"]),
            route_snap_m=numbers["ROUTE_SNAP_M"],
            weight_base=numbers["WEIGHT_BASE"],
            weight_home_in_hazard_area=numbers["WEIGHT_HOME_IN_HAZARD_AREA"],
            weight_medical_device=numbers["WEIGHT_MEDICAL_DEVICE"],
            first_place_value=numbers["FIRST_PLACE_VALUE"],
            other_place_value=numbers["OTHER_PLACE_VALUE"],
            elderly_supporter_age=numbers["ELDERLY_SUPPORTER_AGE"],
            recruitment_hints=numbers["RECRUITMENT_HINTS"],
            supporters_needed=dict(numbers["SUPPORTERS_NEEDED"]),
            welfare_care_level=int(numbers["WELFARE_CARE_LEVEL"]),
        )

    def as_parameters(self) -> dict[str, Any]:
        """The policy as the run records it (from this object: settings are read once)."""
        return {**self.__dict__, "supporters_needed": dict(self.supporters_needed)}

    def weight(self, *, in_hazard_area: bool, medical_device: bool) -> int:
        return (
            self.weight_base
            + (self.weight_home_in_hazard_area if in_hazard_area else 0)
            + (self.weight_medical_device if medical_device else 0)
        )
