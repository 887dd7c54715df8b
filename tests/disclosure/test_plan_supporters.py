"""A supporter from another neighbourhood in the plan of an association's person: named to the
association on the pages that ask them (person page, asking lists), their contacts held back
until they agree, and nothing at all of a supporter in no plan of the association's people —
in every page and paper an association or a commissioner opens for that neighbourhood."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from planner.agreements import pair_step
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import Supporter
from tests.disclosure.extract import text_of
from tests.disclosure.forbidden import squeeze
from tests.disclosure.town import PASSWORD, client_for
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
def border():
    n1 = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    n2 = make_neighbourhood(code="N2", name="遠町", geom=square(600, -500, 1600, 500))
    kiyo = make_person(external_id="P-KIYO", name="東端 清子", neighbourhood=n1,
                       location=at(450, 0))  # fmt: skip
    make_person(external_id="P-JIRO", name="遠野 次郎", neighbourhood=n2, location=at(1500, 0))
    make_supporter(external_id="S-ACROSS", name="越境 太田", kana="エッキョウ オオタ",
                   phone="080-7070-0001", address="支えあい市遠町三丁目オメガ",
                   notes="越境メモオメガ", neighbourhood=n2, location=at(650, 0),
                   available=["weekday_night"])  # fmt: skip
    make_supporter(external_id="S-FAR", name="遠方 川辺", kana="エンポウ カワベ",
                   phone="080-7070-0002", address="支えあい市遠町三丁目シグマ",
                   notes="遠方メモシグマ", neighbourhood=n2, location=at(1510, 0),
                   available=["weekday_night"])  # fmt: skip
    make_shelter(external_id="1499900000009", name="本町小学校", location=at(300, 300),
                 hazards=["flood"])  # fmt: skip
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    users = {}
    for role in ("association", "commissioner"):
        user_create_with_role(username=role, role=role, neighbourhoods=["N1"], password=PASSWORD)
        users[role] = get_user_model().objects.get(username=role)
    return kiyo, users


def _texts(user, kiyo) -> dict[str, str]:
    client = client_for(user)
    urls = [
        reverse("person", args=[kiyo.pk]),
        reverse("person_plan_pdf", args=[kiyo.pk]),
        reverse("person_plan_pdf", args=[kiyo.pk]) + "?draft=1",
        reverse("person_card_pdf", args=[kiyo.pk]),
        reverse("neighbourhood", args=["N1"]),
        reverse("neighbourhood_asking", args=["N1"]),
        reverse("neighbourhood_map", args=["N1"]),
        reverse("neighbourhood_bundle", args=["N1"]),
        reverse("neighbourhood_cards", args=["N1"]),
        reverse("supporters", args=["N1"]),
    ]
    return {url: squeeze(text_of(client.get(url))) for url in urls}


def _contacts(supporter: Supporter) -> list[str]:
    return [squeeze(v) for v in (supporter.phone, supporter.address, supporter.notes)]


def test_an_out_of_area_supporter_in_the_plan_is_named_with_contacts_only_once_agreed(border):
    kiyo, users = border
    across = Supporter.objects.get(external_id="S-ACROSS")
    far = Supporter.objects.get(external_id="S-FAR")

    for role, user in users.items():
        texts = _texts(user, kiyo)
        person_page = texts[reverse("person", args=[kiyo.pk])]
        assert squeeze(across.name) in person_page, role
        for url, text in texts.items():
            for value in [*_contacts(across), squeeze(far.name), *_contacts(far)]:
                assert value not in text, (role, url, value)

    pair_step(person=kiyo, supporter=across, step="agree", user=None)
    agreed = _texts(users["association"], kiyo)
    assert squeeze(across.phone) in agreed[reverse("person", args=[kiyo.pk])]
    for url, text in agreed.items():
        # The notes and the home address of a supporter stay with the city.
        assert squeeze(across.notes) not in text, url
        for value in [squeeze(far.name), *_contacts(far)]:
            assert value not in text, (url, value)
