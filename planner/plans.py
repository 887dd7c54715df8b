"""One plan per person across scenarios, as the content a version freezes: for each time of
day the supporters of the latest finished run of that slot (any hazard), with where each pair
stands; for each hazard the destination of the latest finished run of that hazard and how the
home stands in its areas; the needs the plan was made for; and the runs it was assembled from.

The content is plain JSON, the shape `export plans --format json` writes, so that a frozen
version reads the same in ten years whatever the code becomes."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, Required, TypedDict

from django.db import connection

from planner.models import (
    AssignmentState,
    CoverStatus,
    PairState,
    PersonPlan,
    RunStatus,
    ShelterAssignment,
    SupportAgreement,
    SupporterAssignment,
    SupportRole,
)
from registry.models import Person
from registry.models.choices import HazardKind, TimeSlot


class SupporterEntry(TypedDict):
    supporter: str  # the supporter's external id
    state: str  # PairState
    roles: list[str]  # SupportRole keys
    metres: int


class HazardEntry(TypedDict, total=False):
    shelter: Required[str | None]  # the shelter's external id; None when no run found one
    metres: Required[int | None]
    in_area: Required[bool]
    level: Required[int | None]  # the highest level of the hazard's areas covering the home
    # The walking route's metres on the street network (None: as the crow flies), and the
    # other hazards whose areas the way crosses. Versions issued before routes lack both.
    route_m: int | None
    crosses: list[str]


class Needs(TypedDict):
    mobility: str
    reasons: list[str]
    medical_devices: list[str]
    needed: int


class Content(TypedDict):
    slots: dict[str, list[SupporterEntry]]
    hazards: dict[str, HazardEntry]
    needs: Needs
    status: str  # the weakest CoverStatus over the runs used; "" when never planned
    missing: list[str]  # MissingReason keys of those runs
    runs: list[int]


class Outcome(NamedTuple):
    """A person's outcome in one finished run."""

    run_id: int
    status: str
    reasons: list[str]


# What decides whether a plan changed: the runs it came from may change without it.
COMPARED = ("slots", "hazards", "needs")
# Weakest first: a plan is as covered as its least covered scenario.
STATUS_ORDER: list[str] = [
    CoverStatus.NO_CONSENT,
    CoverStatus.UNCOVERED,
    CoverStatus.PARTIAL,
    CoverStatus.COVERED,
]
STATE_ORDER: list[str] = [PairState.AGREED, PairState.ASKED, PairState.PROPOSED]
ROLE_ORDER = list(SupportRole.values)


def same_plan(old: Content, new: Content) -> bool:
    return all(_filled(old).get(key) == _filled(new).get(key) for key in COMPARED)


def _filled(content: Content) -> dict[str, Any]:
    """The content with the keys later versions added set to their empty values, so that a
    version issued before routes existed compares equal to the same plan without one."""
    hazards = {
        kind: {"route_m": None, "crosses": [], **entry}
        for kind, entry in content.get("hazards", {}).items()
    }
    return {**content, "hazards": hazards}


def route_lines(contents: dict[int, Content]) -> dict[tuple[int, str], Any]:
    """The walking route of each person's destination per hazard, where one was drawn: from
    the latest of the plan's runs for that hazard, as the content's `runs` name them."""
    runs = {run for content in contents.values() for run in content["runs"]}
    latest: dict[tuple[int, str], tuple[int, Any]] = {}
    for person, run, hazard, line in (
        ShelterAssignment.objects.filter(person_id__in=list(contents), run_id__in=runs)
        .exclude(state=AssignmentState.REJECTED)
        .values_list("person_id", "run_id", "run__hazard", "route")
    ):
        if run in contents[person]["runs"] and run > latest.get((person, hazard), (0, None))[0]:
            latest[person, hazard] = (run, line)
    return {key: line for key, (_, line) in latest.items() if line is not None}


