"""Plan runs on small hand-made street networks: each rule of planning.md's "Walking routes"
(the river crossed on its one bridge, walking out of a flood area never deeper, no steps for a
wheelchair, the geodesic fallback and its reasons) and the exactness of the choice."""

import io
import json
import random
import tempfile
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from planner.models import PersonPlan, PlanRun, ShelterAssignment
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from tests.factories import (
    at,
    make_hazard_area,
    make_neighbourhood,
    make_person,
    make_shelter,
    square,
)
from tests.streets import lay_streets, way

pytestmark = pytest.mark.django_db


def plan(**scenario: Any) -> PlanRun:
    values = {"hazard": "flood", "slot": "weekday_night", **scenario}
    return plan_run_create(scenario=Scenario(**values), performed_by="test")


def assignment(run: PlanRun, person: Any) -> ShelterAssignment:
    return ShelterAssignment.objects.get(run=run, person=person)


SUPPORTER_REASONS = {"no_supporter_in_reach", "no_supporter_in_slot", "no_capable_supporter",
                     "supporters_at_capacity"}  # fmt: skip


def reasons(run: PlanRun, person: Any) -> list[str]:
    """The person's reasons about shelters (these tests plan no supporters)."""
    found = PersonPlan.objects.get(run=run, person=person).reasons
    return [reason for reason in found if reason not in SUPPORTER_REASONS]


def passes(line: Any, x: float, y: float, within_m: float = 2.0) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_DWithin(%s::geography, %s::geography, %s)",
            [line.ewkt, at(x, y).ewkt, within_m],
        )
        return bool(cursor.fetchone()[0])


def river_town(tmp_path: Path) -> None:
    """A river along y = 0 with no street across it but one bridge at x = 1000."""
    lay_streets(
        way([(-2000, 300), (2000, 300)], name="北通り"),
        way([(-2000, -300), (2000, -300)], name="南通り"),
        way([(1000, 300), (1000, -300)], name="大橋", bridge="yes"),
        way([(0, 300), (0, 100)]),  # a dead end down to the north bank
        way([(0, -300), (0, -100)]),
    )


def test_the_river_is_crossed_on_its_bridge_and_the_nearer_shelter_by_road_wins(tmp_path):
    home = make_person(location=at(0, 320))
    across = make_shelter(external_id="SOUTH", location=at(0, -320), hazards=["flood"])
    along = make_shelter(external_id="WEST", location=at(-1500, 320), hazards=["flood"])
    geodesic = plan()
    assert assignment(geodesic, home).shelter == across  # 640 m as the crow flies
    river_town(tmp_path)
    routed = plan()
    chosen = assignment(routed, home)
    assert chosen.shelter == along
    assert chosen.route_m == pytest.approx(1500 + 20 + 20, abs=3)
    assert chosen.distance_m == chosen.route_m
    assert passes(chosen.route, -1500, 300)
    assert reasons(routed, home) == []
    # With the western shelter closed, the way south crosses on the bridge.
    closed = plan(closed_shelters=frozenset({"WEST"}))
    crossing = assignment(closed, home)
    assert crossing.shelter == across
    assert crossing.route_m == pytest.approx(20 + 1000 + 600 + 1000 + 20, abs=3)
    assert passes(crossing.route, 1000, 0)
    assert not passes(crossing.route, 0, 0, within_m=50)
    del along


def test_a_home_in_the_flood_area_walks_out_never_deeper_and_never_into_another_area(tmp_path):
    make_hazard_area(kind="flood", level=2, geom=square(-200, -200, 200, 200))
    make_hazard_area(kind="flood", level=3, geom=square(200, -200, 400, 200))  # same area
    make_hazard_area(kind="flood", level=1, geom=square(-700, -200, -500, 200))  # another one
    lay_streets(
        way([(-1500, 0), (900, 0)], name="川沿い"),
        way([(-300, 0), (-300, 600), (-1500, 600), (-1500, 0)], name="迂回路"),
    )
    home = make_person(location=at(0, 10))
    east = make_shelter(external_id="EAST", location=at(800, 10), hazards=["flood"])
    west = make_shelter(external_id="WEST", location=at(-1200, 10), hazards=["flood"])
    run = plan()
    chosen = assignment(run, home)
    # East is 800 m but through the deeper band; straight west crosses another flood area.
    assert chosen.shelter == west
    assert chosen.route_m == pytest.approx(10 + 300 + 600 + 1200 + 600 + 300 + 10, abs=4)
    assert passes(chosen.route, -900, 600)
    assert not passes(chosen.route, -600, 0, within_m=50)
    assert reasons(run, home) == []
    # Someone who lives in the deeper band may walk through the shallower one.
    deep = make_person(location=at(300, 10))
    run = plan()
    assert assignment(run, deep).shelter == east
    assert assignment(run, deep).route_m == pytest.approx(10 + 500 + 10, abs=3)
    del east


