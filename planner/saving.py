"""Write a plan run: the row that shows its life (running, its stage, done or failed), and
at the end each person's outcome and every assignment, with COPY (a city's run is a few hundred
thousand rows), inside the caller's one transaction."""

import logging
from typing import Any

import numpy as np
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from planner.candidates import People, Targets
from planner.coverage import run_coverage
from planner.models import (
    AssignmentState,
    CoverStatus,
    DroppedAssignment,
    PersonPlan,
    PlanRun,
    RunStage,
    RunStatus,
    ShelterAssignment,
    SupporterAssignment,
    SupportRole,
)
from planner.pipeline import Candidates, Outcome, PlanInputs, Stopwatch, SupporterPlan
from planner.scenario import Policy, Scenario
from registry.bulk import copy_rows
from registry.models import Supporter

logger = logging.getLogger(__name__)

# The first supporter of a person passes on warnings, checks on them and guides them; any
# further supporter helps move them.
FIRST_ROLES = [SupportRole.INFORM.value, SupportRole.CHECK_SAFETY.value, SupportRole.GUIDE.value]
OTHER_ROLES = [SupportRole.GUIDE.value]
ERROR_LENGTH = 2000


def _status(needed: int, filled: int, sheltered: bool) -> str:
    if filled >= needed and sheltered:
        return CoverStatus.COVERED
    if filled == 0 and not sheltered:
        return CoverStatus.UNCOVERED
    return CoverStatus.PARTIAL


def run_open(inputs: PlanInputs, queued: PlanRun | None = None) -> PlanRun:
    """The run's row, `running` at its first stage, committed at once (its own short
    transaction) so that other sessions see the run while it works. A queued run's row is
    the one that waited."""
    values = {
        "parameters": inputs.policy.as_parameters(),
        "status": RunStatus.RUNNING,
        "stage": RunStage.CANDIDATES,
        "started_at": inputs.started,
        "error": "",
    }
    with transaction.atomic():
        if queued is not None:
            PlanRun.objects.filter(pk=queued.pk).update(**values)
            queued.refresh_from_db()
            return queued
        return _new_run(inputs, **values)


def run_queue(inputs: PlanInputs) -> PlanRun:
    """The row of a run that waits for a worker."""
    return _new_run(
        inputs, parameters=inputs.policy.as_parameters(), status=RunStatus.QUEUED,
        started_at=inputs.started,
    )  # fmt: skip


def _new_run(inputs: PlanInputs, **values: Any) -> PlanRun:
    return PlanRun.objects.create(
        hazard=inputs.scenario.hazard,
        slot=inputs.scenario.slot,
        neighbourhood=inputs.area,
        away_supporters=inputs.away,
        closed_shelters=inputs.closed,
        user=inputs.user,
        performed_by=inputs.performed_by[:150],
        **values,
    )


class StageReporter:
    """Writes a running run's stage where other sessions see it at once. The work and its
    results sit in one open transaction until the run is saved, so the stage goes over a
    connection of its own, in autocommit. It touches only the stage column, which the run's
    transaction does not write until its very end (foreign keys to the row take a key-share
    lock, which does not block this update); a stage that cannot be written at once is
    skipped rather than holding up the run."""

    def __init__(self, run: PlanRun) -> None:
        self.run = run
        self._side: BaseDatabaseWrapper | None = None

    def __call__(self, stage: RunStage) -> None:
        self.run.stage = stage
        try:
            if self._side is None:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self._side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {PlanRun._meta.db_table} SET stage = %s WHERE id = %s AND status = %s",
                    [stage.value, self.run.pk, RunStatus.RUNNING.value],
                )
        except DatabaseError:
            logger.warning("plan run %s: could not show stage %s", self.run.pk, stage)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def run_fail(run: PlanRun, error: BaseException) -> None:
    """Mark the run failed with its error, after its results' transaction rolled back: the
    failure is kept, no result is."""
    message = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    with transaction.atomic():
        PlanRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=message, finished_at=timezone.now()
        )
    run.refresh_from_db()