def plan_contents(people: Iterable[Person]) -> dict[int, Content]:
    """Each person's plan as it stands now, by person pk: a handful of queries for the whole
    list, however long."""
    people = list(people)
    ids = [person.pk for person in people]
    by_slot: dict[tuple[int, str], Outcome] = {}
    by_hazard: dict[tuple[int, str], Outcome] = {}
    # Only the columns needed: a run's row carries its statistics, large JSON.
    for person_id, run_id, hazard, slot, status, reasons in (
        PersonPlan.objects.filter(person_id__in=ids, run__status=RunStatus.DONE)
        .order_by("-run_id")
        .values_list("person_id", "run_id", "run__hazard", "run__slot", "status", "reasons")
    ):
        outcome = Outcome(run_id, status, reasons)
        by_slot.setdefault((person_id, slot), outcome)
        by_hazard.setdefault((person_id, hazard), outcome)
    agreements = {
        (owner, supporter): state
        for owner, supporter, state in SupportAgreement.objects.filter(
            person_id__in=ids
        ).values_list("person_id", "supporter_id", "state")
    }
    slot_runs = {(pk, plan.run_id) for (pk, _), plan in by_slot.items()}
    helpers: dict[tuple[int, int], list[SupporterEntry]] = defaultdict(list)
    for pk, run, supporter, external, roles, metres in SupporterAssignment.objects.filter(
        person_id__in=ids, run_id__in={run for _, run in slot_runs}
    ).values_list("person_id", "run_id", "supporter_id", "supporter__external_id", "roles",
                  "distance_m"):  # fmt: skip
        state = agreements.get((pk, supporter), PairState.PROPOSED)
        if (pk, run) in slot_runs and state != PairState.DECLINED:
            helpers[(pk, run)].append(
                {"supporter": external, "state": state, "roles": _ordered(roles), "metres": metres}
            )
    hazard_runs = {(pk, plan.run_id) for (pk, _), plan in by_hazard.items()}
    shelters = {
        (pk, run): (external, metres, route_m, crosses)
        for pk, run, external, metres, route_m, crosses in ShelterAssignment.objects.filter(
            person_id__in=ids, run_id__in={run for _, run in hazard_runs}
        )
        .exclude(state=AssignmentState.REJECTED)
        .values_list(
            "person_id", "run_id", "shelter__external_id", "distance_m", "route_m", "route_crosses"
        )
    }
    levels = home_levels(ids)
    contents = {}
    for person in people:
        found = [by_slot.get((person.pk, slot)) for slot in TimeSlot.values]
        found += [by_hazard.get((person.pk, kind)) for kind in HazardKind.values]
        plans = {plan.run_id: plan for plan in found if plan is not None}
        slots: dict[str, list[SupporterEntry]] = {}
        for slot in TimeSlot.values:
            if slot_plan := by_slot.get((person.pk, slot)):
                slots[slot] = sorted(
                    helpers[(person.pk, slot_plan.run_id)],
                    key=lambda h: (STATE_ORDER.index(h["state"]), h["metres"], h["supporter"]),
                )
        hazards: dict[str, HazardEntry] = {}
        for kind in HazardKind.values:
            hazard_plan = by_hazard.get((person.pk, kind))
            in_area, level = levels.get((person.pk, kind), (False, None))
            if hazard_plan is None and not in_area:
                continue
            shelter: tuple[str | None, int | None, int | None, list[str]] = (None, None, None, [])
            if hazard_plan is not None:
                shelter = shelters.get((person.pk, hazard_plan.run_id), shelter)
            hazards[kind] = {"shelter": shelter[0], "metres": shelter[1], "in_area": in_area,
                             "level": level, "route_m": shelter[2],
                             "crosses": sorted(shelter[3])}  # fmt: skip
        statuses = [plan.status for plan in plans.values()]
        contents[person.pk] = Content(
            slots=slots,
            hazards=hazards,
            needs=Needs(
                mobility=person.mobility,
                reasons=sorted(person.reasons),
                medical_devices=sorted(person.medical_devices),
                needed=person.supporters_needed,
            ),
            status=min(statuses, key=STATUS_ORDER.index) if statuses else "",
            missing=sorted({reason for plan in plans.values() for reason in plan.reasons}),
            runs=sorted(plans),
        )
    return contents