def test_a_dry_home_never_enters_the_hazard_and_is_told_when_no_way_avoids_it(tmp_path):
    make_hazard_area(kind="flood", level=1, geom=square(-100, -100, 100, 100))
    lay_streets(way([(-600, 0), (600, 0)]))
    home = make_person(location=at(-500, 10))
    make_shelter(external_id="EAST", location=at(500, 10), hazards=["flood"])
    run = plan()
    assert not ShelterAssignment.objects.filter(run=run, person=home).exists()
    assert reasons(run, home) == ["no_route_avoiding_hazard"]


def test_a_wheelchair_user_takes_no_steps(tmp_path):
    lay_streets(
        way([(0, 0), (0, 300)], highway="steps"),
        way([(0, 0), (500, 0), (500, 300), (0, 300)]),
        way([(0, 0), (-700, 0)]),
    )
    up = make_shelter(external_id="UP", location=at(0, 310), hazards=["flood"], barrier_free=True)
    flat = make_shelter(external_id="FLAT", location=at(-700, 10), hazards=["flood"],
                        barrier_free=True)  # fmt: skip
    walker = make_person(location=at(5, 0), mobility="needs_hand")
    wheelchair = make_person(location=at(-5, 0), mobility="wheelchair")
    run = plan()
    assert assignment(run, walker).shelter == up
    assert assignment(run, walker).route_m == pytest.approx(5 + 300 + 10, abs=3)
    assert assignment(run, wheelchair).shelter == flat
    assert assignment(run, wheelchair).route_m == pytest.approx(5 + 695 + 10, abs=3)
    assert not passes(assignment(run, wheelchair).route, 0, 150)
    del flat


def test_far_from_any_street_the_distance_is_geodesic_and_the_reason_says_so(tmp_path):
    lay_streets(way([(-500, 0), (500, 0)]))
    remote = make_person(location=at(0, 900))
    near = make_person(location=at(0, 20))
    make_shelter(external_id="A", location=at(400, 20), hazards=["flood"])
    make_shelter(external_id="LONELY", location=at(0, 1500), hazards=["flood"])
    out = io.StringIO()
    call_command("plan", "--hazard", "flood", "--slot", "weekday_night", "--json", stdout=out)
    people = {entry["person"]: entry for entry in json.loads(out.getvalue())["people"]}
    far = people[remote.external_id]
    assert far["shelter"] == "LONELY"
    assert far["shelter_route_m"] is None
    assert far["shelter_distance_m"] == pytest.approx(600, abs=2)
    assert "no_road_network" in far["reasons"]
    assert far["shelter_route_m"] is None
    close = people[near.external_id]
    assert close["shelter"] == "A"
    assert close["shelter_route_m"] == close["shelter_distance_m"]
    assert close["shelter_route_m"] == pytest.approx(20 + 400 + 20, abs=3)
    assert "no_road_network" not in close["reasons"]


def test_without_a_network_nothing_changes_and_no_reason_is_added():
    home = make_person(location=at(0, 0))
    make_shelter(location=at(0, 800), hazards=["flood"])
    run = plan()
    chosen = assignment(run, home)
    assert chosen.route is None and chosen.route_m is None
    assert chosen.distance_m == pytest.approx(800, abs=2)
    assert reasons(run, home) == []


