"""Plan a scenario: candidates from PostGIS, exact matching, and the run saved in one
transaction (planning.md). `plan_run_create` is what the command and the web call."""

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from planner import diagnosis, saving
from planner.candidates import (
    People,
    PlanningTables,
    Targets,
    load_people,
    resolve_ids,
    scope_neighbourhood,
    scope_people,
)
from planner.keeping import Decisions, Dropped, Kept, find_arcs, previous_decisions, without_arcs
from planner.matching import (
    UNLIMITED,
    Arcs,
    ShelterProblem,
    Solution,
    SupporterProblem,
    match_shelters,
    match_supporters,
)
from planner.models import PlanRun, ShelterAssignment, SupporterAssignment
from planner.scenario import Policy, Scenario
from planner.shelter_lists import Lists, cut_lists, failing_certificate
from registry.audit import audit_record
from registry.models import AuditAction, Shelter, Supporter

Progress = Callable[[str], None]
FIRST_FETCH = 8


class Stopwatch:
    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 3)
        self.last = now
        return self.laps[name]

    def total(self) -> float:
        return round(time.perf_counter() - self.started, 3)


@dataclass(frozen=True)
class SupporterPlan:
    kept: list[tuple[int, int, Kept]]  # (person index, supporter index, what was confirmed)
    dropped: list[Dropped]
    arcs: Arcs  # what the optimiser chose from
    candidates_per_person: np.ndarray  # eligible supporters per person, kept ones included
    solution: Solution
    filled: np.ndarray  # per person: supporters in the plan, kept and new


@dataclass(frozen=True)
class ShelterPlan:
    kept: list[tuple[int, int, Kept]]
    dropped: list[Dropped]
    lists: Lists
    solution: Solution
    rounds: int


def plan_run_create(
    *,
    scenario: Scenario,
    performed_by: str,
    user: User | None = None,
    progress: Progress | None = None,
) -> PlanRun:
    say = progress or (lambda message: None)
    policy = Policy.from_settings()
    clock = Stopwatch()
    started = timezone.now()
    area = scope_neighbourhood(scenario)
    away = resolve_ids(Supporter, scenario.away_supporters)
    closed = resolve_ids(Shelter, scenario.closed_shelters)
    with transaction.atomic():
        people = load_people(scenario, policy, area)
        decisions = previous_decisions(scenario, scope_people(area))
        say(f"{len(people.ids):,} people to plan, {len(people.no_consent):,} without consent")
        with PlanningTables(scenario, policy, people) as tables:
            supporters = tables.supporters(away, decisions.rejected_supporters)
            supporter_arcs = tables.supporter_arcs()
            shelters = tables.shelters(closed)
            clock.lap("candidates")
            say(f"{len(supporter_arcs):,} person-supporter pairs in reach; matching")
            supporter_plan = _plan_supporters(
                people, supporters, supporter_arcs, decisions, tables, policy
            )
            clock.lap("supporters")
            say("supporters matched; sending people to shelters")
            shelter_plan = _plan_shelters(people, shelters, decisions, tables, policy, closed)
            clock.lap("shelters")
            reasons = diagnosis.missing_reasons(
                people, supporter_plan.filled, supporter_plan.candidates_per_person,
                _sheltered(people, shelter_plan), _has_shelter_candidates(people, shelter_plan),
                tables, policy,
            )  # fmt: skip
            hints = diagnosis.recruitment_hints(people, supporter_plan.filled, tables, policy)
            clock.lap("gaps")
        say("saving the run")
        audit_record(
            action=AuditAction.PLAN, model="planner.planrun", user=user,
            detail={
                "hazard": scenario.hazard,
                "slot": scenario.slot,
                "neighbourhood": scenario.neighbourhood,
            },
        )  # fmt: skip
        run = saving.save_run(
            scenario=scenario, area=area, away=away, closed=closed, policy=policy,
            people=people, supporters=supporters, shelters=shelters,
            supporter_plan=supporter_plan, shelter_plan=shelter_plan, reasons=reasons,
            hints=hints, started=started, clock=clock, user=user, performed_by=performed_by,
        )  # fmt: skip
    return run