def save_run(
    run: PlanRun, inputs: PlanInputs, candidates: Candidates, outcome: Outcome, clock: Stopwatch
) -> PlanRun:
    """Write the results and end the run `done`: call inside the run's one transaction."""
    people, shelters, policy = candidates.people, candidates.shelters, inputs.policy
    supporter_plan, shelter_plan = outcome.supporters, outcome.shelters
    sheltered = np.zeros(len(people.ids), dtype=bool)
    routes = outcome.routes or {}
    shelter_rows: list[tuple[Any, ...]] = []
    for p, _, kept in shelter_plan.kept:
        sheltered[p] = True
        route = routes.get(p)
        shelter_rows.append(
            (run.pk, kept.person, kept.target, kept.distance, AssignmentState.CONFIRMED,
             kept.decided_by, kept.decided_at, route and route.line, route and route.route_m, [])
        )  # fmt: skip
    arcs = shelter_plan.lists.arcs
    for i in np.flatnonzero(shelter_plan.solution.chosen):
        p = int(arcs.person[i])
        sheltered[p] = True
        route = routes.get(p)
        shelter_rows.append(
            (run.pk, int(people.ids[p]), int(shelters.ids[arcs.target[i]]), int(arcs.distance[i]),
             AssignmentState.PROPOSED, None, None, route and route.line,
             route and route.route_m, [])
        )  # fmt: skip

    supporter_rows = _supporter_rows(run, people, candidates.supporters, supporter_plan, policy)
    statuses = [
        _status(int(people.needed[p]), int(supporter_plan.filled[p]), bool(sheltered[p]))
        for p in range(len(people.ids))
    ]
    copy_rows(
        SupporterAssignment._meta.db_table,
        ("run_id", "person_id", "supporter_id", "roles", "distance_m", "state", "decided_by_id",
         "decided_at", "supporter_in_hazard_area", "supporter_elderly"),
        supporter_rows,
    )  # fmt: skip
    copy_rows(
        ShelterAssignment._meta.db_table,
        ("run_id", "person_id", "shelter_id", "distance_m", "state", "decided_by_id", "decided_at",
         "route", "route_m", "route_crosses"),
        shelter_rows,
    )  # fmt: skip
    if outcome.routes is not None:
        _flag_other_hazards(run, inputs.scenario)
    copy_rows(
        PersonPlan._meta.db_table,
        ("run_id", "person_id", "needed", "weight", "in_hazard_area", "status", "reasons"),
        [
            *(
                (run.pk, int(people.ids[p]), int(people.needed[p]), int(people.weight[p]),
                 bool(people.in_hazard[p]), statuses[p], outcome.reasons[p])
                for p in range(len(people.ids))
            ),
            *((run.pk, pk, needed, policy.weight_base, in_hazard, CoverStatus.NO_CONSENT, [])
              for pk, needed, in_hazard in people.no_consent),
        ],
    )  # fmt: skip
    DroppedAssignment.objects.bulk_create(
        DroppedAssignment(
            run=run,
            person_id=d.person,
            supporter_id=d.supporter,
            shelter_id=d.shelter,
            reason=d.reason,
            message=getattr(d.reason, "message", ""),
            values=getattr(d.reason, "values", {}),
        )
        for d in [*supporter_plan.dropped, *shelter_plan.dropped]
    )
    _flag_supporters_at_risk(run, inputs.scenario)
    clock.lap("save")
    run.stats = _statistics(run, people, statuses, outcome)
    run.timings = {**clock.laps, "total": clock.total()}
    run.status = RunStatus.DONE
    run.stage = ""
    run.finished_at = timezone.now()
    run.save(update_fields=["stats", "timings", "status", "stage", "finished_at"])
    return run


def _supporter_rows(
    run: PlanRun, people: People, supporters: Targets, plan: SupporterPlan, policy: Policy
) -> list[tuple[Any, ...]]:
    per_person: dict[int, list[tuple[int, int, list[str] | None, str, Any, Any]]] = {}
    for p, _, kept in plan.kept:
        per_person.setdefault(p, []).append(
            (
                kept.target,
                kept.distance,
                kept.roles,
                AssignmentState.CONFIRMED if kept.agreed else AssignmentState.PROPOSED,
                kept.decided_by,
                kept.decided_at,
            )
        )
    arcs = plan.arcs
    for i in np.flatnonzero(plan.solution.chosen):
        p = int(arcs.person[i])
        per_person.setdefault(p, []).append(
            (
                int(supporters.ids[arcs.target[i]]),
                int(arcs.distance[i]),
                None,
                AssignmentState.PROPOSED,
                None,
                None,
            )
        )
    birth_limit = run.started_at.year - policy.elderly_supporter_age
    assigned_ids = [row[0] for rows in per_person.values() for row in rows]
    elderly = set(
        Supporter.objects.filter(pk__in=assigned_ids, birth_year__lte=birth_limit).values_list(
            "pk", flat=True
        )
    )
    rows = []
    for p, assigned in per_person.items():
        has_first = any(roles and SupportRole.INFORM in roles for _, _, roles, *_ in assigned)
        for supporter, distance, roles, state, decided_by, decided_at in sorted(
            assigned, key=lambda a: a[1]
        ):
            if roles is None:
                roles = OTHER_ROLES if has_first else FIRST_ROLES
                has_first = True
            rows.append((run.pk, int(people.ids[p]), supporter, roles, distance, state, decided_by,
                         decided_at, False, supporter in elderly))  # fmt: skip
    return rows


