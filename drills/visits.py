"""Whom each supporter visits in a drill: what their sheet, their e-mail and the list of links
are made from. One query for the whole drill, however many supporters."""

from collections import defaultdict
from dataclasses import dataclass

from drills.models import Drill, DrillCheck
from registry.models import Person, Supporter


@dataclass(frozen=True)
class Visits:
    """A supporter and the people they check on, in the order they were given them (their
    first-ranked people first, then by ID)."""

    supporter: Supporter
    people: list[Person]


def drill_visits(drill: Drill) -> list[Visits]:
    """Every supporter with someone to check on in the drill, by their ID."""
    checks = (
        DrillCheck.objects.filter(drill=drill)
        .select_related("supporter", "person")
        .order_by("supporter__external_id", "rank", "person__external_id")
    )
    supporters: dict[int, Supporter] = {}
    people: dict[int, list[Person]] = defaultdict(list)
    for check in checks:
        supporters.setdefault(check.supporter_id, check.supporter)
        people[check.supporter_id].append(check.person)
    return [Visits(supporter, people[pk]) for pk, supporter in supporters.items()]