def _plan_supporters(
    people: People,
    supporters: Targets,
    arcs: Arcs,
    decisions: Decisions,
    tables: PlanningTables,
    policy: Policy,
) -> SupporterPlan:
    person_index, supporter_index = people.index_of(), supporters.index_of()
    capacity = supporters.capacity.copy()
    filled = np.zeros(len(people.ids), dtype=np.int64)
    candidates = np.bincount(arcs.person, minlength=len(people.ids))
    kept: list[tuple[int, int, Kept]] = []
    confirmed, dropped = _still_planned(decisions.supporters, person_index)
    found = find_arcs(
        arcs,
        len(supporters.ids),
        [(person_index[a.person_id], supporter_index.get(a.supporter_id, -1)) for a in confirmed],
    )
    distances = tables.pair_distances(
        "supporter", [(a.person_id, a.supporter_id) for a in confirmed]
    )
    used_arcs = []
    for assignment, arc in zip(confirmed, found, strict=True):
        p = person_index[assignment.person_id]
        s = supporter_index.get(assignment.supporter_id)
        reason = None
        if s is None:
            reason = diagnosis.supporter_unavailable(assignment.supporter, tables.scenario)
        elif arc < 0:
            distance = distances.get((assignment.person_id, assignment.supporter_id), 0)
            reason = diagnosis.pair_not_allowed(
                assignment.supporter, distance, people.capability[p], policy,
            )  # fmt: skip
        elif capacity[s] <= 0:
            reason = "the supporter has no capacity left for this person"
        elif filled[p] >= people.needed[p]:
            reason = "the person needs fewer supporters now"
        if reason:
            dropped.append(Dropped(assignment.person_id, assignment.supporter_id, None, reason))
            continue
        assert s is not None
        capacity[s] -= 1
        filled[p] += 1
        used_arcs.append(arc)
        kept.append(
            (p, s, Kept(assignment.person_id, assignment.supporter_id, int(arcs.distance[arc]),
                        list(assignment.roles), assignment.decided_by_id, assignment.decided_at))
        )  # fmt: skip
    free_arcs = without_arcs(arcs, np.array(used_arcs, dtype=np.int64))
    problem = SupporterProblem(
        weights=people.weight,
        needed=people.needed,
        filled=filled.copy(),
        capacity=capacity,
        arcs=free_arcs,
        first_place_value=policy.first_place_value,
        other_place_value=policy.other_place_value,
    )
    solution = match_supporters(problem)
    filled += np.bincount(free_arcs.person[solution.chosen], minlength=len(people.ids))
    return SupporterPlan(kept, dropped, free_arcs, candidates, solution, filled)


