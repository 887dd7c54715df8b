"""A person's page: details by role, confirming and rejecting assignments, the family's
review, and the plan and card as PDFs."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pypdf import PdfReader

from planner.models import AssignmentState, PlanReview, SupporterAssignment
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
def hanako():
    area = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    person = make_person(
        external_id="P1",
        name="山田 花子",
        neighbourhood=area,
        medication="秘密の薬B",
        location=at(0, 0),
    )
    make_supporter(external_id="S1", name="佐藤 一郎", phone="080-1234-5678", neighbourhood=area,
                   location=at(10, 0), available=["weekday_night"])  # fmt: skip
    make_shelter(external_id="SH", name="本町小学校", location=at(0, 300), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    for role in ("officer", "association", "commissioner"):
        areas = [] if role == "officer" else ["N1"]
        user_create_with_role(username=role, role=role, neighbourhoods=areas, password=PASSWORD)
    return person


def test_it_shows_the_plan_and_health_only_to_those_who_need_it(hanako):
    url = reverse("person", args=[hanako.pk])

    association = as_user("association").get(url).content.decode()
    commissioner = as_user("commissioner").get(url).content.decode()

    assert "山田 花子" in association and "佐藤 一郎" in association and "本町小学校" in association
    assert "秘密の薬B" in association and "秘密の薬B" not in commissioner
    assert "要介護3" in association and "care_level_3" not in association  # codes in words
    assert 'name="decision"' in association and 'name="decision"' not in commissioner
    assert AuditEntry.objects.filter(
        action="view", detail__page="person", object_ids=[hanako.pk]
    ).exists()


def test_it_records_a_confirmation_with_who_and_when(hanako):
    assignment = SupporterAssignment.objects.get(person=hanako)
    client = as_user("association")

    response = client.post(
        reverse("person_decide", args=[hanako.pk]),
        {"kind": "supporter", "assignment": assignment.pk, "decision": "confirm"},
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFIRMED
    assert assignment.decided_by == get_user_model().objects.get(username="association")
    assert assignment.decided_at is not None
    later = plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    assert (
        SupporterAssignment.objects.get(run=later, person=hanako).state == AssignmentState.CONFIRMED
    )


def test_it_refuses_decisions_it_cannot_take(hanako):
    assignment = SupporterAssignment.objects.get(person=hanako)
    url = reverse("person_decide", args=[hanako.pk])

    confirm = {"kind": "supporter", "assignment": assignment.pk, "decision": "confirm"}
    assert as_user("commissioner").post(url, confirm).status_code == 403
    missing = {**confirm, "assignment": 999999}
    assert as_user("association").post(url, missing).status_code == 404
    bad = as_user("association").post(url, {"kind": "friend", "assignment": "x"}, follow=True)
    assert (
        "That decision could not be read." in bad.content.decode()
        or "読み取れません" in bad.content.decode()
    )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.PROPOSED


def test_it_records_the_familys_review_and_explains_a_bad_date(hanako):
    url = reverse("person_review", args=[hanako.pk])
    client = as_user("association")

    future = client.post(
        url,
        {"reviewed_on": "2999-01-01", "changes_requested": ""},
        headers={"accept-language": "en"},
    )
    garbled = client.post(url, {"reviewed_on": "yesterday"}, headers={"accept-language": "en"})
    good = client.post(url, {"reviewed_on": "2026-04-01", "changes_requested": "2階の窓から避難"})

    assert (
        future.status_code == 400
        and "The review cannot be in the future." in future.content.decode()
    )
    assert garbled.status_code == 400 and "Enter a valid date." in garbled.content.decode()
    assert good.status_code == 302
    review = PlanReview.objects.get()
    assert (str(review.reviewed_on), review.changes_requested) == ("2026-04-01", "2階の窓から避難")


def test_it_downloads_a_plan_and_a_card_that_open(hanako):
    client = as_user("association")

    plan = client.get(reverse("person_plan_pdf", args=[hanako.pk]))
    card = client.get(reverse("person_card_pdf", args=[hanako.pk]), {"lang": "en"})

    assert plan["Content-Type"] == "application/pdf"
    assert re.search(r'filename="plan-\d+\.pdf"', plan["Content-Disposition"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(plan.content)).pages)
    assert "山田" in text and "080-1234-5678" in text.replace("\n", "")
    assert "When disaster comes" in PdfReader(io.BytesIO(card.content)).pages[0].extract_text()
    assert AuditEntry.objects.filter(action="print", detail__document="plan").exists()
