"""The demo town's streets: one connected network, across the river only on bridges, with steps
on the hills and a step-free way everywhere, close to every home and shelter."""

from io import StringIO

import pytest
from django.contrib.gis.geos import LineString
from django.core.management import call_command
from django.db import connection

from registry.demo.layout import town_size
from registry.demo.streets import deepest_band_m, lay_streets, town_river
from registry.demo.town import ORIGIN, ground_for
from registry.models import HazardArea
from routes.models import RoadEdge

SEED, PEOPLE = 1, 600


@pytest.fixture
def demo_streets() -> str:
    """The demo town as `scripts/dev.sh demo` builds it, and its streets; what the command said."""
    call_command("make_demo_town", "--replace", seed=SEED, people=PEOPLE, stdout=StringIO())
    out = StringIO()
    call_command("make_demo_streets", seed=SEED, people=PEOPLE, stdout=out)
    return out.getvalue()


def the_river() -> LineString:
    line = town_river(SEED, town_size(PEOPLE))
    return LineString([ORIGIN.lonlat(x, y) for x, y in line.coords], srid=4326)


def components(edges_where: str = "true") -> int:
    edges = "SELECT id, source, target, length_m AS cost, length_m AS reverse_cost "
    edges += f"FROM routes_roadedge WHERE {edges_where}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT component) FROM pgr_connectedComponents(%s)", [edges])
        (count,) = cursor.fetchone()
    return int(count)


def farthest_from_a_street(table: str) -> float:
    """The largest distance in metres from a row's location to its nearest street edge."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT max(( SELECT min(ST_Distance(r.location, e.geom::geography)) "
            f"FROM routes_roadedge e WHERE ST_DWithin(r.location, e.geom::geography, 1000) )) "
            f"FROM {table} r"
        )
        (metres,) = cursor.fetchone()
    return float(metres)


@pytest.mark.django_db
def test_it_lays_one_connected_network_even_without_its_steps(demo_streets: str):
    assert "Demo streets (seed 1): Imported:" in demo_streets
    assert RoadEdge.objects.count() > 300
    assert components() == 1
    assert RoadEdge.objects.filter(steps=True).exists()
    assert RoadEdge.objects.filter(steps=True).exclude(highway="steps").count() == 0
    # Wheelchair users reach every junction the others reach.
    assert components("NOT steps") == 1


@pytest.mark.django_db
def test_it_crosses_the_river_only_on_bridges_that_span_the_deepest_band(demo_streets: str):
    river = the_river()
    bridges = RoadEdge.objects.filter(bridge=True)

    assert 3 <= bridges.count() <= 5
    assert not RoadEdge.objects.filter(bridge=False, geom__intersects=river).exists()
    assert bridges.filter(geom__intersects=river).count() == bridges.count()
    deepest = HazardArea.objects.get(kind="flood", level=4).geom
    for bridge in bridges:
        assert bridge.geom.crosses(deepest)
        assert not deepest.intersects(bridge.geom.boundary), "a bridge lands inside the band"
        assert bridge.name.endswith("橋")


# The edges that touch no flood area: stricter than the planner, which keeps the dry part of an
# edge. pgRouting reads its edges by a query of its own, hence a table rather than a CTE.
DRY_EDGES = """
CREATE TEMP TABLE dry_edges AS SELECT e.* FROM routes_roadedge e WHERE NOT EXISTS (
    SELECT 1 FROM registry_hazardarea h WHERE h.kind = 'flood' AND ST_Intersects(e.geom, h.geom))
"""
# For each person and each flood shelter outside the flood area, the component of the dry
# network that holds the dry edge nearest to them.
DRY_PARTS = """
WITH flood AS (SELECT ST_Union(geom) AS geom FROM registry_hazardarea WHERE kind = 'flood'),
part AS (
    SELECT node, component FROM pgr_connectedComponents(
        'SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM dry_edges')
),
places AS (
    SELECT 'person' AS kind, p.location::geometry AS at FROM registry_person p
    UNION ALL
    SELECT 'shelter', s.location::geometry FROM registry_shelter s WHERE 'flood' = ANY(s.hazards)
)
SELECT kind, (
    SELECT part.component FROM dry_edges d JOIN part ON part.node = d.source
    ORDER BY d.geom <-> places.at LIMIT 1
) FROM places, flood WHERE NOT ST_Intersects(places.at, flood.geom)
"""


@pytest.mark.django_db
def test_everyone_outside_the_flood_area_can_reach_a_flood_shelter_staying_dry(demo_streets: str):
    with connection.cursor() as cursor:
        cursor.execute(DRY_EDGES)
        cursor.execute(DRY_PARTS)
        rows = cursor.fetchall()
    shelter_parts = {part for kind, part in rows if kind == "shelter"}
    person_parts = [part for kind, part in rows if kind == "person"]

    assert len(shelter_parts) >= 2, "dry flood shelters on both banks"
    assert len(person_parts) > 300
    assert all(part in shelter_parts for part in person_parts)


@pytest.mark.django_db
def test_every_home_and_shelter_lies_near_a_street(demo_streets: str):
    assert farthest_from_a_street("registry_person") < 100
    assert farthest_from_a_street("registry_shelter") < 100


@pytest.mark.django_db
def test_it_names_main_roads_and_lays_footpaths(demo_streets: str):
    main_roads = RoadEdge.objects.filter(highway__in=["secondary", "tertiary"])
    assert main_roads.exists()
    assert all(
        name.endswith(("通り", "号線", "橋")) for name in main_roads.values_list("name", flat=True)
    )
    assert RoadEdge.objects.filter(highway__in=["footway", "path"]).exists()


@pytest.mark.django_db
def test_if_empty_leaves_a_loaded_network_as_it_is(demo_streets: str):
    before = sorted(RoadEdge.objects.values_list("pk", flat=True))
    out = StringIO()

    call_command("make_demo_streets", "--if-empty", seed=2, people=PEOPLE, stdout=out)

    assert "already loaded" in out.getvalue()
    assert sorted(RoadEdge.objects.values_list("pk", flat=True)) == before


@pytest.mark.django_db
def test_if_empty_lays_the_streets_when_there_are_none():
    call_command("make_demo_streets", "--if-empty", seed=SEED, people=PEOPLE, stdout=StringIO())

    assert RoadEdge.objects.exists()


def test_it_lays_the_same_streets_for_the_same_seed_inside_the_town():
    ground = ground_for(SEED, PEOPLE)

    first = lay_streets(ground, seed=SEED)
    again = lay_streets(ground, seed=SEED)

    assert first == again
    assert lay_streets(ground_for(2, PEOPLE), seed=2) != first
    points = [point for way in first for point in way.points]
    assert all(0 <= x <= ground.side and 0 <= y <= ground.side for x, y in points)
    assert deepest_band_m(ground.side) == pytest.approx(30)


def test_a_city_gets_five_bridges_and_tens_of_thousands_of_stretches():
    ground = ground_for(SEED, 100_000)

    ways = lay_streets(ground, seed=SEED)

    assert sum(1 for way in ways if way.bridge) == 5
    assert sum(len(way.points) - 1 for way in ways) > 30_000
