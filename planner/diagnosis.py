"""Why something is missing: for each person short of cover, the reasons of planning.md; for
a confirmed assignment that cannot be kept, a sentence; and where one more supporter would help
most (recruitment hints)."""

from typing import Any

import numpy as np
from django.db import connection
from django.utils.translation import gettext_noop

from planner import eligibility
from planner.candidates import People, PlanningTables, copy_pairs
from planner.models import MissingReason
from planner.pipeline import PlanInputs
from planner.recruitment import greedy_cover
from planner.refusals import Refusal
from planner.scenario import Policy
from registry.models import Shelter
from registry.services import neighbourhood_of_point_sql


def missing_reasons(
    people: People,
    filled: np.ndarray,
    candidates: np.ndarray,
    sheltered: np.ndarray,
    has_shelter_candidates: np.ndarray,
    tables: PlanningTables,
    policy: Policy,
    no_route: np.ndarray | None = None,
    crow_flies: np.ndarray | None = None,
) -> list[list[str]]:
    """The reasons of each person short of cover; with a street network, `no_route` marks
    people whom only the hazard keeps from a shelter, `crow_flies` those planned on the
    geodesic distance for want of streets near the home or the shelter."""
    short = np.flatnonzero(filled < people.needed)
    # Only people with no eligible supporter at all need a closer look at why.
    in_reach, in_slot = _supporters_near(short[candidates[short] == 0], tables, policy)
    reasons: list[list[str]] = [[] for _ in range(len(people.ids))]
    for p in short:
        if candidates[p] > 0:
            reasons[p].append(MissingReason.SUPPORTERS_AT_CAPACITY)
        elif in_reach.get(int(p), 0) == 0:
            reasons[p].append(MissingReason.NO_SUPPORTER_IN_REACH)
        elif in_slot.get(int(p), 0) == 0:
            reasons[p].append(MissingReason.NO_SUPPORTER_IN_SLOT)
        else:
            reasons[p].append(MissingReason.NO_CAPABLE_SUPPORTER)
    for p in np.flatnonzero(~sheltered):
        if has_shelter_candidates[p]:
            reasons[p].append(MissingReason.SHELTERS_FULL)
        elif no_route is not None and no_route[p]:
            reasons[p].append(MissingReason.NO_ROUTE_AVOIDING_HAZARD)
        else:
            reasons[p].append(MissingReason.NO_SAFE_SHELTER)
    if crow_flies is not None:
        for p in np.flatnonzero(crow_flies):
            reasons[p].append(MissingReason.NO_ROAD_NETWORK)
    return reasons


def _supporters_near(
    short: np.ndarray, tables: PlanningTables, policy: Policy
) -> tuple[dict[int, int], dict[int, int]]:
    """For the given people: active supporters within reach at any time, and those available
    in the slot and not away."""
    if len(short) == 0:
        return {}, {}
    active, params = eligibility.ids_sql(eligibility.supporters_active())
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT p.idx,
                   count(*) AS any_time,
                   count(*) FILTER (
                       WHERE EXISTS (SELECT 1 FROM {tables.supporter} ps WHERE ps.id = s.id))
            FROM {tables.person} p JOIN unnest(%s::int4[]) AS short (idx) USING (idx)
            JOIN registry_supporter s ON ST_DWithin(p.location, s.location, %s)
            WHERE s.id IN ({active}) AND {eligibility.not_self_sql("p", "s")}
            GROUP BY p.idx
            """,
            [[int(i) for i in short], policy.supporter_reach_m, *params],
        )
        rows = cursor.fetchall()
    return {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows}


def supporters_unavailable(supporter_ids: list[int], inputs: PlanInputs) -> dict[int, str]:
    """Why each of these supporters is not among those the run may ask."""
    active = set(
        eligibility.supporters_active().filter(pk__in=supporter_ids).values_list("pk", flat=True)
    )
    away = set(inputs.away)
    return {
        pk: Refusal(gettext_noop("the supporter has retired"))
        if pk not in active
        else Refusal(gettext_noop("the supporter is away"))
        if pk in away
        else Refusal(gettext_noop("the supporter is not available in this time slot"))
        for pk in supporter_ids
    }


def shelter_not_allowed(
    shelter: Shelter,
    *,
    open_and_safe: bool,
    designated: bool,
    distance: int | None,
    people: People,
    p: int,
    inputs: PlanInputs,
) -> str | None:
    """Why a confirmed shelter no longer suits the person (index p), or None."""
    if shelter.pk in inputs.closed:
        return Refusal(gettext_noop("the shelter is closed"))
    if not designated:
        return Refusal(gettext_noop("the shelter is not designated for this hazard"))
    if not open_and_safe:
        return Refusal(gettext_noop("the shelter lies inside the hazard area"))
    refusal = eligibility.shelter_refusal(
        {"welfare": bool(people.welfare[p]), "barrier_free": bool(people.barrier_free[p])},
        eligibility.shelter_offer(shelter),
    )
    if refusal:
        return refusal
    reach = inputs.policy.shelter_reach_m
    if distance is None:
        return Refusal(
            gettext_noop("no walking route of %(reach)s m or less keeps out of the hazard"),
            reach=reach,
        )
    if distance > reach:
        return Refusal(
            gettext_noop("the shelter is %(distance)s m away, beyond %(reach)s m"),
            distance=distance,
            reach=reach,
        )
    return None


def recruitment_hints(
    people: People, filled: np.ndarray, tables: PlanningTables, policy: Policy
) -> list[dict[str, Any]]:
    """Greedy maximum coverage: the homes of people still short of supporters are the candidate
    places for a new supporter; each pick covers the most weight not yet covered. This is
    advice, not the plan, so greedy (planner.recruitment) is enough. A hint gives the
    neighbourhood and the centre of the people it would help, never one person's home."""
    if policy.recruitment_hints == 0:
        return []
    short = np.flatnonzero(filled < people.needed)
    if len(short) == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE plan_short AS
            SELECT p.idx, p.xy FROM {tables.person} p
            JOIN unnest(%(short)s::int4[]) AS s (idx) USING (idx);
            CREATE INDEX ON plan_short USING gist (xy);
            ANALYZE plan_short;
            """,
            {"short": [int(i) for i in short]},
        )
    # Distances on the city's plane are close enough for advice.
    pairs = copy_pairs(
        "SELECT a.idx, b.idx, 0 FROM plan_short a "
        "JOIN plan_short b ON ST_DWithin(a.xy, b.xy, %(reach)s)",
        {"reach": policy.supporter_reach_m},
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE plan_short")
    chosen = greedy_cover(pairs.person, pairs.target, people.weight, policy.recruitment_hints)
    return [_hint([int(people.ids[b]) for b in helped], gain) for helped, gain in chosen]


def _hint(person_ids: list[int], weight: int) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT ST_X(c), ST_Y(c), (SELECT code FROM registry_neighbourhood
                                      WHERE id = {neighbourhood_of_point_sql("c")})
            FROM (SELECT ST_Centroid(ST_Collect(location::geometry)) AS c
                  FROM registry_person WHERE id = ANY(%s)) centre
            """,
            [person_ids],
        )
        lon, lat, code = cursor.fetchone()
    # Rounded to about 100 m: a place to look for a volunteer, not an address.
    return {
        "neighbourhood": code,
        "lon": round(lon, 3),
        "lat": round(lat, 3),
        "people": len(person_ids),
        "weight": weight,
    }
