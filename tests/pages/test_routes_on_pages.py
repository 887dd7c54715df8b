"""Walking routes on the pages: the neighbourhood map's routes layer, drawn only for people
whose home the map shows to the user, and the person page's distance along the streets with a
warning when the way crosses another hazard's area."""

import json
import math
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from planner.models import AssignmentState, PlanRun, ShelterAssignment
from planner.scenario import Scenario, walking_minutes
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import Person
from routes.importer import import_roads
from tests.clients import PASSWORD, as_user
from tests.factories import (
    at,
    make_hazard_area,
    make_neighbourhood,
    make_person,
    make_shelter,
    square,
)
from tests.streets import way

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
# The walk of the consenting person: 20 m to the street, 1,100 m east, 600 m north, 20 m in.
WALK_M = 20 + 1100 + 600 + 20


@pytest.fixture
def routed(tmp_path: Path) -> dict[str, Any]:
    """One street east to a shelter up a side street, through a landslide zone; two people
    walking that way in a flood plan, one of whom withdrew consent after the run (the run
    keeps their route; an association may no longer see their home)."""
    n1 = make_neighbourhood(code="N1", name="本町", geom=square(-1000, -1000, 1000, 1000))
    make_neighbourhood(code="N2", name="遠町", geom=square(1100, -1000, 3000, 1000))
    streets = tmp_path / "streets.geojson"
    ways = [way([(-800, 0), (600, 0)], name="本通り"), way([(600, 0), (600, 600)], name="坂道")]
    streets.write_text(json.dumps({"type": "FeatureCollection", "features": ways}))
    import_roads(streets)
    make_hazard_area(kind="landslide", level=1, geom=square(200, -100, 400, 100))
    shown = make_person(external_id="P-SHOWN", name="道野 同意", consent="consented",
                        neighbourhood=n1, location=at(-500, 20))  # fmt: skip
    hidden = make_person(external_id="P-HIDDEN", name="道野 拒否", consent="consented",
                         neighbourhood=n1, location=at(-300, -20))  # fmt: skip
    make_shelter(external_id="SH-HILL", name="坂上小学校", location=at(600, 620),
                 hazards=["flood"])  # fmt: skip
    run = plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    Person.objects.filter(pk=hidden.pk).update(consent="refused")
    for role in ("officer", "association", "commissioner", "auditor"):
        areas = ["N1"] if role in ("association", "commissioner") else []
        user_create_with_role(username=role, role=role, neighbourhoods=areas, password=PASSWORD)
    return {"shown": shown, "hidden": hidden, "run": run}


def map_of(client: Client, code: str = "N1", **query: str) -> Any:
    return client.get(reverse("neighbourhood_map", args=[code]), query)


def routes_in(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200
    return [
        f for f in json.loads(response.content)["features"] if f["properties"]["type"] == "route"
    ]


def metres_between(a: tuple[float, float], b: Any) -> float:
    """Metres between a (lon, lat) pair and a point, flat near the origin: enough to tell
    which home a route starts at."""
    dx = (a[0] - b.x) * 111_195 * math.cos(math.radians(b.y))
    dy = (a[1] - b.y) * 111_195
    return math.hypot(dx, dy)


def coordinates_in(value: Any) -> list[tuple[float, float]]:
    """Every coordinate pair anywhere in a GeoJSON value."""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, float) for v in value):
        return [(value[0], value[1])]
    if isinstance(value, list):
        return [pair for item in value for pair in coordinates_in(item)]
    if isinstance(value, dict):
        return [pair for item in value.values() for pair in coordinates_in(item)]
    return []


def test_it_plans_the_scene_these_tests_rely_on(routed):
    for key in ("shown", "hidden"):
        chosen = ShelterAssignment.objects.get(run=routed["run"], person=routed[key])
        assert chosen.route is not None and chosen.route_crosses == ["landslide"]
    shown = ShelterAssignment.objects.get(run=routed["run"], person=routed["shown"])
    assert shown.route_m == pytest.approx(WALK_M, abs=3)