def _flag_other_hazards(run: PlanRun, scenario: Scenario) -> None:
    """Record the other hazards' areas each way crosses (a landslide zone on the way to a
    flood shelter): the route, or the straight line where the distance is geodesic."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH ways AS (
                SELECT a.id, COALESCE(a.route,
                    ST_MakeLine(p.location::geometry, s.location::geometry)) AS line
                FROM planner_shelterassignment a
                JOIN registry_person p ON p.id = a.person_id
                JOIN registry_shelter s ON s.id = a.shelter_id
                WHERE a.run_id = %(run)s
            ), crossed AS (
                SELECT w.id, array_agg(DISTINCT h.kind ORDER BY h.kind) AS kinds
                FROM ways w JOIN registry_hazardarea h
                  ON h.kind <> %(kind)s AND ST_Intersects(h.geom, w.line)
                GROUP BY w.id
            )
            UPDATE planner_shelterassignment a SET route_crosses = crossed.kinds
            FROM crossed WHERE a.id = crossed.id
            """,
            {"run": run.pk, "kind": scenario.hazard},
        )


def _flag_supporters_at_risk(run: PlanRun, scenario: Scenario) -> None:
    """Mark supporters who live in the same hazard area as the person they help."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE planner_supporterassignment a SET supporter_in_hazard_area = true
            FROM planner_personplan pp, registry_person p, registry_supporter s
            WHERE a.run_id = %(run)s AND pp.run_id = a.run_id AND pp.person_id = a.person_id
              AND pp.in_hazard_area AND p.id = a.person_id AND s.id = a.supporter_id
              AND EXISTS (
                SELECT 1 FROM registry_hazardarea h
                WHERE h.kind = %(kind)s
                  AND ST_Intersects(h.geom, p.location::geometry)
                  AND ST_Intersects(h.geom, s.location::geometry))
            """,
            {"run": run.pk, "kind": scenario.hazard},
        )


def _statistics(
    run: PlanRun, people: People, statuses: list[str], outcome: Outcome
) -> dict[str, Any]:
    supporter_plan, shelter_plan = outcome.supporters, outcome.shelters
    counts = {status: statuses.count(status) for status in CoverStatus.values}
    counts[CoverStatus.NO_CONSENT] = len(people.no_consent)
    neighbourhoods = run_coverage(run)
    return {
        "people": len(people.ids) + len(people.no_consent),
        **counts,
        # One rule for "exposed", the coverage query's, summed over the neighbourhoods.
        "in_hazard_area_not_covered": sum(
            entry["in_hazard_area_not_covered"] for entry in neighbourhoods.values()
        ),
        "supporter_value": supporter_plan.solution.value,
        "supporter_distance_m": supporter_plan.solution.distance
        + sum(k.distance for _, _, k in supporter_plan.kept),
        "shelter_value": shelter_plan.solution.value,
        "shelter_distance_m": shelter_plan.solution.distance
        + sum(k.distance for _, _, k in shelter_plan.kept),
        "supporter_pairs": len(supporter_plan.arcs) + len(supporter_plan.kept),
        "shelter_pairs": len(shelter_plan.lists.arcs),
        "shelter_rounds": shelter_plan.rounds,
        "kept": len(supporter_plan.kept) + len(shelter_plan.kept),
        "dropped": len(supporter_plan.dropped) + len(shelter_plan.dropped),
        "supporters_in_hazard_area": SupporterAssignment.objects.filter(
            run=run, supporter_in_hazard_area=True
        )
        .values("supporter")
        .distinct()
        .count(),
        "elderly_supporters": SupporterAssignment.objects.filter(run=run, supporter_elderly=True)
        .values("supporter")
        .distinct()
        .count(),
        "neighbourhoods": neighbourhoods,
        "recruitment_hints": outcome.hints,
    }
