"""The dashboard and the neighbourhood page, for each role."""

import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditEntry
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


@pytest.fixture
def town():
    near = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    far = make_neighbourhood(code="N2", name="遠町", geom=square(1000, -500, 2000, 500))
    make_person(external_id="P1", name="近藤 花子", neighbourhood=near, location=at(0, 0))
    make_person(
        external_id="P2",
        name="秘密 太郎",
        neighbourhood=near,
        consent="refused",
        location=at(20, 0),
    )
    make_person(external_id="P3", name="遠山 一郎", neighbourhood=far, location=at(1500, 0))
    make_supporter(external_id="S1", name="佐藤 支援", neighbourhood=near, location=at(10, 0),
                   available=["weekday_night"])  # fmt: skip
    make_shelter(external_id="SH", name="本町小学校", location=at(0, 300), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    for role, areas in (("officer", []), ("association", ["N1"]), ("auditor", [])):
        user_create_with_role(username=role, role=role, neighbourhoods=areas, password=PASSWORD)
    return {"near": near, "far": far}


def test_it_shows_an_association_only_its_neighbourhood(town):
    html = as_user("association").get(reverse("dashboard")).content.decode()

    assert "N1 本町" in html and "遠町" not in html
    officer = as_user("officer").get(reverse("dashboard")).content.decode()
    assert "N1 本町" in officer and "N2 遠町" in officer


def test_it_shows_the_roster_gaps_and_map_of_a_neighbourhood(town):
    client = as_user("association")

    page = client.get(reverse("neighbourhood", args=["N1"]))
    data = client.get(reverse("neighbourhood_map", args=["N1"]), {"hazard": "flood"})

    html = page.content.decode()
    assert page.status_code == 200 and "近藤 花子" in html and "佐藤 支援" in html
    assert "対応済み" in html or "一部対応" in html or "未対応" in html  # statuses in words
    assert "秘密 太郎" not in html and "遠山 一郎" not in html
    features = json.loads(data.content)["features"]
    kinds = sorted({f["properties"]["type"] for f in features})
    assert kinds == ["area", "person", "shelter", "supporter"]
    names = {f["properties"].get("name") for f in features}
    assert "近藤 花子" in names and "秘密 太郎" not in names and "遠山 一郎" not in names
    assert AuditEntry.objects.filter(action="list", detail__page="map").exists()


def test_it_refuses_other_neighbourhoods_and_other_roles(town):
    assert as_user("association").get(reverse("neighbourhood", args=["N2"])).status_code == 404
    assert as_user("association").get(reverse("neighbourhood_map", args=["N2"])).status_code == 404
    # An auditor may use no page: they are sent to the audit log, not shown a bare 403.
    auditor = as_user("auditor").get(reverse("dashboard"))
    assert auditor.status_code == 302
    assert auditor["Location"] == reverse("admin:registry_auditentry_changelist")
    anonymous = Client().get(reverse("neighbourhood", args=["N1"]))
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    assert (
        as_user("officer")
        .get(reverse("neighbourhood", args=["N1"]), {"hazard": "meteor"})
        .status_code
        == 404
    )


def test_it_logs_in_through_its_own_page(town):
    client = Client()

    response = client.post(reverse("login"), {"username": "association", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_it_downloads_the_bundle_each_role_may_have(town):
    from pypdf import PdfReader

    association = as_user("association").get(reverse("neighbourhood_bundle", args=["N1"]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(association.content)).pages)

    assert association["Content-Type"] == "application/pdf"
    assert "近藤" in text and "秘密" not in text and "遠山" not in text
    assert (
        as_user("association")
        .get(reverse("neighbourhood_bundle", args=["N1"]), {"copy_for": "officer"})
        .status_code
        == 403
    )
    officer = as_user("officer").get(
        reverse("neighbourhood_bundle", args=["N1"]), {"copy_for": "officer"}
    )
    assert "秘密" in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(officer.content)).pages
    )


def test_it_downloads_the_family_cards_and_links_markers_to_people(town):
    from pypdf import PdfReader

    client = as_user("association")
    cards = client.get(reverse("neighbourhood_cards", args=["N1"]))
    reader = PdfReader(io.BytesIO(cards.content))

    assert cards["Content-Type"] == "application/pdf" and len(reader.pages) == 1  # P1 only
    assert "近藤" in reader.pages[0].extract_text()
    features = json.loads(client.get(reverse("neighbourhood_map", args=["N1"])).content)["features"]
    person = next(f for f in features if f["properties"]["type"] == "person")
    assert person["properties"]["url"].startswith("/people/")


def test_it_says_when_a_login_fails(town):
    response = Client().post(
        reverse("login"),
        {"username": "association", "password": "wrong"},
        headers={"accept-language": "en"},
    )

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_the_roster_lists_homes_as_one_walks_the_streets(town):
    for number, address in enumerate(("本町19番18号", "本町11番13号", "本町1番5号", "本町11番1号")):
        make_person(external_id=f"W{number}", name=f"歩道 {number}", address=address,
                    neighbourhood=town["near"], location=at(30 + number, 0))  # fmt: skip

    html = as_user("officer").get(reverse("neighbourhood", args=["N1"])).content.decode()

    roster = html[html.index('id="roster"') :]
    places = [
        roster.index(a) for a in ("本町1番5号", "本町11番1号", "本町11番13号", "本町19番18号")
    ]
    assert places == sorted(places)