def network_metres(home: Any, shelter: Any) -> float:
    """pgRouting's own answer, independent of the planner's: the shortest walk between the
    feet of the two points on their nearest edges, plus the straight bits."""
    with connection.cursor() as cursor:
        ends = []
        for point in (home.location, shelter.location):
            cursor.execute(
                "SELECT id, ST_LineLocatePoint(geom, %(p)s), "
                "ST_Distance(%(p)s::geography, ST_ClosestPoint(geom, %(p)s)::geography) "
                "FROM routes_roadedge ORDER BY ST_Distance(%(p)s::geography, geom::geography) "
                "LIMIT 1",
                {"p": point.ewkt},
            )
            ends.append(cursor.fetchone())
        (first, at_first, gap_first), (second, at_second, gap_second) = ends
        points = (f"SELECT 1 AS pid, {first} AS edge_id, {at_first} AS fraction UNION ALL "
                  f"SELECT 2, {second}, {at_second}")  # fmt: skip
        cursor.execute(
            "SELECT agg_cost FROM pgr_withPointsCost('SELECT id, source, target, "
            "length_m AS cost, length_m AS reverse_cost FROM routes_roadedge', %s, -1, -2, "
            "directed => false)",
            [points],
        )
        found = cursor.fetchone()
        walked = float(gap_first + gap_second + (found[0] if found else 0.0))
        # Nearer each other than to the streets, they are walked between straight.
        cursor.execute("SELECT ST_Distance(%s::geography, %s::geography)",
                       [home.location.ewkt, shelter.location.ewkt])  # fmt: skip
        direct = float(cursor.fetchone()[0])
        return min(walked, direct) if direct < gap_first + gap_second else walked


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_the_choice_on_a_random_street_grid_is_the_brute_force_optimum(tmp_path, seed):
    rng = random.Random(seed)
    features = []
    for i in range(6):  # a 6 × 6 grid 200 m apart, some streets ending early
        features.append(way([(i * 200, 0), (i * 200, rng.choice([600, 1000]))]))
        features.append(way([(rng.choice([0, 400]), i * 200), (1000, i * 200)]))
    lay_streets(*features)
    homes = [make_person(location=at(rng.uniform(0, 1000), rng.uniform(0, 1000)))
             for _ in range(4)]  # fmt: skip
    shelters = [make_shelter(location=at(rng.uniform(0, 1000), rng.uniform(0, 1000)),
                             hazards=["flood"], capacity=1) for _ in range(3)]  # fmt: skip
    metres = {(h.pk, s.pk): round(network_metres(h, s)) for h in homes for s in shelters}
    run = plan()
    chosen = {a.person_id: a for a in ShelterAssignment.objects.filter(run=run)}
    for a in chosen.values():
        assert a.route_m == pytest.approx(metres[a.person_id, a.shelter_id], abs=2)
    best = min(
        sum(metres[h.pk, s.pk] for h, s in zip(homes, pick, strict=True) if s is not None)
        for pick in product([*shelters, None], repeat=len(homes))
        if sum(s is not None for s in pick) == 3 and len({s.pk for s in pick if s is not None}) == 3
    )
    assert len(chosen) == 3
    assert sum(a.route_m or 0 for a in chosen.values()) == pytest.approx(best, abs=3)