def test_an_officer_sees_every_route_with_its_shelter_metres_and_minutes(routed):
    routes = routes_in(map_of(as_user("officer")))

    assert len(routes) == 2
    by_start = {}
    for route in routes:
        assert route["geometry"]["type"] == "LineString"
        start = tuple(route["geometry"]["coordinates"][0])
        person = min((routed["shown"], routed["hidden"]),
                     key=lambda p: metres_between(start, p.location))  # fmt: skip
        assert metres_between(start, person.location) < 1
        by_start[person.external_id] = route["properties"]
    chosen = ShelterAssignment.objects.get(run=routed["run"], person=routed["shown"])
    assert by_start["P-SHOWN"] == {
        "type": "route",
        "shelter": "坂上小学校",
        "metres": chosen.route_m,
        "minutes": walking_minutes(chosen.route_m or 0),
        "crosses": ["landslide"],
        "warning": "避難経路が崖崩れ、土石流及び地滑りの区域を通ります",
    }
    assert by_start["P-SHOWN"]["minutes"] == 52
    # Six decimals at most: a tenth of a metre, finer than any street.
    for route in routes:
        for lon, lat in route["geometry"]["coordinates"]:
            assert round(lon, 6) == lon and round(lat, 6) == lat


@pytest.mark.parametrize("role", ["association", "commissioner"])
def test_an_association_or_commissioner_gets_no_line_from_a_home_it_may_not_see(routed, role):
    response = map_of(as_user(role))
    routes = routes_in(response)

    assert len(routes) == 1
    start = tuple(routes[0]["geometry"]["coordinates"][0])
    assert metres_between(start, routed["shown"].location) < 1
    assert routes[0]["properties"]["shelter"] == "坂上小学校"
    # The refused person's home is nowhere in the map, in no form: no coordinate near it and
    # none of its digits.
    hidden = routed["hidden"].location
    collection = json.loads(response.content)
    assert all(metres_between(pair, hidden) > 30 for pair in coordinates_in(collection))
    body = response.content.decode()
    assert f"{hidden.x:.5f}" not in body and f"{hidden.y:.5f}" not in body
    assert "道野 拒否" not in body


def test_roles_without_pages_and_other_areas_get_no_routes(routed):
    assert as_user("auditor").get(reverse("neighbourhood_map", args=["N1"])).status_code == 302
    anonymous = map_of(Client())
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    assert map_of(as_user("association"), "N2").status_code == 404
    # The people of N1 are not drawn on N2's map, nor their routes.
    assert routes_in(map_of(as_user("officer"), "N2")) == []


def test_a_rejected_shelter_and_another_scenario_draw_no_route(routed):
    assert routes_in(map_of(as_user("officer"), hazard="landslide")) == []
    ShelterAssignment.objects.filter(run=routed["run"], person=routed["shown"]).update(
        state=AssignmentState.REJECTED
    )
    routes = routes_in(map_of(as_user("officer")))
    assert len(routes) == 1
    assert metres_between(tuple(routes[0]["geometry"]["coordinates"][0]),
                          routed["hidden"].location) < 1  # fmt: skip


def test_the_neighbourhood_page_offers_the_routes_layer_only_when_there_are_routes(routed):
    page = as_user("association").get(reverse("neighbourhood", args=["N1"])).content.decode()
    assert 'data-label-routes="避難経路"' in page
    assert "道のり {metres} m（徒歩約{minutes}分）" in page
    assert '<i class="line"' in page
    english = as_user("association").get(reverse("neighbourhood", args=["N1"]), headers=EN)
    assert 'data-label-routes="Evacuation routes"' in english.content.decode()
    PlanRun.objects.all().delete()
    assert '<i class="line"' not in (
        as_user("association").get(reverse("neighbourhood", args=["N1"])).content.decode()
    )


@pytest.mark.parametrize("role", ["officer", "association", "commissioner"])
def test_the_person_page_gives_the_walk_and_warns_of_the_landslide_zone(routed, role):
    person: Person = routed["shown"]
    chosen = ShelterAssignment.objects.get(run=routed["run"], person=person)
    metres = chosen.route_m or 0

    html = as_user(role).get(reverse("person", args=[person.pk])).content.decode()

    assert f"坂上小学校: 道のり {metres:,} m（徒歩約{walking_minutes(metres)}分）" in html
    assert "避難経路が崖崩れ、土石流及び地滑りの区域を通ります" in html
    english = as_user(role).get(reverse("person", args=[person.pk]), headers=EN).content.decode()
    assert (
        f"{metres:,} m along the streets (about {walking_minutes(metres)} min on foot)" in english
    )
    assert (
        "The way to the shelter crosses an area of another hazard: "
        "Landslide, debris flow and slope failure"
    ) in english


def test_the_person_page_says_nothing_of_a_walk_where_the_distance_is_geodesic(routed):
    ShelterAssignment.objects.update(route=None, route_m=None, route_crosses=[])
    html = as_user("officer").get(reverse("person", args=[routed["shown"].pk])).content.decode()
    assert "坂上小学校" in html
    assert "道のり" not in html and "避難経路が" not in html
