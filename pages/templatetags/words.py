"""Keys in words: pages carry keys (statuses, reasons, hazards, time slots, run stages) and
turn them into the reader's language only here, at the last step."""

from django import template
from django.db.models import TextChoices

from planner.models import (
    AskedHow,
    CoverStatus,
    MissingReason,
    PairState,
    RunStage,
    RunStatus,
    SupportRole,
)
from planner.scenario import walking_minutes
from registry.models.choices import HazardKind, TimeSlot

register = template.Library()


def _label(choices: type[TextChoices], key: str | None) -> str:
    """The label of a key in the current language; an unknown key as it is, never an error
    (a page must not fail on a value written by a newer version)."""
    if key in (None, ""):
        return ""
    try:
        return str(choices(key).label)
    except ValueError:
        return str(key)


@register.filter
def status_words(key: str) -> str:
    return _label(CoverStatus, key)


@register.filter
def reason_words(keys: list[str]) -> list[str]:
    return [_label(MissingReason, key) for key in keys]


@register.filter
def hazard_words(key: str) -> str:
    return _label(HazardKind, key)


@register.filter
def slot_words(key: str) -> str:
    return _label(TimeSlot, key)


@register.filter
def slot_list_words(keys: list[str] | None) -> list[str]:
    """A supporter's time slots, each in words, in the order the list holds them."""
    return [_label(TimeSlot, key) for key in keys or []]


@register.filter
def stage_words(key: str) -> str:
    return _label(RunStage, key)


@register.filter
def run_status_words(key: str) -> str:
    return _label(RunStatus, key)


@register.filter
def pair_state_words(key: str) -> str:
    return _label(PairState, key)


@register.filter
def asked_how_words(key: str) -> str:
    return _label(AskedHow, key)


@register.filter
def role_list_words(keys: list[str] | None) -> list[str]:
    return [_label(SupportRole, key) for key in keys or []]


@register.filter
def thousands(number: int | None) -> str:
    """A count of metres as people read it: 1,540."""
    return "" if number is None else f"{number:,}"


@register.filter
def minutes_on_foot(metres: int | None) -> int | None:
    """Minutes at the plan's walking pace, as printed plans give them."""
    return None if metres is None else walking_minutes(metres)
