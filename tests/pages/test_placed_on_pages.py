"""How a home was placed, on the person page and the neighbourhood map: a home at its town's
(町丁目) point is said to be approximate, and an officer is sent to place it by hand."""

import json

import pytest
from django.urls import reverse

from registry.management.commands.create_user import user_create_with_role
from registry.models.choices import Placed
from tests.clients import PASSWORD, as_user
from tests.factories import at, make_neighbourhood, make_person, make_supporter, square

pytestmark = pytest.mark.django_db

APPROXIMATE = "地図上の自宅の位置はおおよそです。"


@pytest.fixture
def town():
    area = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    people = {
        placed: make_person(
            external_id=f"P-{placed}",
            name=f"位置 {placed}",
            neighbourhood=area,
            location=at(10 * index, 0),
            placed=placed,
        )
        for index, placed in enumerate(Placed.values)
    }
    supporters = {
        placed: make_supporter(
            external_id=f"S-{placed}",
            name=f"支援 {placed}",
            neighbourhood=area,
            location=at(0, 10 * index),
            placed=placed,
        )
        for index, placed in enumerate((Placed.GIVEN, Placed.TOWN))
    }
    for role in ("officer", "association"):
        areas = [] if role == "officer" else ["N1"]
        user_create_with_role(username=role, role=role, neighbourhoods=areas, password=PASSWORD)
    return {"people": people, "supporters": supporters}


def test_the_person_page_says_how_the_home_was_placed(town):
    url = reverse("person", args=[town["people"][Placed.BLOCK].pk])

    html = as_user("association").get(url).content.decode()

    assert "自宅の位置の由来: 住所から（街区の代表点）" in html
    assert APPROXIMATE not in html


def test_a_town_point_is_approximate_and_officers_are_sent_to_place_it_by_hand(town):
    person = town["people"][Placed.TOWN]
    url = reverse("person", args=[person.pk])
    admin = reverse("admin:registry_person_change", args=[person.pk])

    officer = as_user("officer").get(url).content.decode()
    association = as_user("association").get(url).content.decode()

    assert "住所から（町丁目の代表点・おおよそ）" in officer
    assert APPROXIMATE in officer and APPROXIMATE in association
    assert f'href="{admin}"' in officer and "管理画面の地図で自宅の位置を合わせる" in officer
    assert admin not in association


def test_the_map_marks_homes_at_their_towns_point_as_approximate(town):
    response = as_user("association").get(reverse("neighbourhood_map", args=["N1"]))
    features = json.loads(response.content)["features"]

    approximate = {
        f["properties"]["name"]: f["properties"].get("approximate")
        for f in features
        if f["properties"]["type"] in ("person", "supporter")
    }
    assert approximate == {
        "位置 given": None,
        "位置 block": None,
        "位置 town": True,
        "位置 hand": None,
        "支援 given": None,
        "支援 town": True,
    }


def test_the_neighbourhood_page_carries_the_maps_words_for_an_approximate_home(town):
    html = as_user("association").get(reverse("neighbourhood", args=["N1"])).content.decode()

    assert 'data-label-approximate="おおよその位置"' in html
    assert "おおよその位置（町丁目の代表点）" in html
