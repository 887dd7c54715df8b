"""Reads for the pages: coverage per neighbourhood from the latest runs, and one
neighbourhood's people, gaps and map, always through the scoping mechanism."""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.db.models.functions import Intersection
from django.contrib.gis.geos import Point
from django.db import connection
from django.urls import reverse

from planner.models import PersonPlan, PlanRun, RunStatus, SupporterAssignment
from registry.access import persons_visible_to, supporters_visible_to
from registry.models import HazardArea, Neighbourhood, Shelter
from registry.models.choices import HazardKind, TimeSlot

MAP_MARGIN_DEG = 0.02


@dataclass
class Coverage:
    neighbourhood: Neighbourhood
    scenario: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def need(self) -> int:
        return self.counts.get("uncovered", 0) + self.counts.get("partial", 0)


def coverage_by_neighbourhood(areas: list[Neighbourhood]) -> list[Coverage]:
    """For each neighbourhood and each scenario planned, the counts of its latest finished run
    that included the neighbourhood, most in need first. Counts only, never names."""
    by_id = {area.pk: area for area in areas}
    if not by_id:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH latest AS (
                SELECT DISTINCT ON (p.neighbourhood_id, r.hazard, r.slot)
                       p.neighbourhood_id, r.id AS run_id, r.hazard, r.slot
                FROM planner_personplan pp
                JOIN planner_planrun r ON r.id = pp.run_id AND r.status = %(done)s
                JOIN registry_person p ON p.id = pp.person_id
                WHERE p.neighbourhood_id = ANY(%(areas)s)
                ORDER BY p.neighbourhood_id, r.hazard, r.slot, r.id DESC
            )
            SELECT l.neighbourhood_id, l.hazard, l.slot, pp.status, count(*),
                   count(*) FILTER (WHERE pp.in_hazard_area AND pp.status <> 'covered')
            FROM latest l
            JOIN planner_personplan pp ON pp.run_id = l.run_id
            JOIN registry_person p
              ON p.id = pp.person_id AND p.neighbourhood_id = l.neighbourhood_id
            GROUP BY 1, 2, 3, 4
            """,
            {"done": RunStatus.DONE, "areas": list(by_id)},
        )
        rows = cursor.fetchall()
    table: dict[tuple[int, str, str], Coverage] = {}
    for area_id, hazard, slot, status, count, exposed in rows:
        key = (area_id, hazard, slot)
        if key not in table:
            label = f"{HazardKind(hazard).label} / {TimeSlot(slot).label}"
            table[key] = Coverage(by_id[area_id], label, defaultdict(int))
        entry = table[key]
        entry.counts[status] += count
        entry.counts["people"] += count
        entry.counts["exposed"] += exposed
    return sorted(table.values(), key=lambda c: (-c.need, c.neighbourhood.code))


def latest_run(area: Neighbourhood, hazard: str | None = None) -> PlanRun | None:
    runs = PlanRun.objects.filter(status=RunStatus.DONE, person_plans__person__neighbourhood=area)
    if hazard:
        runs = runs.filter(hazard=hazard)
    return runs.order_by("-pk").first()


def roster(user: Any, area: Neighbourhood, run: PlanRun | None) -> list[dict[str, Any]]:
    """The people of the neighbourhood the user may see, with their status in the run."""
    people = list(
        persons_visible_to(user)
        .filter(neighbourhood=area, status="active")
        .only("pk", "name", "address", "consent", "neighbourhood_id")
        .order_by("address")
    )
    plans = (
        {
            p.person_id: p
            for p in PersonPlan.objects.filter(run=run, person__neighbourhood=area).only(
                "person_id", "status", "reasons"
            )
        }
        if run
        else {}
    )
    helpers: dict[int, list[str]] = defaultdict(list)
    if run:
        for person_id, name in (
            SupporterAssignment.objects.filter(run=run, person__neighbourhood=area)
            .exclude(state="rejected")
            .order_by("distance_m")
            .values_list("person_id", "supporter__name")
        ):
            helpers[person_id].append(name)
    return [
        {
            "person": person,
            "status": plans[person.pk].get_status_display() if person.pk in plans else "",
            "reasons": plans[person.pk].reasons if person.pk in plans else [],
            "supporters": helpers[person.pk],
        }
        for person in people
    ]


def map_features(
    user: Any, area: Neighbourhood, hazard: str, run: PlanRun | None
) -> tuple[dict[str, Any], list[int]]:
    """GeoJSON of one neighbourhood for its map: its outline, the hazard's areas around it,
    the people and supporters the user may see there, and the shelters nearby; and the ids of
    the people shown, for the audit log. Sized for one neighbourhood, never the whole city."""
    envelope = area.geom.envelope.buffer(MAP_MARGIN_DEG)
    features: list[dict[str, Any]] = [_feature(area.geom, {"type": "area", "name": area.name})]
    for level, part in (
        HazardArea.objects.filter(kind=hazard, geom__intersects=envelope)
        .annotate(part=Intersection("geom", envelope))
        .values_list("level", "part")
    ):
        features.append(_feature(part, {"type": "hazard", "level": level}))
    plans = PersonPlan.objects.filter(run=run, person__neighbourhood=area) if run else None
    statuses = dict(plans.values_list("person_id", "status")) if plans is not None else {}
    people = list(
        persons_visible_to(user)
        .filter(neighbourhood=area, status="active")
        .only("pk", "name", "location", "consent")
    )
    for person in people:
        features.append(
            _feature(
                person.location,
                {
                    "type": "person",
                    "name": person.name,
                    "status": statuses.get(person.pk, ""),
                    "url": reverse("person", args=[person.pk]),
                },
            )
        )
    for supporter in (
        supporters_visible_to(user)
        .filter(neighbourhood=area, active=True)
        .only("pk", "name", "location")
    ):
        features.append(_feature(supporter.location, {"type": "supporter", "name": supporter.name}))
    for shelter in Shelter.objects.filter(location__intersects=envelope).only(
        "name", "kind", "location"
    ):
        features.append(_feature(shelter.location, {"type": "shelter", "name": shelter.name,
                                                    "kind": shelter.kind}))  # fmt: skip
    return {"type": "FeatureCollection", "features": features}, [p.pk for p in people]


def _feature(geometry: Any, properties: dict[str, Any]) -> dict[str, Any]:
    if isinstance(geometry, Point):
        # Written directly: asking GDAL for each of thousands of points is the slow part.
        shape: dict[str, Any] = {"type": "Point", "coordinates": [geometry.x, geometry.y]}
    else:
        shape = json.loads(geometry.geojson)
    return {"type": "Feature", "geometry": shape, "properties": properties}
