"""A form posted after the session expired: login, then back to the page the form was on,
with the form filled in again or a message saying what to redo; never a 405."""

import pytest
from django.test import Client
from django.urls import reverse

from planner.models import AssignmentState, PlanReview, SupportAgreement, SupporterAssignment
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import Supporter
from tests.clients import PASSWORD
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
def hanako():
    area = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    person = make_person(external_id="P1", name="山田 花子", neighbourhood=area, location=at(0, 0))
    make_supporter(external_id="S1", name="佐藤 一郎", neighbourhood=area, location=at(10, 0),
                   available=["weekday_night"])  # fmt: skip
    make_shelter(external_id="SH", name="本町小学校", location=at(0, 300), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    user_create_with_role(
        username="association", role="association", neighbourhoods=["N1"], password=PASSWORD
    )
    return person


def _log_in(client, login_url):
    """Log in through the login page the expired POST was sent to, keeping its `next`."""
    page = client.get(login_url, headers=EN)
    assert page.status_code == 200
    response = client.post(login_url, {"username": "association", "password": PASSWORD})
    assert response.status_code == 302
    return page, response["Location"]


def test_a_decision_posted_after_the_session_expired_says_what_to_redo(hanako):
    assignment = SupporterAssignment.objects.get(person=hanako)
    browser = Client()  # its session has expired: it is anonymous now
    person_url = reverse("person", args=[hanako.pk])

    posted = browser.post(
        reverse("person_decide", args=[hanako.pk]),
        {"kind": "supporter", "assignment": assignment.pk, "decision": "confirm"},
    )
    login_page, landing = _log_in(browser, posted["Location"])
    back = browser.get(landing, headers=EN)

    assert posted.status_code == 302 and posted["Location"].startswith(reverse("login"))
    assert "next=/people/" in posted["Location"] and "/decide/" not in posted["Location"]
    assert "Your session expired" in login_page.content.decode()
    assert landing == person_url and back.status_code == 200
    assert "your decision was not recorded" in back.content.decode()
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.PROPOSED
    # Said once only.
    assert "was not recorded" not in browser.get(person_url, headers=EN).content.decode()


def test_a_review_posted_after_the_session_expired_comes_back_filled_in(hanako):
    browser = Client()

    posted = browser.post(
        reverse("person_review", args=[hanako.pk]),
        {"reviewed_on": "2026-04-01", "changes_requested": "2階の窓から避難したい"},
    )
    _page, landing = _log_in(browser, posted["Location"])
    back = browser.get(landing, headers=EN).content.decode()

    assert landing == reverse("person", args=[hanako.pk])
    assert "2階の窓から避難したい" in back.split('id="review"')[1]
    assert 'value="2026-04-01"' in back
    assert "the review was not recorded" in back
    assert not PlanReview.objects.exists()


def test_an_address_of_a_post_only_form_never_answers_405(hanako):
    from tests.clients import as_user

    client = as_user("association")

    decide = client.get(reverse("person_decide", args=[hanako.pk]))
    review = client.get(reverse("person_review", args=[hanako.pk]))

    assert decide.status_code == 302 and decide["Location"] == reverse("person", args=[hanako.pk])
    assert review.status_code == 302


def test_a_supporter_form_posted_after_the_session_expired_comes_back_filled_in(hanako):
    browser = Client()
    url = reverse("supporter_add", args=["N1"])
    data = {
        "external_id": "S-NEW", "name": "鈴木 次郎", "kana": "スズキ ジロウ", "address": "本町3番",
        "phone": "090-2222-3333",
        "location": '{"type": "Point", "coordinates": [139.3201, 35.3601]}',
        "role": "neighbour", "capacity": "2", "available": ["weekday_night"],
    }  # fmt: skip

    posted = browser.post(url, data)
    _page, landing = _log_in(browser, posted["Location"])
    back = browser.get(landing, headers=EN)

    assert landing == url and back.status_code == 200
    html = back.content.decode()
    assert "鈴木 次郎" in html and "090-2222-3333" in html
    assert "the supporter was not saved" in html
    assert not Supporter.objects.filter(external_id="S-NEW").exists()
    saved = browser.post(url, data)
    assert saved.status_code == 302 and Supporter.objects.filter(external_id="S-NEW").exists()


def test_a_step_posted_after_the_session_expired_says_to_record_it_again(hanako):
    supporter = Supporter.objects.get(external_id="S1")
    browser = Client()

    posted = browser.post(
        reverse("person_agreement", args=[hanako.pk]), {"supporter": supporter.pk, "step": "ask"}
    )
    _login_page, landing = _log_in(browser, posted["Location"])
    back = browser.get(landing, headers=EN)

    assert "/agreement/" not in posted["Location"]
    assert landing == reverse("person", args=[hanako.pk])
    assert "the step was not recorded" in back.content.decode()
    assert not SupportAgreement.objects.exists()