def export(*args: str) -> dict[str, Any]:
    """`export routes` with the arguments, written to a file and read back."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "routes.geojson"
        call_command("export", "routes", *args, "--out", str(path), stderr=io.StringIO())
        data: dict[str, Any] = json.loads(path.read_text())
        return data


def test_export_routes_writes_one_line_per_person_with_the_contracts_properties(tmp_path):
    area = make_neighbourhood(code="N1", geom=square(-3000, 0, 3000, 3000))
    river_town(tmp_path)
    make_hazard_area(kind="flood", level=1, geom=square(-3000, -100, 3000, 100))
    north = make_person(location=at(0, 320), neighbourhood=area)
    far = make_person(location=at(600, 1000))  # 700 m from the nearest street
    make_shelter(external_id="WEST", location=at(-1500, 320), hazards=["flood"])
    make_shelter(external_id="SOUTH", location=at(600, -320), hazards=["flood"])
    plan()
    exported = export("--hazard", "flood", "--slot", "weekday_night")["features"]
    features = {f["properties"]["person"]: f for f in exported}
    routed = features[north.external_id]
    assert routed["geometry"]["type"] == "LineString"
    assert routed["properties"]["shelter"] == "WEST"
    assert routed["properties"]["metres"] == assignment(PlanRun.objects.get(), north).route_m
    assert routed["properties"]["minutes"] == round(routed["properties"]["metres"] / (2000 / 60))
    assert routed["properties"]["avoids_hazard"] is True
    straight = features[far.external_id]  # as the crow flies, through the flood area
    assert straight["properties"]["shelter"] == "SOUTH"
    assert len(straight["geometry"]["coordinates"]) == 2
    assert straight["properties"]["avoids_hazard"] is False
    only = export("--hazard", "flood", "--slot", "weekday_night", "--neighbourhood", "N1")
    assert [f["properties"]["person"] for f in only["features"]] == [north.external_id]


def test_export_routes_gives_a_user_only_the_homes_that_user_may_see(tmp_path):
    mine = make_neighbourhood(code="N1", geom=square(-3000, 0, 3000, 3000))
    theirs = make_neighbourhood(code="N2", geom=square(-3000, -3000, 3000, 0))
    river_town(tmp_path)
    seen = make_person(location=at(0, 320), neighbourhood=mine)
    make_person(location=at(0, -320), neighbourhood=theirs)
    make_shelter(location=at(-1500, 320), hazards=["flood"])
    make_shelter(location=at(-1500, -320), hazards=["flood"])
    plan()
    user_create_with_role(username="chair", role="association", neighbourhoods=["N1"],
                          password="a-long-password-for-tests")  # fmt: skip
    found = export("--hazard", "flood", "--slot", "weekday_night", "--user", "chair")
    assert [f["properties"]["person"] for f in found["features"]] == [seen.external_id]


def test_export_routes_refuses_what_it_cannot_answer():
    with pytest.raises(CommandError, match="--slot"):
        export("--hazard", "flood")
    with pytest.raises(CommandError, match="no finished plan run"):
        export("--hazard", "flood", "--slot", "weekday_night")
    with pytest.raises(CommandError, match="geojson"):
        export("--hazard", "flood", "--slot", "weekday_night", "--format", "csv")


def test_a_city_may_plan_as_the_crow_flies_even_with_streets_loaded(tmp_path, settings):
    home = make_person(location=at(0, 320))
    across = make_shelter(location=at(0, -320), hazards=["flood"])
    make_shelter(location=at(-1500, 320), hazards=["flood"])
    river_town(tmp_path)
    settings.PLANNING = {**settings.PLANNING, "WALK_STREETS": False}
    run = plan()
    chosen = assignment(run, home)
    assert chosen.shelter == across
    assert chosen.route is None and chosen.route_m is None
    assert "no_road_network" not in reasons(run, home)


def test_a_street_along_the_edge_of_a_hazard_area_counts_as_inside_it(tmp_path):
    # The flood area's northern edge runs along the street from x = -200 to 200.
    make_hazard_area(kind="flood", level=1, geom=square(-200, -300, 200, 0))
    lay_streets(
        way([(-600, 0), (600, 0)]),
        way([(-600, 0), (-600, 400), (600, 400), (600, 0)]),
    )
    home = make_person(location=at(-590, 10))
    make_shelter(location=at(590, 10), hazards=["flood"])
    run = plan()
    chosen = assignment(run, home)
    assert chosen.route_m == pytest.approx(10 + 10 + 400 + 1200 + 400 + 10 + 10, abs=4)
    assert not passes(chosen.route, 0, 0, within_m=50)


def test_the_straight_bit_to_the_street_does_not_cut_through_the_hazard(tmp_path):
    # The nearest street lies across a narrow flood strip; the dry one is farther.
    make_hazard_area(kind="flood", level=3, geom=square(-1000, 20, 1000, 60))
    lay_streets(way([(-1000, 80), (1000, 80)]), way([(-1000, -100), (1000, -100)]))
    home = make_person(location=at(0, 0))
    make_shelter(location=at(500, -120), hazards=["flood"])
    make_shelter(location=at(-300, 100), hazards=["flood"])
    run = plan()
    chosen = assignment(run, home)
    assert chosen.route_m == pytest.approx(100 + 500 + 20, abs=3)
    assert not passes(chosen.route, 0, 40, within_m=25)


def test_a_shelter_next_door_is_walked_to_straight_not_round_the_block(tmp_path):
    # Both stand 40 m back from a street, 10 m apart: out to the street and back would be 90 m.
    lay_streets(way([(-500, 0), (500, 0)]))
    home = make_person(location=at(0, 40))
    make_shelter(location=at(10, 40), hazards=["flood"])
    run = plan()
    chosen = assignment(run, home)
    assert chosen.route_m == pytest.approx(10, abs=1)
    assert chosen.distance_m == chosen.route_m
    assert chosen.route is not None and len(chosen.route.coords) == 2
    assert reasons(run, home) == []


def test_but_not_straight_through_the_hazard(tmp_path):
    make_hazard_area(kind="flood", level=1, geom=square(-20, 20, -10, 60))
    lay_streets(way([(-500, 0), (500, 0)]))
    home = make_person(location=at(0, 40))
    make_shelter(location=at(-30, 40), hazards=["flood"])
    chosen = assignment(plan(), home)
    assert chosen.route_m == pytest.approx(40 + 30 + 40, abs=2)
