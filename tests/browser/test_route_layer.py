"""The neighbourhood map's routes layer in a real browser: the route drawn along the streets,
its words on hover, and the layer switched off and on."""

import json
from pathlib import Path

import pytest

from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from routes.importer import import_roads
from tests.browser.test_flows import log_in
from tests.factories import at, make_neighbourhood, make_person, make_shelter, square

pytestmark = pytest.mark.django_db(transaction=True)

ROUTE = '#map path[stroke="#7b2d9e"]'


@pytest.fixture
def routed_town(tmp_path: Path) -> None:
    area = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    ways = [[(-400, 0), (300, 0)], [(300, 0), (300, 400)]]
    streets = tmp_path / "streets.geojson"
    streets.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"highway": "residential"},
         "geometry": {"type": "LineString", "coordinates": [[at(*p).x, at(*p).y] for p in w]}}
        for w in ways
    ]}))  # fmt: skip
    import_roads(streets)
    make_person(external_id="P1", name="山田 花子", neighbourhood=area, location=at(-300, 10))
    make_shelter(name="坂上小学校", location=at(300, 410), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    user_create_with_role(username="chair", role="association", neighbourhoods=["N1"],
                          password="a-long-password-for-tests")  # fmt: skip


def test_the_map_draws_the_route_with_its_walk_and_lets_it_be_switched_off(
    page, live_server, routed_town
):
    log_in(page, live_server, "chair")
    page.goto(f"{live_server.url}/areas/N1/")
    page.wait_for_selector(ROUTE)
    assert page.locator(ROUTE).count() == 1

    page.locator(ROUTE).dispatch_event("mouseover")
    tooltip = page.locator(".leaflet-tooltip").inner_text()
    assert tooltip.startswith("坂上小学校: 道のり ") and "徒歩約" in tooltip

    page.locator(".leaflet-control-layers").hover()
    switch = page.locator(".leaflet-control-layers-overlays label", has_text="避難経路")
    switch.locator("input").uncheck()
    assert page.locator(ROUTE).count() == 0
    switch.locator("input").check()
    assert page.locator(ROUTE).count() == 1
