"""What a person needs to evacuate, from the fields of their record (planning.md). Plain
functions, so that the model's properties and the planner's set-based reads share one rule."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings

from registry.models.choices import CARE_LEVEL_REASONS, Mobility, Reason


def planning() -> dict[str, Any]:
    """settings.PLANNING, typed: the city's planning policy."""
    numbers: dict[str, Any] = settings.PLANNING
    return numbers


def care_level(reasons: Iterable[str]) -> int:
    """要介護度 0-5, from the reason codes (care_level_N)."""
    return max((CARE_LEVEL_REASONS.get(Reason(code), 0) for code in reasons), default=0)


def supporters_needed(mobility: str, table: Mapping[str, int] | None = None) -> int:
    """Supporters a person of this mobility needs, by the given table (a planner's policy,
    read once per run) or the settings."""
    return int((planning()["SUPPORTERS_NEEDED"] if table is None else table)[mobility])


def needs_welfare_shelter(
    mobility: str,
    medical_devices: Iterable[str],
    reasons: Iterable[str],
    welfare_care_level: int | None = None,
) -> bool:
    """Bedridden, on any medical device, or at a high care level (the given one, from a
    planner's policy, or the settings'): a welfare shelter only."""
    if welfare_care_level is None:
        welfare_care_level = int(planning()["WELFARE_CARE_LEVEL"])
    return (
        mobility == Mobility.BEDRIDDEN
        or any(True for _ in medical_devices)
        or care_level(reasons) >= welfare_care_level
    )


def needs_barrier_free(mobility: str) -> bool:
    return mobility in (Mobility.WHEELCHAIR, Mobility.BEDRIDDEN)


# What a supporter must be able to do for a person; planner.eligibility says which
# supporters can.
PUSH_WHEELCHAIR = "wheelchair"
CARRY = "carry"


def needs_capability(mobility: str) -> str | None:
    """What a supporter must be able to do for this person: push a wheelchair, or carry
    (carrying or driving will do)."""
    if mobility == Mobility.WHEELCHAIR:
        return PUSH_WHEELCHAIR
    if mobility == Mobility.BEDRIDDEN:
        return CARRY
    return None
