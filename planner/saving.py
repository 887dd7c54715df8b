"""Write a plan run: the run, each person's outcome and every assignment, with COPY (a city's
run is a few hundred thousand rows), inside the caller's transaction."""

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from planner.candidates import People, Targets
from planner.models import (
    AssignmentState,
    CoverStatus,
    DroppedAssignment,
    PersonPlan,
    PlanRun,
    RunStatus,
    ShelterAssignment,
    SupporterAssignment,
    SupportRole,
)
from planner.scenario import Policy, Scenario
from registry.bulk import copy_rows
from registry.models import Neighbourhood, Supporter

if TYPE_CHECKING:
    from planner.services import ShelterPlan, Stopwatch, SupporterPlan

# The first supporter of a person passes on warnings, checks on them and guides them; any
# further supporter helps move them.
FIRST_ROLES = [SupportRole.INFORM.value, SupportRole.CHECK_SAFETY.value, SupportRole.GUIDE.value]
OTHER_ROLES = [SupportRole.GUIDE.value]


def _status(needed: int, filled: int, sheltered: bool) -> str:
    if filled >= needed and sheltered:
        return CoverStatus.COVERED
    if filled == 0 and not sheltered:
        return CoverStatus.UNCOVERED
    return CoverStatus.PARTIAL


def save_run(
    *,
    scenario: Scenario,
    area: Neighbourhood | None,
    away: list[int],
    closed: list[int],
    policy: Policy,
    people: People,
    supporters: Targets,
    shelters: Targets,
    supporter_plan: "SupporterPlan",
    shelter_plan: "ShelterPlan",
    reasons: list[list[str]],
    hints: list[dict[str, Any]],
    started: dt.datetime,
    clock: "Stopwatch",
    user: User | None,
    performed_by: str,
) -> PlanRun:
    run = PlanRun.objects.create(
        hazard=scenario.hazard,
        slot=scenario.slot,
        neighbourhood=area,
        away_supporters=away,
        closed_shelters=closed,
        parameters=policy.as_parameters(),
        started_at=started,
        user=user,
        performed_by=performed_by[:150],
    )
    sheltered = np.zeros(len(people.ids), dtype=bool)
    shelter_rows = []
    for p, _, kept in shelter_plan.kept:
        sheltered[p] = True
        shelter_rows.append(
            (run.pk, kept.person, kept.target, kept.distance, AssignmentState.CONFIRMED,
             kept.decided_by, kept.decided_at)
        )  # fmt: skip
    arcs = shelter_plan.lists.arcs
    for i in np.flatnonzero(shelter_plan.solution.chosen):
        p = int(arcs.person[i])
        sheltered[p] = True
        shelter_rows.append(
            (run.pk, int(people.ids[p]), int(shelters.ids[arcs.target[i]]), int(arcs.distance[i]),
             AssignmentState.PROPOSED, None, None)
        )  # fmt: skip

    supporter_rows = _supporter_rows(run, people, supporters, supporter_plan, policy)
    statuses = [
        _status(int(people.needed[p]), int(supporter_plan.filled[p]), bool(sheltered[p]))
        for p in range(len(people.ids))
    ]
    copy_rows(
        PersonPlan._meta.db_table,
        ("run_id", "person_id", "needed", "weight", "in_hazard_area", "status", "reasons"),
        [
            *(
                (run.pk, int(people.ids[p]), int(people.needed[p]), int(people.weight[p]),
                 bool(people.in_hazard[p]), statuses[p], reasons[p])
                for p in range(len(people.ids))
            ),
            *((run.pk, pk, needed, policy.weight_base, False, CoverStatus.NO_CONSENT, [])
              for pk, needed in people.no_consent),
        ],
    )  # fmt: skip
    copy_rows(
        SupporterAssignment._meta.db_table,
        ("run_id", "person_id", "supporter_id", "roles", "distance_m", "state", "decided_by_id",
         "decided_at", "supporter_in_hazard_area", "supporter_elderly"),
        supporter_rows,
    )  # fmt: skip
    copy_rows(
        ShelterAssignment._meta.db_table,
        ("run_id", "person_id", "shelter_id", "distance_m", "state", "decided_by_id", "decided_at"),
        shelter_rows,
    )
    DroppedAssignment.objects.bulk_create(
        DroppedAssignment(
            run=run,
            person_id=d.person,
            supporter_id=d.supporter,
            shelter_id=d.shelter,
            reason=d.reason,
        )
        for d in [*supporter_plan.dropped, *shelter_plan.dropped]
    )
    _flag_supporters_at_risk(run, scenario)
    clock.lap("save")
    run.stats = _statistics(run, people, statuses, supporter_plan, shelter_plan, hints)
    run.timings = {**clock.laps, "total": clock.total()}
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["stats", "timings", "status", "finished_at"])
    return run


def _supporter_rows(
    run: PlanRun, people: People, supporters: Targets, plan: "SupporterPlan", policy: Policy
) -> list[tuple[Any, ...]]:
    per_person: dict[int, list[tuple[int, int, list[str] | None, str, Any, Any]]] = {}
    for p, _, kept in plan.kept:
        per_person.setdefault(p, []).append(
            (
                kept.target,
                kept.distance,
                kept.roles,
                AssignmentState.CONFIRMED,
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
    run: PlanRun,
    people: People,
    statuses: list[str],
    supporter_plan: "SupporterPlan",
    shelter_plan: "ShelterPlan",
    hints: list[dict[str, Any]],
) -> dict[str, Any]:
    counts = {status: statuses.count(status) for status in CoverStatus.values}
    counts[CoverStatus.NO_CONSENT] = len(people.no_consent)
    return {
        "people": len(people.ids) + len(people.no_consent),
        **counts,
        "in_hazard_area_not_covered": int(
            sum(
                1
                for p, status in enumerate(statuses)
                if people.in_hazard[p] and status != CoverStatus.COVERED
            )
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
        "neighbourhoods": neighbourhood_coverage(run),
        "recruitment_hints": hints,
    }


def neighbourhood_coverage(run: PlanRun) -> dict[str, dict[str, int]]:
    """Per neighbourhood: people by status, and those in the hazard area without full cover."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT coalesce(n.code, ''), pp.status, count(*),
                   count(*) FILTER (WHERE pp.in_hazard_area AND pp.status <> 'covered')
            FROM planner_personplan pp
            JOIN registry_person p ON p.id = pp.person_id
            LEFT JOIN registry_neighbourhood n ON n.id = p.neighbourhood_id
            WHERE pp.run_id = %s GROUP BY 1, 2
            """,
            [run.pk],
        )
        rows = cursor.fetchall()
    result: dict[str, dict[str, int]] = {}
    for code, status, count, exposed in rows:
        entry = result.setdefault(
            code, dict.fromkeys(CoverStatus.values, 0) | {"in_hazard_area_not_covered": 0}
        )
        entry[status] = count
        entry["in_hazard_area_not_covered"] += exposed
    return result
