"""The admin for city officers: every model listed, points and areas on Leaflet maps."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from registry.models import HazardArea, Neighbourhood, Person, Shelter, Supporter
from tests.factories import (
    make_hazard_area,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

pytestmark = pytest.mark.django_db

MODELS = [Person, Supporter, Shelter, HazardArea, Neighbourhood]


@pytest.fixture
def officer_client() -> Client:
    officer = get_user_model().objects.create_superuser("officer", password="a-long-password-1")
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def town():
    area = make_neighbourhood(code="N001", name="本町")
    return {
        Person: make_person(name="山田 花子", neighbourhood=area),
        Supporter: make_supporter(name="佐藤 一郎", neighbourhood=area),
        Shelter: make_shelter(name="本町小学校"),
        HazardArea: make_hazard_area(name="洪水浸水想定区域"),
        Neighbourhood: area,
    }


def test_it_renders_the_map_widget_on_a_persons_change_page(officer_client, town):
    url = reverse("admin:registry_person_change", args=[town[Person].pk])

    response = officer_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_location-map"' in html
    # Under its hashed name once `collectstatic` has run (scripts/dev.sh serve).
    assert re.search(r"leaflet/leaflet(\.[0-9a-f]{12})?\.js", html)
    # The widget carries the home's coordinates so that the marker is placed on load.
    assert "&quot;coordinates&quot;: [ 139.32, 35.36 ]" in html
    assert "山田 花子" in html


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_lists_each_model_with_its_filters(officer_client, town, model):
    url = reverse(f"admin:registry_{model._meta.model_name}_changelist")

    response = officer_client.get(url)

    assert response.status_code == 200
    assert str(town[model]).split()[-1] in response.content.decode()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_shows_a_map_on_each_change_page(officer_client, town, model):
    url = reverse(f"admin:registry_{model._meta.model_name}_change", args=[town[model].pk])

    response = officer_client.get(url)

    assert response.status_code == 200
    assert "-map" in response.content.decode()


def test_it_filters_people_by_hazard_area(officer_client, town):
    make_hazard_area(kind="landslide", name="急傾斜地", geom=square(500, 500, 600, 600))
    url = reverse("admin:registry_person_changelist")

    in_flood = officer_client.get(url, {"in_hazard": "flood"}).content.decode()
    in_landslide = officer_client.get(url, {"in_hazard": "landslide"}).content.decode()

    assert "山田 花子" in in_flood
    assert "山田 花子" not in in_landslide


def test_it_filters_shelters_safe_for_a_hazard(officer_client, town):
    url = reverse("admin:registry_shelter_changelist")

    assert "本町小学校" not in officer_client.get(url, {"safe_for": "flood"}).content.decode()
    assert "本町小学校" in officer_client.get(url, {"safe_for": "earthquake"}).content.decode()


def test_it_speaks_japanese_by_default_and_english_on_request(officer_client, town):
    url = reverse("admin:registry_person_changelist")

    japanese = officer_client.get(url).content.decode()
    english = officer_client.get(url, headers={"accept-language": "en"}).content.decode()

    assert "避難行動要支援者" in japanese
    # Sasaeai's catalogue must not override Django's own words, such as the breadcrumb.
    assert "ホーム" in japanese
    assert "People needing support" in english or "people needing support" in english


def test_it_moves_a_shelter_when_its_marker_is_dragged(officer_client, town):
    moved = town[Shelter]
    url = reverse("admin:registry_shelter_change", args=[moved.pk])
    data = {
        "external_id": moved.external_id,
        "name": moved.name,
        "address": moved.address,
        "location": '{"type": "Point", "coordinates": [139.331, 35.362]}',
        "kind": "shelter",
        "capacity": "120",
        "hazards": ["earthquake", "tsunami"],
        "barrier_free": "on",
        "accepts": "",
        "notes": "",
    }

    response = officer_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    moved.refresh_from_db()
    assert (round(moved.location.x, 6), round(moved.location.y, 6)) == (139.331, 35.362)
    assert (moved.kind, moved.capacity, moved.barrier_free) == ("shelter", 120, True)
    assert moved.hazards == ["earthquake", "tsunami"]


def test_it_shows_a_clear_error_for_a_shelter_outside_japan(officer_client, town):
    shelter = town[Shelter]
    url = reverse("admin:registry_shelter_change", args=[shelter.pk])
    data = {
        "external_id": shelter.external_id,
        "name": shelter.name,
        "address": shelter.address,
        "location": '{"type": "Point", "coordinates": [100.5, 13.75]}',
        "kind": "shelter",
        "hazards": ["earthquake"],
    }

    response = officer_client.post(url, data, headers={"accept-language": "en"})

    assert response.status_code == 200
    assert "The shelter lies outside Japan." in response.content.decode()
    shelter.refresh_from_db()
    assert round(shelter.location.x, 2) == 139.32


def test_an_officer_edits_a_neighbourhoods_association_phone_and_commissioner(officer_client, town):
    area = town[Neighbourhood]
    url = reverse("admin:registry_neighbourhood_change", args=[area.pk])
    page = officer_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["geom"] = area.geom.json  # the map widget posts GeoJSON

    response = officer_client.post(url, {**data, "association_phone": "090-4000-0001",
                                         "commissioner": "石川 和子",
                                         "commissioner_phone": "080-4000-0002"})  # fmt: skip

    assert response.status_code == 302, response.context["adminform"].form.errors
    area.refresh_from_db()
    assert (area.association_phone, area.commissioner, area.commissioner_phone) == (
        "090-4000-0001",
        "石川 和子",
        "080-4000-0002",
    )
    refused = officer_client.post(
        url, {**data, "commissioner_phone": "自宅"}, headers={"accept-language": "en"}
    )
    assert refused.status_code == 200
    assert "A phone number holds digits" in str(refused.context["adminform"].form.errors)
    area.refresh_from_db()
    assert area.commissioner_phone == "080-4000-0002"