def _ordered(roles: list[str]) -> list[str]:
    return sorted(roles, key=ROLE_ORDER.index)


def home_levels(ids: list[int]) -> dict[tuple[int, str], tuple[bool, int | None]]:
    """(person pk, hazard) → (home inside an area of it, the highest level of those areas),
    for every hazard whose areas cover a home: one query from the areas' GiST index."""
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.id, h.kind, max(h.level)
            FROM registry_person p
            JOIN registry_hazardarea h ON ST_Intersects(h.geom, p.location::geometry)
            WHERE p.id = ANY(%s)
            GROUP BY p.id, h.kind
            """,
            [ids],
        )
        return {(pk, kind): (True, level) for pk, kind, level in cursor.fetchall()}


def open_pairs(ids: list[int]) -> dict[int, list[tuple[int, str, list[str]]]]:
    """Per person pk, the pairs of their plan still open — proposed (no agreement recorded)
    or asked — as (supporter pk, state, TimeSlot keys of the latest run of each slot that
    holds the pair): what `plan_contents` would list, in one query for a whole neighbourhood."""
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH latest AS (
                SELECT DISTINCT ON (pp.person_id, r.slot) pp.person_id, pp.run_id, r.slot
                FROM planner_personplan pp JOIN planner_planrun r ON r.id = pp.run_id
                WHERE r.status = %(done)s AND pp.person_id = ANY(%(ids)s)
                ORDER BY pp.person_id, r.slot, pp.run_id DESC
            )
            SELECT a.person_id, a.supporter_id, COALESCE(g.state, %(proposed)s),
                   array_agg(l.slot), min(a.distance_m)
            FROM latest l
            -- One index look-up per (person, run): the planner, left to itself, reads every
            -- assignment of every run.
            CROSS JOIN LATERAL (
                SELECT a.person_id, a.supporter_id, a.distance_m
                FROM planner_supporterassignment a
                WHERE a.run_id = l.run_id AND a.person_id = l.person_id
                OFFSET 0
            ) a
            LEFT JOIN planner_supportagreement g
              ON g.person_id = a.person_id AND g.supporter_id = a.supporter_id
            WHERE g.id IS NULL OR g.state = %(asked)s
            GROUP BY a.person_id, a.supporter_id, g.state
            ORDER BY a.person_id, min(a.distance_m), a.supporter_id
            """,
            {"done": RunStatus.DONE, "ids": ids, "proposed": PairState.PROPOSED,
             "asked": PairState.ASKED},
        )  # fmt: skip
        found: dict[int, list[tuple[int, str, list[str]]]] = defaultdict(list)
        for person, supporter, state, slots, _metres in cursor.fetchall():
            ordered = [slot for slot in TimeSlot.values if slot in slots]
            found[person].append((supporter, state, ordered))
        return found


@dataclass(frozen=True)
class PlannedPair:
    """One supporter of a plan, once whatever the time slots they help in."""

    state: str  # PairState: a pair's state is the same in every slot
    metres: int  # from the home, as the first slot's run measured it
    slots: list[str]  # TimeSlot keys, in TimeSlot's order
    roles: list[str]  # SupportRole keys over all their slots, in SupportRole's order


def pairs_of(content: Content) -> dict[str, PlannedPair]:
    """Each supporter of the plan by external id, in the order first met slot by slot."""
    slots: dict[str, list[str]] = {}
    roles: dict[str, set[str]] = {}
    first: dict[str, SupporterEntry] = {}
    for slot in TimeSlot.values:
        for entry in content["slots"].get(slot, []):
            first.setdefault(entry["supporter"], entry)
            slots.setdefault(entry["supporter"], []).append(slot)
            roles.setdefault(entry["supporter"], set()).update(entry["roles"])
    return {
        supporter: PlannedPair(
            entry["state"], entry["metres"], slots[supporter], _ordered(list(roles[supporter]))
        )
        for supporter, entry in first.items()
    }
