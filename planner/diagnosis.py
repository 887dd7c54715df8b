"""Why something is missing: for each person short of cover, the reasons of planning.md; for
a confirmed assignment that cannot be kept, a sentence; and where one more supporter would help
most (recruitment hints)."""

import heapq
from typing import Any

import numpy as np
from django.db import connection

from planner.candidates import People, PlanningTables, copy_pairs
from planner.models import MissingReason
from planner.scenario import Policy, Scenario
from registry.models import Shelter, Supporter
from registry.services import neighbourhood_of_point_sql


def missing_reasons(
    people: People,
    filled: np.ndarray,
    candidates: np.ndarray,
    sheltered: np.ndarray,
    has_shelter_candidates: np.ndarray,
    tables: PlanningTables,
    policy: Policy,
) -> list[list[str]]:
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
        reasons[p].append(
            MissingReason.SHELTERS_FULL
            if has_shelter_candidates[p]
            else MissingReason.NO_SAFE_SHELTER
        )
    return reasons


def _supporters_near(
    short: np.ndarray, tables: PlanningTables, policy: Policy
) -> tuple[dict[int, int], dict[int, int]]:
    """For the given people: active supporters within reach at any time, and those available
    in the slot and not away."""
    if len(short) == 0:
        return {}, {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT p.idx,
                   count(*) AS any_time,
                   count(*) FILTER (
                       WHERE EXISTS (SELECT 1 FROM {tables.supporter} ps WHERE ps.id = s.id))
            FROM {tables.person} p JOIN unnest(%(short)s::int4[]) AS short (idx) USING (idx)
            JOIN registry_supporter s ON ST_DWithin(p.location, s.location, %(reach)s)
            WHERE s.active AND s.person_id IS DISTINCT FROM p.id
            GROUP BY p.idx
            """,
            {"reach": policy.supporter_reach_m, "short": [int(i) for i in short]},
        )
        rows = cursor.fetchall()
    return {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows}


def supporter_unavailable(supporter: Supporter, scenario: Scenario) -> str:
    if not supporter.active:
        return "the supporter has retired"
    if supporter.external_id in scenario.away_supporters:
        return "the supporter is away"
    return "the supporter is not available in this time slot"


def pair_not_allowed(
    supporter: Supporter, distance: int, capability: str | None, policy: Policy
) -> str:
    if distance > policy.supporter_reach_m:
        return f"the supporter lives {distance} m away, beyond {policy.supporter_reach_m} m"
    if capability == "wheelchair" and not supporter.can_push_wheelchair:
        return "the supporter cannot push a wheelchair"
    if capability == "carry" and not (supporter.can_carry or supporter.has_car):
        return "the supporter can neither carry the person nor drive"
    return "the supporter is the person themselves"


def shelter_not_allowed(
    shelter: Shelter,
    open_and_safe: bool,
    distance: int,
    people: People,
    p: int,
    closed: list[int],
    scenario: Scenario,
    policy: Policy,
) -> str | None:
    if shelter.pk in closed:
        return "the shelter is closed"
    if scenario.hazard not in shelter.hazards:
        return "the shelter is not designated for this hazard"
    if not open_and_safe:
        return "the shelter lies inside the hazard area"
    if bool(people.welfare[p]) != (shelter.kind == "welfare_shelter"):
        return (
            "the person now needs a welfare shelter"
            if people.welfare[p]
            else "the person no longer needs a welfare shelter"
        )
    if people.barrier_free[p] and not shelter.barrier_free:
        return "the shelter is not barrier-free"
    if distance > policy.shelter_reach_m:
        return f"the shelter is {distance} m away, beyond {policy.shelter_reach_m} m"
    return None


def recruitment_hints(
    people: People, filled: np.ndarray, tables: PlanningTables, policy: Policy
) -> list[dict[str, Any]]:
    """Greedy maximum coverage: the homes of people still short of supporters are the candidate
    places for a new supporter; each pick covers the most weight not yet covered. This is
    advice, not the plan, so greedy (within 1 - 1/e of the best) is enough. A hint gives the
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
    chosen = _greedy_cover(pairs.person, pairs.target, people.weight, policy.recruitment_hints)
    return [_hint([int(people.ids[b]) for b in helped], gain) for helped, gain in chosen]


def _greedy_cover(
    place: np.ndarray, person: np.ndarray, weight: np.ndarray, picks: int
) -> list[tuple[np.ndarray, int]]:
    """Lazy greedy maximum weighted coverage: a place covers the people paired with it."""
    if len(place) == 0:
        return []
    order = np.argsort(place, kind="stable")
    places, covered_by = place[order], person[order]
    starts = np.searchsorted(places, np.arange(places.max() + 2))
    covered = np.zeros(len(weight), dtype=bool)
    gains = np.bincount(places, weights=weight[covered_by], minlength=len(starts) - 1)
    heap = [(-int(g), int(a)) for a, g in enumerate(gains) if g > 0]
    heapq.heapify(heap)
    chosen: list[tuple[np.ndarray, int]] = []
    while heap and len(chosen) < picks:
        _, a = heapq.heappop(heap)
        members = covered_by[starts[a] : starts[a + 1]]
        fresh = members[~covered[members]]
        gain = int(weight[fresh].sum())
        if gain == 0:
            continue
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, a))
            continue
        covered[fresh] = True
        chosen.append((fresh, gain))
    return chosen


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
