"""Pages about a scenario name it and read the latest run of that scenario: the neighbourhood
page (roster, gaps, map), the person page and the dashboard, each with a control to choose."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from planner.models import AssignmentState, PlanReview, ShelterAssignment
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import EmergencyDisclosure, Neighbourhood, Supporter
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
    for role, areas in (("officer", []), ("officer2", []), ("association", ["N1"])):
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
    # The scenario's own table; the agreement section above lists the supporters of every slot.
    latest_table = latest.split('id="assignments"')[1].split("</table>")[0]
    flood_table = flood.decode().split('id="assignments"')[1].split("</table>")[0]
    assert "昼間 支援" in latest_table and "夜野 支援" not in latest_table
    assert "夜野 支援" in flood_table and "昼間 支援" not in flood_table
    assert "Flood / Weekday night" in flood.decode()
    agreements = latest.split('id="agreements"')[1].split("</section>")[0]
    assert "昼間 支援" in agreements and "夜野 支援" in agreements


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


FLOOD = {"hazard": "flood", "slot": "weekday_night"}
FLOOD_QUERY = "hazard=flood&slot=weekday_night"
FLOOD_HTML = "hazard=flood&amp;slot=weekday_night"


def test_a_decision_on_the_flood_plan_returns_to_the_flood_plan(town):
    """Deciding on /people/N/?hazard=flood… went back to /people/N/, which showed the landslide
    plan (planned last): the decision seemed to vanish. Shelters are decided per scenario."""
    hanako = town["hanako"]
    client = as_user("association")
    page = client.get(reverse("person", args=[hanako.pk]), FLOOD).content.decode()
    decide = reverse("person_decide", args=[hanako.pk])
    assignment = ShelterAssignment.objects.get(run=town["flood"], person=hanako)
    posted = {"kind": "shelter", "assignment": assignment.pk, "decision": "confirm"}

    response = client.post(f"{decide}?{FLOOD_QUERY}", posted)

    assert f'action="{decide}?{FLOOD_HTML}"' in page
    person_flood = f"{reverse('person', args=[hanako.pk])}?{FLOOD_QUERY}"
    assert response.status_code == 302 and response["Location"] == person_flood
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFIRMED
    back = client.get(response["Location"], headers=EN).content.decode()
    assert "Flood / Weekday night" in back.split('class="scenarios"')[1]
    assert "本町小学校" in back and "Confirmed" in back.split('id="assignments"')[1]


def test_a_step_on_the_flood_plan_returns_to_the_flood_plan(town):
    hanako = town["hanako"]
    client = as_user("association")
    step = reverse("person_agreement", args=[hanako.pk])
    page = client.get(reverse("person", args=[hanako.pk]), FLOOD).content.decode()
    supporter = Supporter.objects.get(external_id="S1")

    response = client.post(f"{step}?{FLOOD_QUERY}", {"supporter": supporter.pk, "step": "ask"})

    assert f'action="{step}?{FLOOD_HTML}"' in page
    person_flood = f"{reverse('person', args=[hanako.pk])}?{FLOOD_QUERY}#agreements"
    assert response.status_code == 302 and response["Location"] == person_flood


def test_a_decision_posted_without_the_scenario_returns_to_its_runs_plan(town):
    hanako = town["hanako"]
    assignment = ShelterAssignment.objects.get(run=town["flood"], person=hanako)
    posted = {"kind": "shelter", "assignment": assignment.pk, "decision": "reject"}

    response = as_user("association").post(reverse("person_decide", args=[hanako.pk]), posted)

    assert response["Location"] == f"{reverse('person', args=[hanako.pk])}?{FLOOD_QUERY}"


def test_a_review_returns_to_the_scenario_it_was_recorded_on_and_drops_unknown_keys(town):
    hanako = town["hanako"]
    client = as_user("association")
    review = reverse("person_review", args=[hanako.pk])
    page = client.get(reverse("person", args=[hanako.pk]), FLOOD).content.decode()

    kept = client.post(f"{review}?{FLOOD_QUERY}", {"reviewed_on": "2026-04-01"})
    unknown = client.post(
        f"{review}?hazard=meteor&slot=weekday_night", {"reviewed_on": "2026-04-02"}
    )

    assert f'action="{review}?{FLOOD_HTML}"' in page
    person = reverse("person", args=[hanako.pk])
    assert kept["Location"] == f"{person}?{FLOOD_QUERY}"
    assert unknown["Location"] == f"{person}?slot=weekday_night"  # the valid part only
    assert PlanReview.objects.count() == 2


def test_the_supporter_pages_keep_the_scenario_there_and_back(town):
    """The supporters link dropped the scenario, so the way back showed the landslide plan."""
    client = as_user("association")
    helper = Supporter.objects.get(external_id="S1")
    supporters = reverse("supporters", args=["N1"])
    edit = reverse("supporter_edit", args=["N1", helper.pk])
    retire = reverse("supporter_retire", args=["N1", helper.pk])

    area = client.get(reverse("neighbourhood", args=["N1"]), FLOOD).content.decode()
    listing = client.get(supporters, FLOOD).content.decode()
    edit_page = client.get(edit, FLOOD).content.decode()
    retire_page = client.get(retire, FLOOD).content.decode()
    retired = client.post(f"{retire}?{FLOOD_QUERY}")

    assert f'href="{supporters}?{FLOOD_HTML}"' in area
    assert f'href="{reverse("neighbourhood", args=["N1"])}?{FLOOD_HTML}"' in listing
    assert f'href="{edit}?{FLOOD_HTML}"' in listing and f'href="{retire}?{FLOOD_HTML}"' in listing
    assert f'href="{reverse("supporter_add", args=["N1"])}?{FLOOD_HTML}"' in listing
    assert f'href="{supporters}?{FLOOD_HTML}"' in edit_page
    assert f'href="{supporters}?{FLOOD_HTML}"' in retire_page
    assert retired["Location"] == f"{supporters}?{FLOOD_QUERY}"


def _declare(area, hazard):
    User = get_user_model()
    disclosure = EmergencyDisclosure.objects.create(
        hazard=hazard, reason="大雨特別警報", declared_by=User.objects.get(username="officer"),
        confirmed_by=User.objects.get(username="officer2"), confirmed_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=6),
    )  # fmt: skip
    disclosure.neighbourhoods.set([area])
    return disclosure


def test_an_open_emergency_opens_its_hazards_plan_for_everyone_who_sees_the_area(town):
    """Pages opened on the scenario planned last (landslide) during a flood emergency."""
    _declare(Neighbourhood.objects.get(code="N1"), "flood")
    hanako = town["hanako"].pk

    for user in ("association", "officer"):
        client = as_user(user)
        area = client.get(reverse("neighbourhood", args=["N1"]), headers=EN).content.decode()
        person = client.get(reverse("person", args=[hanako]), headers=EN).content.decode()
        supporters = client.get(reverse("supporters", args=["N1"])).content.decode()

        assert "Flood / Weekday night" in area.split('class="scenarios"')[1].split("・")[0]
        assert "夜野 支援" in area.split('id="roster"')[1].split("</table>")[0]
        assert "Flood / Weekday night" in person.split('class="scenarios"')[1].split("・")[0]
        assert FLOOD_HTML in supporters.split("<h1>")[1].split("</h1>")[0]
    # Asked for explicitly, another plan is still shown.
    landslide = as_user("association").get(
        reverse("neighbourhood", args=["N1"]), {"hazard": "landslide"}, headers=EN
    )
    assert "Landslide" in landslide.content.decode().split('class="scenarios"')[1].split("・")[0]


def test_an_emergency_of_a_hazard_never_planned_leaves_the_latest_plan(town):
    _declare(Neighbourhood.objects.get(code="N1"), "tsunami")

    area = as_user("association").get(reverse("neighbourhood", args=["N1"]), headers=EN)

    assert "Landslide" in area.content.decode().split('class="scenarios"')[1].split("・")[0]


def test_the_scenario_line_has_no_separator_after_the_last_choice(town):
    """With the current scenario last in the list, the line ended with a stray "・"."""
    client = as_user("association")
    url = reverse("neighbourhood", args=["N1"])

    for query in (FLOOD, {"hazard": "landslide", "slot": "weekday_day"}):
        line = client.get(url, query).content.decode().split('class="scenarios"')[1]
        line = line.split("</nav>")[0]
        assert line.count("<a ") == 1
        assert not line.rstrip().endswith("・") and "</a> ・" not in line
