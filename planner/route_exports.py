"""`export routes`: the way of every person with a shelter in the latest finished run of one
scenario, as GeoJSON LineStrings (interfaces.md). A route planned on the street network keeps
to the hazard rules; one planned as the crow flies is the straight line, and says whether that
line stays out of the hazard. A route begins at a home, so a user gets only the people whose
homes that user may see (registry.access)."""

import json
from typing import Any

from django.db import connection

from planner.models import AssignmentState, PlanRun, RunStatus
from planner.scenario import walking_minutes
from registry.access import persons_visible_to
from registry.models import Neighbourhood, Person

ROUTE_FORMATS = ("geojson",)
# Six decimals of a degree: about 10 cm, finer than any street is drawn.
DECIMALS = 6

ROUTES = """
SELECT p.external_id, s.external_id, COALESCE(a.route_m, a.distance_m),
       a.route IS NOT NULL OR NOT EXISTS (
           SELECT 1 FROM registry_hazardarea h
           WHERE h.kind = %(kind)s AND ST_Intersects(h.geom, line.geom)),
       ST_AsGeoJSON(line.geom, %(decimals)s)
FROM planner_shelterassignment a
JOIN registry_person p ON p.id = a.person_id
JOIN registry_shelter s ON s.id = a.shelter_id
CROSS JOIN LATERAL (SELECT COALESCE(a.route,
    ST_MakeLine(p.location::geometry, s.location::geometry)) AS geom) line
WHERE a.run_id = %(run)s AND a.state <> %(rejected)s AND a.person_id = ANY(%(people)s)
ORDER BY p.external_id
"""


class NoRun(LookupError):
    """No finished run of the scenario, or no such neighbourhood."""


def latest_run(hazard: str, slot: str) -> PlanRun:
    run = (
        PlanRun.objects.filter(hazard=hazard, slot=slot, status=RunStatus.DONE)
        .order_by("-pk")
        .first()
    )
    if run is None:
        raise NoRun(f"no finished plan run for {hazard} / {slot}: run `plan` first")
    return run


def route_features(
    hazard: str, slot: str, neighbourhood: str | None = None, user: Any = None
) -> dict[str, Any]:
    """The FeatureCollection of the latest run of (hazard, slot), for the people the user may
    see (everyone without a user), in the neighbourhood if one is given."""
    run = latest_run(hazard, slot)
    people = Person.objects.all() if user is None else persons_visible_to(user)
    if neighbourhood is not None:
        area = Neighbourhood.objects.filter(code=neighbourhood).first()
        if area is None:
            raise NoRun(f"no neighbourhood with code {neighbourhood!r}")
        people = people.filter(neighbourhood=area)
    ids = list(people.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            ROUTES,
            {"kind": hazard, "decimals": DECIMALS, "run": run.pk,
             "rejected": AssignmentState.REJECTED, "people": ids},
        )  # fmt: skip
        rows = cursor.fetchall()
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": json.loads(geometry),
                "properties": {
                    "person": person,
                    "shelter": shelter,
                    "metres": metres,
                    "minutes": walking_minutes(metres),
                    "avoids_hazard": avoids,
                },
            }
            for person, shelter, metres, avoids, geometry in rows
        ],
    }


def export_routes(
    hazard: str, slot: str, neighbourhood: str | None = None, user: Any = None
) -> bytes:
    collection = route_features(hazard, slot, neighbourhood, user)
    return json.dumps(collection, ensure_ascii=False).encode() + b"\n"
