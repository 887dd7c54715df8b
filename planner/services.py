"""Plan a scenario: candidates from PostGIS, exact matching, and the run saved (planning.md).
`plan_run_create` is what the command calls; a page queues the run (`planner.tasks`) and a
worker runs it with `plan_run_start`.

A run has a life other sessions can watch: its row is written `running` before the work
starts, names its stage while it works, and ends `done` with every result written in one
transaction, or `failed` with the error and no result at all."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from planner import aside, diagnosis, eligibility, run_locks, saving
from planner.candidates import (
    People,
    PlanningTables,
    Targets,
    load_people,
    resolve_ids,
    scope_neighbourhood,
    scope_people,
)
from planner.carrying import Claim, carry_confirmed
from planner.keeping import Decisions, Dropped, Kept, find_arcs, previous_decisions, without_arcs
from planner.matching import (
    Arcs,
    ShelterProblem,
    SupporterProblem,
    match_shelters,
)
from planner.models import PairState, PlanRun, RunStage, ShelterAssignment, SupportAgreement
from planner.pipeline import (
    Candidates,
    Outcome,
    PlanInputs,
    Progress,
    ShelterPlan,
    Stopwatch,
    SupporterPlan,
)
from planner.refusals import Refusal
from planner.routing import Chosen, WalkingDistances
from planner.scenario import Policy, Scenario
from planner.shelter_lists import Lists, cut_lists, failing_certificate
from registry.audit import audit_record
from registry.models import AuditAction, Shelter, Supporter
from routes.network import network_loaded

FIRST_FETCH = 8


def plan_run_create(
    *,
    scenario: Scenario,
    performed_by: str,
    user: User | None = None,
    progress: Progress | None = None,
) -> PlanRun:
    # A scenario naming what does not exist is refused before any run is written.
    inputs = PlanInputs(
        scenario=scenario,
        policy=Policy.from_settings(),
        area=scope_neighbourhood(scenario),
        away=resolve_ids(Supporter, scenario.away_supporters),
        closed=resolve_ids(Shelter, scenario.closed_shelters),
        started=timezone.now(),
        user=user,
        performed_by=performed_by,
    )
    return _run(inputs, None, progress)


def plan_run_start(queued: PlanRun, progress: Progress | None = None) -> PlanRun:
    """Run a run that waited in the queue (`planner.tasks.plan_run_queue` wrote its row). Run
    again after its worker died, it starts over: nothing of the earlier try was saved."""
    area = queued.neighbourhood
    inputs = PlanInputs(
        scenario=Scenario(queued.hazard, queued.slot, area.code if area else None),
        policy=Policy.from_settings(),
        area=area,
        away=list(queued.away_supporters),
        closed=list(queued.closed_shelters),
        started=timezone.now(),
        user=queued.user,
        performed_by=queued.performed_by,
    )
    return _run(inputs, queued, progress)


def _run(inputs: PlanInputs, queued: PlanRun | None, progress: Progress | None) -> PlanRun:
    say = progress or (lambda message: None)
    hazard, slot, area = inputs.scenario.hazard, inputs.scenario.slot, inputs.area
    if not run_locks.hold(hazard, slot, area):
        raise run_locks.ScenarioBusy(
            run_locks.busy_run(hazard, slot, area, exclude=queued.pk if queued else None)
        )
    try:
        # Rows of this scenario left `running` by a process that died are marked failed.
        run_locks.busy_run(hazard, slot, area, exclude=queued.pk if queued else None)
        run = saving.run_open(inputs, queued)
        stage = saving.StageReporter(run)
        try:
            with transaction.atomic():
                run = _plan(run, inputs, stage, say)
        except Exception as error:
            saving.run_fail(run, error)
            raise
        finally:
            stage.close()
        return run
    finally:
        run_locks.release(hazard, slot, area)


def _plan(run: PlanRun, inputs: PlanInputs, stage: saving.StageReporter, say: Progress) -> PlanRun:
    scenario, policy = inputs.scenario, inputs.policy
    clock = Stopwatch()
    people = load_people(scenario, policy, inputs.area)
    decisions = previous_decisions(scenario, scope_people(inputs.area))
    say(f"{len(people.ids):,} people to plan, {len(people.no_consent):,} without consent")
    with PlanningTables(scenario, policy, people) as tables:
        supporters = tables.supporters(inputs.away, decisions.rejected_supporters)
        supporter_arcs = tables.supporter_arcs()
        shelters = tables.shelters(inputs.closed)
        candidates = Candidates(people, decisions, supporters, supporter_arcs, shelters)
        clock.lap("candidates")
        stage(RunStage.SUPPORTERS)
        say(f"{len(supporter_arcs):,} person-supporter pairs in reach; matching")
        # With SASAEAI_PLAN_SOLVE_ASIDE, at city scale, the supporter solve runs in another
        # process while this one chooses shelters (and walks the streets); its lap is then the
        # time left to wait for it. Otherwise it is solved here, first.
        under_way = _start_supporters(candidates, tables, inputs)
        if under_way.solving.solved_here:
            clock.lap("supporters")
        try:
            stage(RunStage.SHELTERS)
            say("matching supporters; sending people to shelters")
            with _walking(tables, people, shelters, policy) as walks:
                if walks is not None:
                    clock.lap("routes")
                shelter_plan = _plan_shelters(candidates, tables, inputs, walks)
                clock.lap("shelters")
                supporter_plan = under_way.finish()
                if not under_way.solving.solved_here:
                    clock.lap("supporters")
                stage(RunStage.GAPS)
                reasons, routes = _gaps(
                    candidates, supporter_plan, shelter_plan, tables, policy, walks, clock
                )
        finally:
            under_way.solving.cancel()
        hints = diagnosis.recruitment_hints(people, supporter_plan.filled, tables, policy)
        clock.lap("gaps")
    stage(RunStage.SAVING)
    say("saving the run")
    audit_record(
        action=AuditAction.PLAN, model="planner.planrun", user=inputs.user,
        detail={
            "hazard": scenario.hazard,
            "slot": scenario.slot,
            "neighbourhood": scenario.neighbourhood,
        },
    )  # fmt: skip
    outcome = Outcome(supporter_plan, shelter_plan, reasons, hints, routes)
    return saving.save_run(run, inputs, candidates, outcome, clock)


def _gaps(
    candidates: Candidates,
    supporter_plan: SupporterPlan,
    shelter_plan: ShelterPlan,
    tables: PlanningTables,
    policy: Policy,
    walks: WalkingDistances | None,
    clock: Stopwatch,
) -> tuple[list[list[str]], dict[int, Chosen] | None]:
    """What each person still lacks, and (on the streets) the ways they are sent."""
    people = candidates.people
    persons = len(people.ids)
    has_candidates = shelter_plan.has_candidates(persons)
    routes, no_route, crow_flies = None, None, None
    if walks is not None:
        pairs = _sheltered_pairs(shelter_plan)
        routes = walks.chosen(pairs)
        no_route = walks.no_route(has_candidates)
        crow_flies = np.zeros(persons, dtype=bool)
        crow_flies[[p for p, s in pairs if walks.geodesic_pair(p, s)]] = True
        crow_flies[~walks.routed] = True
        clock.lap("routes drawn")
    reasons = diagnosis.missing_reasons(
        people, supporter_plan.filled, supporter_plan.candidates_per_person,
        shelter_plan.sheltered(persons), has_candidates, tables, policy, no_route, crow_flies,
    )  # fmt: skip
    return reasons, routes


@contextmanager
def _walking(
    tables: PlanningTables, people: People, shelters: Targets, policy: Policy
) -> Iterator[WalkingDistances | None]:
    """Walking distances on the street network when one is loaded and the policy walks the
    streets, else None (geodesic)."""
    if not policy.walk_streets or not network_loaded():
        yield None
        return
    with WalkingDistances(tables, people, shelters, policy) as walks:
        yield walks


def _sheltered_pairs(plan: ShelterPlan) -> list[tuple[int, int]]:
    """(person, shelter) indexes of everyone the plan shelters, kept or new."""
    arcs = plan.lists.arcs
    chosen = np.flatnonzero(plan.solution.chosen)
    return [(p, s) for p, s, _ in plan.kept] + list(
        zip(arcs.person[chosen].tolist(), arcs.target[chosen].tolist(), strict=True)
    )


@dataclass(frozen=True)
class _SupportersUnderWay:
    """The supporter plan with its solve still running (perhaps in another process)."""

    kept: list[tuple[int, int, Kept]]
    dropped: list[Dropped]
    arcs: Arcs
    per_person: np.ndarray
    filled: np.ndarray
    solving: aside.Pending

    def finish(self) -> SupporterPlan:
        solution = self.solving.result()
        filled = self.filled + np.bincount(
            self.arcs.person[solution.chosen], minlength=len(self.filled)
        )
        return SupporterPlan(self.kept, self.dropped, self.arcs, self.per_person, solution, filled)


def _start_supporters(
    candidates: Candidates, tables: PlanningTables, inputs: PlanInputs
) -> _SupportersUnderWay:
    """Carry the confirmed pairs and start the solve for the rest."""
    people, supporters, arcs = candidates.people, candidates.supporters, candidates.supporter_arcs
    policy = inputs.policy
    person_index, supporter_index = people.index_of(), supporters.index_of()
    confirmed = candidates.decisions.supporters
    planned = [a for a in confirmed if a.person_id in person_index]
    found = find_arcs(
        arcs,
        len(supporters.ids),
        [(person_index[a.person_id], supporter_index.get(a.supporter_id, -1)) for a in planned],
    )
    distances = tables.pair_distances("supporter", [(a.person_id, a.supporter_id) for a in planned])
    arc_of = dict(zip((id(a) for a in planned), found, strict=True))
    unavailable = diagnosis.supporters_unavailable(
        [a.supporter_id for a in planned if a.supporter_id not in supporter_index], inputs
    )
    claims = []
    for a in confirmed:
        p = person_index.get(a.person_id, -1)
        s = supporter_index.get(a.supporter_id, -1)
        refusal = None
        if p >= 0 and s < 0:
            refusal = unavailable[a.supporter_id]
        elif p >= 0 and arc_of[id(a)] < 0:
            refusal = eligibility.supporter_refusal(
                capability=people.capability[p], supporter=a.supporter, person_id=a.person_id,
                distance=distances.get((a.person_id, a.supporter_id), 0),
                reach=policy.supporter_reach_m,
            ) or eligibility.SELF_REFUSAL  # fmt: skip
        claims.append(Claim(p, s, refusal))
    carried = carry_confirmed(
        claims,
        capacity=supporters.capacity,
        needed=people.needed,
        full=Refusal(gettext_noop("the supporter has no capacity left for this person")),
        enough=Refusal(gettext_noop("the person needs fewer supporters now")),
    )
    dropped = [_dropped(confirmed[i], reason) for i, reason in carried.dropped]
    used_arcs = [arc_of[id(confirmed[i])] for i in carried.kept]
    kept = []
    for i, arc in zip(carried.kept, used_arcs, strict=True):
        a = confirmed[i]
        kept.append(
            (claims[i].person, claims[i].target,
             Kept(a.person_id, a.supporter_id, int(arcs.distance[arc]), None,
                  a.answered_by_id, a.answered_at, agreed=a.state == PairState.AGREED))
        )  # fmt: skip
    free_arcs = without_arcs(arcs, np.array(used_arcs, dtype=np.int64))
    filled = carried.filled
    problem = SupporterProblem(
        weights=people.weight,
        needed=people.needed,
        filled=filled.copy(),
        capacity=carried.capacity,
        arcs=free_arcs,
        first_place_value=policy.first_place_value,
        other_place_value=policy.other_place_value,
    )
    per_person = np.bincount(arcs.person, minlength=len(people.ids))
    solving = aside.solve_supporters(problem, allowed=settings.PLAN_SOLVE_ASIDE)
    return _SupportersUnderWay(kept, dropped, free_arcs, per_person, filled, solving)


def _plan_shelters(
    candidates: Candidates,
    tables: PlanningTables,
    inputs: PlanInputs,
    walks: WalkingDistances | None = None,
) -> ShelterPlan:
    people, shelters, decisions = candidates.people, candidates.shelters, candidates.decisions
    policy = inputs.policy
    person_index, shelter_index = people.index_of(), shelters.index_of()
    confirmed = decisions.shelters
    planned = [a for a in confirmed if a.person_id in person_index]
    distances: dict[tuple[int, int], int | None] = {}
    distances.update(
        tables.pair_distances("shelter", [(a.person_id, a.shelter_id) for a in planned])
    )
    if walks is not None:
        for a in planned:
            p, s = person_index[a.person_id], shelter_index.get(a.shelter_id, -1)
            if s >= 0 and not walks.geodesic_pair(p, s):
                distances[a.person_id, a.shelter_id] = walks.distance(p, s)
    designated = eligibility.shelters_designated(
        inputs.scenario.hazard, [a.shelter_id for a in planned]
    )
    claims = []
    for a in confirmed:
        p = person_index.get(a.person_id, -1)
        s = shelter_index.get(a.shelter_id, -1)
        refusal = None
        if p >= 0:
            refusal = diagnosis.shelter_not_allowed(
                a.shelter, open_and_safe=s >= 0, designated=a.shelter_id in designated,
                distance=distances.get((a.person_id, a.shelter_id), 0), people=people, p=p,
                inputs=inputs,
            )  # fmt: skip
        claims.append(Claim(p, s, refusal))
    carried = carry_confirmed(
        claims,
        capacity=shelters.capacity,
        needed=np.ones(len(people.ids), dtype=np.int64),
        full=Refusal(gettext_noop("the shelter is full")),
        enough=Refusal(gettext_noop("the person has a shelter already")),
    )
    dropped = [_dropped(confirmed[i], reason) for i, reason in carried.dropped]
    kept = []
    for i in carried.kept:
        a = confirmed[i]
        kept.append(
            (claims[i].person, claims[i].target,
             Kept(a.person_id, a.shelter_id, distances.get((a.person_id, a.shelter_id)) or 0, [],
                  a.decided_by_id, a.decided_at))
        )  # fmt: skip
    capacity = carried.capacity
    wanted = carried.filled == 0
    welfare = people.welfare.astype(np.int64)
    demand = np.bincount(welfare[wanted], minlength=2)
    # Welfare shelters are few and all have a capacity, so a welfare list rarely ends early:
    # take every one in reach at once (a complete list) rather than in rounds.
    welfare_shelters = max(int(tables.welfare_shelter_count()), 1)
    nearest = np.where(people.welfare, welfare_shelters + 1, FIRST_FETCH).astype(np.int64)
    source: PlanningTables | WalkingDistances = tables if walks is None else walks
    general_arcs = source.shelter_arcs(FIRST_FETCH, only=np.flatnonzero(~people.welfare))
    welfare_arcs = source.welfare_shelter_arcs()
    trust = None if walks is None else walks.trust()
    fetched = _without_rejected(
        _concatenate(general_arcs, welfare_arcs),
        candidates,
    )
    rounds = 0
    while True:
        rounds += 1
        lists = cut_lists(
            fetched, persons=len(people.ids), nearest=nearest, reach=policy.shelter_reach_m,
            capacity=capacity, class_of_person=welfare, class_demand=demand, trust=trust,
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
            source.shelter_arcs(len(shelters.ids) + 1, only=failing), candidates
        )
        stale = np.isin(fetched.person, failing)
        fetched = _concatenate(_subset(fetched, ~stale), more)


def _dropped(assignment: SupportAgreement | ShelterAssignment, reason: str) -> Dropped:
    return Dropped(
        assignment.person_id,
        getattr(assignment, "supporter_id", None),
        getattr(assignment, "shelter_id", None),
        reason,
    )


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


def _without_rejected(arcs: Arcs, candidates: Candidates) -> Arcs:
    decisions: Decisions = candidates.decisions
    if not decisions.rejected_shelters:
        return arcs
    person_index, shelter_index = candidates.people.index_of(), candidates.shelters.index_of()
    pairs = [
        (person_index[p], shelter_index[s])
        for p, s in decisions.rejected_shelters
        if p in person_index and s in shelter_index
    ]
    return without_arcs(arcs, find_arcs(arcs, len(candidates.shelters.ids), pairs))
