"""The issue's promise on the demo town as `scripts/dev.sh demo` builds it: planned on its
streets for a flood, nobody who lives outside the flood area is routed through it, and every
way across the river goes over a bridge."""

import json
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from planner.models import PersonPlan, PlanRun
from tests.routes.test_demo_streets import demo_streets, the_river  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def exported_routes() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "routes.geojson"
        call_command("export", "routes", "--hazard", "flood", "--slot", "weekday_night",
                     "--out", str(path), stderr=StringIO())  # fmt: skip
        features: list[dict[str, Any]] = json.loads(path.read_text())["features"]
        return features


def metres_in_flood(line: dict[str, Any]) -> float:
    """How far the line runs inside the flood areas (touching an edge is not running in)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(sum(ST_Length(ST_Intersection(h.geom, g)::geography)), 0) "
            "FROM registry_hazardarea h, ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326) AS g "
            "WHERE h.kind = 'flood' AND ST_Intersects(h.geom, g)",
            [json.dumps(line)],
        )
        return float(cursor.fetchone()[0])


def crossings_off_bridges(line: dict[str, Any], river: Any) -> int:
    """Points where the line crosses the river farther than a metre from any bridge."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM ST_Dump(ST_Intersection("
            "  ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326), ST_GeomFromEWKT(%s))) AS crossing "
            "WHERE NOT EXISTS (SELECT 1 FROM routes_roadedge e WHERE e.bridge "
            "  AND ST_DWithin(e.geom::geography, crossing.geom::geography, 1))",
            [json.dumps(line), river.ewkt],
        )
        return int(cursor.fetchone()[0])


def test_no_dry_home_is_routed_through_the_flood_and_the_river_is_crossed_on_bridges(
    demo_streets: str,  # noqa: F811
):
    call_command("plan", "--hazard", "flood", "--slot", "weekday_night", stdout=StringIO())
    run = PlanRun.objects.get()
    outside = set(
        PersonPlan.objects.filter(run=run, in_hazard_area=False).values_list(
            "person__external_id", flat=True
        )
    )
    routes = exported_routes()
    assert len(routes) > 300
    dry = [f for f in routes if f["properties"]["person"] in outside]
    assert len(dry) > 100
    assert all(f["properties"]["avoids_hazard"] for f in dry)
    assert [f["properties"]["person"] for f in dry if metres_in_flood(f["geometry"]) > 0.5] == []
    river = the_river()
    across = [f for f in routes if crossings_off_bridges(f["geometry"], river) > 0]
    assert [f["properties"]["person"] for f in across] == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM planner_shelterassignment a WHERE a.run_id = %s "
            "AND ST_Intersects(a.route, ST_GeomFromEWKT(%s))",
            [run.pk, river.ewkt],
        )
        assert cursor.fetchone()[0] > 0  # some do cross, on a bridge
