"""Coverage per neighbourhood: people by status, and those in the hazard area without full
cover ("exposed": partial, uncovered or without consent). One counting query answers both the
run's own statistics and the pages' counts. Counts only, never names."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from planner.models import CoverStatus, PlanRun, RunStatus
from registry.models import Neighbourhood

EXPOSED = "in_hazard_area_not_covered"

# The one counting query: per (neighbourhood, run, status) of the given runs, only in the given
# neighbourhoods when there are some (a NULL neighbourhood: homes in none).
_COUNTS = """
    SELECT p.neighbourhood_id, pp.run_id, pp.status, count(*),
           count(*) FILTER (WHERE pp.in_hazard_area AND pp.status <> %(covered)s)
    FROM planner_personplan pp
    JOIN registry_person p ON p.id = pp.person_id
    WHERE pp.run_id = ANY(%(runs)s)
      AND (%(areas)s::bigint[] IS NULL OR p.neighbourhood_id = ANY(%(areas)s::bigint[]))
    GROUP BY 1, 2, 3
"""


def _counts(
    runs: list[int], areas: list[int] | None
) -> list[tuple[int | None, int, str, int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS, {"runs": runs, "areas": areas, "covered": CoverStatus.COVERED})
        rows: list[tuple[int | None, int, str, int, int]] = cursor.fetchall()
    return rows


def run_coverage(run: PlanRun) -> dict[str, dict[str, int]]:
    """Per neighbourhood code ('' for homes in none) of one run: people by status and the
    exposed count, as the run's statistics keep them."""
    rows = _counts([run.pk], None)
    codes = dict(
        Neighbourhood.objects.filter(pk__in={r[0] for r in rows if r[0] is not None}).values_list(
            "pk", "code"
        )
    )
    result: dict[str, dict[str, int]] = {}
    for area_id, _, status, count, exposed in rows:
        code = codes.get(area_id, "") if area_id is not None else ""
        entry = result.setdefault(code, dict.fromkeys(CoverStatus.values, 0) | {EXPOSED: 0})
        entry[status] += count
        entry[EXPOSED] += exposed
    return result


@dataclass
class Coverage:
    """One neighbourhood under one scenario (hazard and slot as keys: pages translate them)."""

    neighbourhood: Neighbourhood
    hazard: str
    slot: str
    run_id: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def need(self) -> int:
        return self.counts.get("uncovered", 0) + self.counts.get("partial", 0)


def coverage_by_neighbourhood(
    areas: list[Neighbourhood], hazard: str | None = None, slot: str | None = None
) -> list[Coverage]:
    """For each neighbourhood and each scenario planned (or only those of the given hazard
    and/or slot), the counts of its latest finished run that included the neighbourhood, most
    in need first. `counts` has each status, `people` and `exposed`."""
    by_id = {area.pk: area for area in areas}
    if not by_id:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT ON (p.neighbourhood_id, r.hazard, r.slot)
                   p.neighbourhood_id, r.id, r.hazard, r.slot
            FROM planner_personplan pp
            JOIN planner_planrun r ON r.id = pp.run_id AND r.status = %(done)s
            JOIN registry_person p ON p.id = pp.person_id
            WHERE p.neighbourhood_id = ANY(%(areas)s)
              AND (%(hazard)s::text IS NULL OR r.hazard = %(hazard)s)
              AND (%(slot)s::text IS NULL OR r.slot = %(slot)s)
            ORDER BY p.neighbourhood_id, r.hazard, r.slot, r.id DESC
            """,
            {"done": RunStatus.DONE, "areas": list(by_id), "hazard": hazard, "slot": slot},
        )
        latest = {(area, run): (h, s) for area, run, h, s in cursor.fetchall()}
    if not latest:
        return []
    table: dict[tuple[int, int], Coverage] = {}
    for area_id, run_id, status, count, exposed in _counts(
        sorted({r for _, r in latest}), list(by_id)
    ):
        key = (area_id or 0, run_id)
        if key not in latest:
            continue  # a later run of the same scenario covers this neighbourhood
        if key not in table:
            run_hazard, run_slot = latest[key]
            table[key] = Coverage(by_id[key[0]], run_hazard, run_slot, run_id, defaultdict(int))
        entry = table[key]
        entry.counts[status] += count
        entry.counts["people"] += count
        entry.counts["exposed"] += exposed
    return sorted(table.values(), key=lambda c: (-c.need, c.neighbourhood.code, c.hazard, c.slot))
