"""What a person needs to evacuate, from the fields of their record (planning.md). Plain
functions, so that the model's properties and the planner's set-based reads share one rule."""

from collections.abc import Iterable
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


def supporters_needed(mobility: str) -> int:
    return int(planning()["SUPPORTERS_NEEDED"][mobility])


def needs_welfare_shelter(
    mobility: str, medical_devices: Iterable[str], reasons: Iterable[str]
) -> bool:
    """Bedridden, on any medical device, or at a high care level: a welfare shelter only."""
    return (
        mobility == Mobility.BEDRIDDEN
        or any(True for _ in medical_devices)
        or care_level(reasons) >= int(planning()["WELFARE_CARE_LEVEL"])
    )


def needs_barrier_free(mobility: str) -> bool:
    return mobility in (Mobility.WHEELCHAIR, Mobility.BEDRIDDEN)


def needs_capability(mobility: str) -> str | None:
    """What a supporter must be able to do for this person: push a wheelchair, or carry
    (carrying or driving will do)."""
    if mobility == Mobility.WHEELCHAIR:
        return "wheelchair"
    if mobility == Mobility.BEDRIDDEN:
        return "carry"
    return None
