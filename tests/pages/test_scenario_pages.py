"""Pages about a scenario name it and read the latest run of that scenario: the neighbourhood
page (roster, gaps, map), the person page and the dashboard, each with a control to choose."""

import json

import pytest
from django.urls import reverse

from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from tests.clients import PASSWORD, as_user
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


@pytest.fixture
def town():
    """A flood run at weekday night, then a landslide run in the daytime: each scenario has
    its own supporter, and one wheelchair user lives beyond every supporter's reach."""
    area = make_neighbourhood(code="N1", name="本町", geom=square(-1000, -1000, 1000, 1000))
    make_neighbourhood(code="N2", name="遠町", geom=square(2000, -500, 3000, 500))
    hanako = make_person(external_id="P1", name="近藤 花子", neighbourhood=area, location=at(0, 0))
    jiro = make_person(external_id="P2", name="遠野 次郎", neighbourhood=area,
                       mobility="wheelchair", location=at(900, 900))  # fmt: skip
    make_supporter(external_id="S1", name="夜野 支援", neighbourhood=area, location=at(10, 0),
                   available=["weekday_night"])  # fmt: skip
    make_supporter(external_id="S2", name="昼間 支援", neighbourhood=area, location=at(-10, 0),
                   available=["weekday_day"])  # fmt: skip
    make_shelter(external_id="SH", name="本町小学校", location=at(0, 300),
                 hazards=["flood", "landslide"])  # fmt: skip
    flood = plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    landslide = plan_run_create(scenario=Scenario("landslide", "weekday_day"), performed_by="test")
    for role, areas in (("officer", []), ("association", ["N1"])):
        user_create_with_role(username=role, role=role, neighbourhoods=areas, password=PASSWORD)
    return {"hanako": hanako, "jiro": jiro, "flood": flood, "landslide": landslide}


def test_it_lists_a_person_with_a_gap_and_the_reason_in_words(town):
    """The gaps list compared a display label with the keys "partial"/"uncovered", so it was
    always empty."""
    english = as_user("association").get(reverse("neighbourhood", args=["N1"]), headers=EN)
    japanese = as_user("association").get(reverse("neighbourhood", args=["N1"]))

    gaps = english.content.decode().split('id="gaps"')[1].split("</ul>")[0]
    assert "遠野 次郎" in gaps and "近藤 花子" not in gaps
    assert "No supporter within reach" in gaps and "no_supporter_in_reach" not in gaps
    assert "Uncovered" in gaps
    japanese_gaps = japanese.content.decode().split('id="gaps"')[1].split("</ul>")[0]
    assert "遠野 次郎" in japanese_gaps and "近くに支援者がいない" in japanese_gaps


def test_the_neighbourhood_page_shows_the_latest_scenario_by_default_and_another_on_request(town):
    client = as_user("association")
    url = reverse("neighbourhood", args=["N1"])

    latest = client.get(url, headers=EN).content.decode()
    flood = client.get(url, {"hazard": "flood", "slot": "weekday_night"}, headers=EN)

    roster = latest.split('id="roster"')[1].split("</table>")[0]
    assert "Landslide, debris flow and slope failure / Weekday daytime" in latest
    assert "昼間 支援" in roster and "夜野 支援" not in roster
    flood_html = flood.content.decode()
    flood_roster = flood_html.split('id="roster"')[1].split("</table>")[0]
    assert "Flood / Weekday night" in flood_html.split('class="scenarios"')[1]
    assert "夜野 支援" in flood_roster and "昼間 支援" not in flood_roster
    # The control offers the other plan, and the paper and map follow the page's scenario.
    assert "?hazard=flood&amp;slot=weekday_night" in latest
    assert "map.geojson?hazard=flood&amp;slot=weekday_night" in flood_html
    assert "bundle.pdf?hazard=flood&amp;slot=weekday_night" in flood_html


def test_the_map_follows_the_scenario_asked_for(town):
    client = as_user("association")
    url = reverse("neighbourhood_map", args=["N1"])

    def statuses(**query):
        features = json.loads(client.get(url, query).content)["features"]
        return {
            f["properties"]["name"]: (f["properties"]["status"], f["properties"]["url"])
            for f in features
            if f["properties"]["type"] == "person"
        }

    latest = statuses()
    flood = statuses(hazard="flood", slot="weekday_night")

    assert latest["近藤 花子"][0] == "covered" and "hazard=landslide" in latest["近藤 花子"][1]
    assert flood["近藤 花子"][0] == "covered" and "slot=weekday_night" in flood["近藤 花子"][1]
    assert flood["遠野 次郎"][0] == "uncovered"


def test_the_person_page_shows_the_plan_of_the_scenario_chosen(town):
    client = as_user("association")
    url = reverse("person", args=[town["hanako"].pk])

    latest = client.get(url, headers=EN).content.decode()
    flood = client.get(url, {"hazard": "flood", "slot": "weekday_night"}, headers=EN).content

    assert "Landslide, debris flow and slope failure / Weekday daytime" in latest
    assert "昼間 支援" in latest and "夜野 支援" not in latest
    assert "夜野 支援" in flood.decode() and "昼間 支援" not in flood.decode()
    assert "Flood / Weekday night" in flood.decode()


def test_the_dashboard_names_each_rows_scenario_and_filters_to_one(town):
    client = as_user("association")

    every = client.get(reverse("dashboard"), headers=EN).content.decode()
    flood = client.get(reverse("dashboard"), {"hazard": "flood", "slot": "weekday_night"},
                       headers=EN).content.decode()  # fmt: skip

    table = every.split('id="coverage"')[1]
    assert "Flood / Weekday night" in table
    assert "Landslide, debris flow and slope failure / Weekday daytime" in table
    assert "weekday_night</td>" not in table  # keys never shown as they are
    flood_table = flood.split('id="coverage"')[1]
    assert "Flood / Weekday night" in flood_table and "Landslide" not in flood_table
    link = reverse("neighbourhood", args=["N1"]) + "?hazard=flood&amp;slot=weekday_night"
    assert link in flood_table
    assert client.get(reverse("dashboard"), {"hazard": "meteor"}).status_code == 404


def test_the_dashboard_counts_and_a_row_link_lead_to_the_same_plan(town):
    client = as_user("association")

    landslide = client.get(reverse("dashboard"), {"hazard": "landslide"}).content.decode()

    link = reverse("neighbourhood", args=["N1"]) + "?hazard=landslide&amp;slot=weekday_day"
    assert link in landslide