def _plan_shelters(
    people: People,
    shelters: Targets,
    decisions: Decisions,
    tables: PlanningTables,
    policy: Policy,
    closed: list[int],
) -> ShelterPlan:
    person_index, shelter_index = people.index_of(), shelters.index_of()
    capacity = shelters.capacity.copy()
    wanted = np.ones(len(people.ids), dtype=bool)
    kept: list[tuple[int, int, Kept]] = []
    confirmed, dropped = _still_planned(decisions.shelters, person_index)
    distances = tables.pair_distances("shelter", [(a.person_id, a.shelter_id) for a in confirmed])
    for assignment in confirmed:
        p = person_index[assignment.person_id]
        s = shelter_index.get(assignment.shelter_id)
        distance = distances.get((assignment.person_id, assignment.shelter_id), 0)
        reason = diagnosis.shelter_not_allowed(
            assignment.shelter, s is not None, distance, people, p, closed, tables.scenario, policy
        )
        if reason is None and s is not None and capacity[s] == 0:
            reason = "the shelter is full"
        if reason:
            dropped.append(Dropped(assignment.person_id, None, assignment.shelter_id, reason))
            continue
        assert s is not None
        if capacity[s] != UNLIMITED:
            capacity[s] -= 1
        wanted[p] = False
        kept.append((p, s, Kept(assignment.person_id, assignment.shelter_id, distance, [],
                                assignment.decided_by_id, assignment.decided_at)))  # fmt: skip
    welfare = people.welfare.astype(np.int64)
    demand = np.bincount(welfare[wanted], minlength=2)
    # Welfare shelters are few and all have a capacity, so a welfare list rarely ends early:
    # take every one in reach at once (a complete list) rather than in rounds.
    welfare_shelters = max(int(tables.welfare_shelter_count()), 1)
    nearest = np.where(people.welfare, welfare_shelters + 1, FIRST_FETCH).astype(np.int64)
    general_arcs = tables.shelter_arcs(FIRST_FETCH, only=np.flatnonzero(~people.welfare))
    welfare_arcs = tables.welfare_shelter_arcs()
    fetched = _without_rejected(
        _concatenate(general_arcs, welfare_arcs),
        people,
        shelters,
        decisions,
    )
    rounds = 0
    while True:
        rounds += 1
        lists = cut_lists(
            fetched, persons=len(people.ids), nearest=nearest, reach=policy.shelter_reach_m,
            capacity=capacity, class_of_person=welfare, class_demand=demand,
        )  # fmt: skip
        lists = Lists(_only_wanted(lists.arcs, wanted), lists.truncated & wanted)
        solution = match_shelters(ShelterProblem(people.weight, wanted, capacity, lists.arcs))
        failing = failing_certificate(lists, solution.chosen, capacity)
        if len(failing) == 0 or int(nearest[failing].min()) > len(shelters.ids):
            return ShelterPlan(kept, dropped, lists, solution, rounds)
        # The few who fail get every shelter of their kind (asking for one more than there
        # are marks their lists complete): one more round settles it.
        nearest[failing] = len(shelters.ids) + 1
        more = _without_rejected(
            tables.shelter_arcs(len(shelters.ids) + 1, only=failing), people, shelters, decisions
        )
        stale = np.isin(fetched.person, failing)
        fetched = _concatenate(_subset(fetched, ~stale), more)


def _still_planned[A: (SupporterAssignment, ShelterAssignment)](
    confirmed: list[A], person_index: dict[int, int]
) -> tuple[list[A], list[Dropped]]:
    """Confirmed assignments of people still planned, and the others reported as dropped: a
    person in scope who no longer consents gets nothing, and says so."""
    kept = [a for a in confirmed if a.person_id in person_index]
    dropped = [
        Dropped(
            a.person_id,
            getattr(a, "supporter_id", None),
            getattr(a, "shelter_id", None),
            "the person no longer consents to sharing",
        )
        for a in confirmed
        if a.person_id not in person_index
    ]
    return kept, dropped


def _subset(arcs: Arcs, keep: np.ndarray) -> Arcs:
    return Arcs(arcs.person[keep], arcs.target[keep], arcs.distance[keep])


def _concatenate(first: Arcs, second: Arcs) -> Arcs:
    return Arcs(
        np.concatenate([first.person, second.person]),
        np.concatenate([first.target, second.target]),
        np.concatenate([first.distance, second.distance]),
    )


def _only_wanted(arcs: Arcs, wanted: np.ndarray) -> Arcs:
    return _subset(arcs, wanted[arcs.person])


def _without_rejected(arcs: Arcs, people: People, shelters: Targets, decisions: Decisions) -> Arcs:
    if not decisions.rejected_shelters:
        return arcs
    person_index, shelter_index = people.index_of(), shelters.index_of()
    pairs = [
        (person_index[p], shelter_index[s])
        for p, s in decisions.rejected_shelters
        if p in person_index and s in shelter_index
    ]
    return without_arcs(arcs, find_arcs(arcs, len(shelters.ids), pairs))


def _sheltered(people: People, plan: ShelterPlan) -> np.ndarray:
    sheltered = np.zeros(len(people.ids), dtype=bool)
    sheltered[plan.lists.arcs.person[plan.solution.chosen]] = True
    for p, _, _ in plan.kept:
        sheltered[p] = True
    return sheltered


def _has_shelter_candidates(people: People, plan: ShelterPlan) -> np.ndarray:
    has = np.zeros(len(people.ids), dtype=bool)
    has[plan.lists.arcs.person] = True
    for p, _, _ in plan.kept:
        has[p] = True
    return has
