"""`import roads` from GeoJSON: the ways people walk on, noded so that crossing streets connect
and a bridge joins only at its ends, with problems reported like every import."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db import connection

from routes.models import RoadEdge
from tests.factories import at
from tests.streets import way

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, features: list[dict[str, Any]], name: str = "roads.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def junction_near(x: float, y: float) -> int:
    """The junction at a hand-placed point: the nearest end of any edge."""
    point = at(x, y)
    ends = [
        (point.distance(Point(edge.geom.coords[index], srid=4326)), junction)
        for edge in RoadEdge.objects.all()
        for index, junction in ((0, edge.source), (-1, edge.target))
    ]
    return min(ends)[1]


def route_metres(start: int, end: int, *, wheelchair: bool = False) -> float | None:
    """The shortest walk between two junctions by pgRouting, None when none exists."""
    edges = "SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM "
    edges += "routes_roadedge" + (" WHERE NOT steps" if wheelchair else "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(agg_cost) FROM pgr_dijkstra(%s, %s, %s, false)",
                       [edges, start, end])  # fmt: skip
        (found,) = cursor.fetchone()
    return None if found is None else float(found)


def test_crossing_streets_connect_and_a_bridge_joins_only_at_its_ends(tmp_path: Path):
    features = [
        way([(-100, 100), (100, 100)], name="本町通り"),  # crossed by the next one at x=50
        way([(50, 50), (50, 150)], name="緑町通り"),
        way([(-100, 0), (100, 0)], name="川沿いの道"),  # passes under the bridge
        way([(0, -50), (0, 50)], name="本町橋", bridge="yes"),
    ]
    out = io.StringIO()

    call_command("import", "roads", str(write(tmp_path, features)), stdout=out)

    assert "4 ways as 6 edges" in out.getvalue()
    assert RoadEdge.objects.filter(bridge=True).count() == 1
    # Along one street and up the other: the crossing is a junction.
    metres = route_metres(junction_near(-100, 100), junction_near(50, 150))
    assert metres is not None and 195 < metres < 205
    # The road under the bridge is not joined to it where the bridge passes over.
    assert route_metres(junction_near(-100, 0), junction_near(0, 50)) is None
    assert RoadEdge.objects.get(name="川沿いの道").length_m == pytest.approx(200, rel=0.01)


def test_a_bridge_ending_on_a_road_cuts_that_road_there(tmp_path: Path):
    features = [
        way([(-100, 0), (100, 0)], name="川沿いの道"),
        way([(0, 0), (0, 80)], name="本町橋", bridge="yes"),
    ]

    call_command("import", "roads", str(write(tmp_path, features)), stdout=io.StringIO())

    assert RoadEdge.objects.filter(name="川沿いの道").count() == 2
    metres = route_metres(junction_near(-100, 0), junction_near(0, 80))
    assert metres is not None and 175 < metres < 185


def test_steps_are_marked_and_a_wheelchair_route_goes_around_them(tmp_path: Path):
    features = [
        way([(0, 0), (0, 30)], highway="steps", name="坂の階段"),
        way([(0, 0), (60, 0), (60, 30), (0, 30)], name="坂道"),
    ]

    call_command("import", "roads", str(write(tmp_path, features)), stdout=io.StringIO())

    stairs = RoadEdge.objects.get(name="坂の階段")
    assert stairs.steps and not stairs.wheelchair
    on_foot = route_metres(junction_near(0, 0), junction_near(0, 30))
    rolling = route_metres(junction_near(0, 0), junction_near(0, 30), wheelchair=True)
    assert on_foot is not None and on_foot < 35
    assert rolling is not None and 145 < rolling < 155


def test_ways_not_for_walking_are_dropped_and_a_second_import_replaces_the_network(
    tmp_path: Path,
):
    first = write(tmp_path, [way([(0, 0), (100, 0)]), way([(0, 10), (100, 10)])], "a.geojson")
    second = write(tmp_path, [way([(0, 0), (0, 100)], highway="primary_link"),
                              way([(0, 0), (90, 0)], highway="motorway")], "b.geojson")  # fmt: skip
    call_command("import", "roads", str(first), stdout=io.StringIO())
    out = io.StringIO()

    call_command("import", "roads", str(second), dry_run=True, stdout=out)
    assert "Dry run" in out.getvalue() and RoadEdge.objects.count() == 2
    call_command("import", "roads", str(second), stdout=out)

    assert list(RoadEdge.objects.values_list("highway", flat=True)) == ["primary_link"]
    assert "1 ways not for walking dropped" in out.getvalue()
    assert "2 edges of the previous network replaced" in out.getvalue()


def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_written(tmp_path: Path):
    call_command("import", "roads", str(write(tmp_path, [way([(0, 0), (9, 0)])], "ok.geojson")),
                 stdout=io.StringIO())  # fmt: skip
    bad = write(tmp_path, [
        way([(0, 0), (100, 0)]),
        way([(0, 0), (0, 100)], bridge="maybe"),
        {"type": "Feature", "properties": {"highway": "footway"},
         "geometry": {"type": "Point", "coordinates": [139.3, 35.3]}},
        {"type": "Feature", "properties": {}, "geometry": None},
    ])  # fmt: skip
    err = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import", "roads", str(bad), stdout=io.StringIO(), stderr=err)

    assert failed.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "2: bridge: “maybe” is not yes or no",
        "3: geometry: not a LineString",
        "4: highway: missing",
    ]
    assert RoadEdge.objects.count() == 1  # the earlier network stays
    (tmp_path / "not.geojson").write_text('{"type": "Feature"}')
    with pytest.raises(CommandError) as unusable:
        call_command("import", "roads", str(tmp_path / "not.geojson"), stderr=io.StringIO())
    assert unusable.value.returncode == 2
