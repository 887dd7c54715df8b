"""Decisions taken before a run: supporters who agreed or were asked (any scenario), and
confirmed shelters of the same scenario, are kept while still allowed; declined supporters and
rejected shelters are never proposed again (planning.md, "Stability")."""

from dataclasses import dataclass, field

import numpy as np
from django.db.models import OuterRef, QuerySet, Subquery

from planner.matching import Arcs, IntArray
from planner.models import (
    AssignmentState,
    PairState,
    PersonPlan,
    RunStatus,
    ShelterAssignment,
    SupportAgreement,
)
from planner.scenario import Scenario
from registry.models import Person


@dataclass(frozen=True)
class Kept:
    """A decided assignment carried into the new run."""

    person: int  # pk
    target: int  # supporter or shelter pk
    distance: int
    roles: list[str] | None  # None: given by the supporter's place among the person's
    decided_by: int | None
    decided_at: object
    agreed: bool = True  # False for a supporter asked whose answer is pending


@dataclass(frozen=True)
class Dropped:
    person: int
    supporter: int | None
    shelter: int | None
    reason: str


@dataclass
class Decisions:
    # Agreed pairs before asked ones, per person: the agreed take the person's places first.
    supporters: list[SupportAgreement] = field(default_factory=list)
    shelters: list[ShelterAssignment] = field(default_factory=list)
    rejected_supporters: list[tuple[int, int]] = field(default_factory=list)
    rejected_shelters: set[tuple[int, int]] = field(default_factory=set)


def previous_decisions(scenario: Scenario, people: QuerySet[Person]) -> Decisions:
    """Supporters agreed or asked for each person, whatever the scenario; confirmed shelters of
    each person's latest finished run of the same hazard and slot; declined supporters and
    shelters rejected in any run."""
    latest_run = Subquery(
        PersonPlan.objects.filter(
            person=OuterRef("person"),
            run__hazard=scenario.hazard,
            run__slot=scenario.slot,
            run__status=RunStatus.DONE,
        )
        .order_by("-run_id")
        .values("run_id")[:1]
    )
    supporters = list(
        SupportAgreement.objects.filter(
            person__in=people, state__in=[PairState.AGREED, PairState.ASKED]
        )
        .select_related("supporter")
        # "agreed" sorts before "asked".
        .order_by("person_id", "state", "asked_at", "supporter_id")
    )
    shelters = list(
        ShelterAssignment.objects.filter(person__in=people, state=AssignmentState.CONFIRMED)
        .filter(run_id=latest_run)
        .order_by("person_id")
    )
    rejected_supporters = set(
        SupportAgreement.objects.filter(person__in=people, state=PairState.DECLINED).values_list(
            "person_id", "supporter_id"
        )
    )
    rejected_shelters = set(
        ShelterAssignment.objects.filter(person__in=people, state=AssignmentState.REJECTED)
        .values_list("person_id", "shelter_id")
        .distinct()
    )
    return Decisions(supporters, shelters, sorted(rejected_supporters), rejected_shelters)


def arc_keys(arcs: Arcs, targets: int) -> IntArray:
    return arcs.person * max(targets, 1) + arcs.target


def find_arcs(arcs: Arcs, targets: int, pairs: list[tuple[int, int]]) -> IntArray:
    """Index of each (person index, target index) pair among the arcs, or -1 when there is no
    such arc (or the target index is -1, for a target not in the scenario)."""
    result = np.full(len(pairs), -1, dtype=np.int64)
    if not pairs or len(arcs) == 0:
        return result
    keys = arc_keys(arcs, targets)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    for i, (person, target) in enumerate(pairs):
        if target < 0:
            continue
        key = person * max(targets, 1) + target
        position = int(np.searchsorted(sorted_keys, key))
        if position < len(sorted_keys) and sorted_keys[position] == key:
            result[i] = order[position]
    return result


def without_arcs(arcs: Arcs, drop: IntArray) -> Arcs:
    if not (drop >= 0).any():
        return arcs  # nothing to drop: no copy of millions of pairs
    keep = np.ones(len(arcs), dtype=bool)
    keep[drop[drop >= 0]] = False
    return Arcs(arcs.person[keep], arcs.target[keep], arcs.distance[keep])
