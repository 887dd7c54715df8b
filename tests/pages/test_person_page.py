"""A person's page: details by role, asking supporters to agree, the family's review, and the
plan and card as PDFs."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from planner.agreements import pair_step
from planner.models import (
    AssignmentState,
    PairState,
    PlanReview,
    SupportAgreement,
    SupporterAssignment,
)
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditEntry, EmergencyContact, EmergencyDisclosure, Supporter
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
    assert 'name="step"' in association and 'name="step"' not in commissioner
    assert AuditEntry.objects.filter(
        action="view", detail__page="person", object_ids=[hanako.pk]
    ).exists()


def test_it_records_a_supporters_agreement_with_who_and_when(hanako):
    """Confirming a supporter per assignment is replaced by the pair's steps; what it tested
    still holds: who and when are recorded, and a later run keeps the supporter."""
    supporter = SupporterAssignment.objects.get(person=hanako).supporter
    client = as_user("association")
    url = reverse("person_agreement", args=[hanako.pk])

    asked = client.post(url, {"supporter": supporter.pk, "step": "ask", "how": "phone"})
    agreed = client.post(url, {"supporter": supporter.pk, "step": "agree"})

    assert asked.status_code == 302 and agreed.status_code == 302
    agreement = SupportAgreement.objects.get(person=hanako, supporter=supporter)
    association = get_user_model().objects.get(username="association")
    assert agreement.state == PairState.AGREED and agreement.asked_how == "phone"
    assert agreement.asked_by == association and agreement.answered_by == association
    assert agreement.asked_at is not None and agreement.answered_at is not None
    later = plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    assert (
        SupporterAssignment.objects.get(run=later, person=hanako).state == AssignmentState.CONFIRMED
    )


def test_it_refuses_decisions_it_cannot_take(hanako):
    assignment = SupporterAssignment.objects.get(person=hanako)
    url = reverse("person_agreement", args=[hanako.pk])

    agree = {"supporter": assignment.supporter_id, "step": "agree"}
    assert as_user("commissioner").post(url, agree).status_code == 403
    missing = {**agree, "supporter": 999999}
    assert as_user("association").post(url, missing).status_code == 404
    bad = as_user("association").post(url, {"step": "friend", "supporter": "x"}, follow=True)
    assert (
        "That step could not be read." in bad.content.decode()
        or "読み取れません" in bad.content.decode()
    )
    # A supporter is no longer confirmed per assignment: the old form refuses it.
    old = {"kind": "supporter", "assignment": assignment.pk, "decision": "confirm"}
    as_user("association").post(reverse("person_decide", args=[hanako.pk]), old)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.PROPOSED
    assert not SupportAgreement.objects.exists()


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
    # The supporter agreed: only then does the association's copy print their phone.
    client = as_user("association")
    supporter = SupporterAssignment.objects.get(person=hanako).supporter_id
    client.post(
        reverse("person_agreement", args=[hanako.pk]), {"supporter": supporter, "step": "agree"}
    )

    plan = client.get(reverse("person_plan_pdf", args=[hanako.pk]))
    card = client.get(reverse("person_card_pdf", args=[hanako.pk]), {"lang": "en"})

    assert plan["Content-Type"] == "application/pdf"
    # The record number and the version (a draft before any is issued), never the name.
    disposition = plan["Content-Disposition"]
    assert re.search(r'filename="plan-\d+-draft\.pdf"', disposition)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(plan.content)).pages)
    assert "山田" in text and "080-1234-5678" in text.replace("\n", "")
    assert "When disaster comes" in PdfReader(io.BytesIO(card.content)).pages[0].extract_text()
    assert AuditEntry.objects.filter(action="print", detail__document="plan").exists()


EN = {"accept-language": "en"}


def test_it_shows_the_persons_own_phone_with_the_address_as_an_unbroken_link(hanako):
    """The person's own phone was never shown; phone numbers wrapped mid-number on a phone."""
    for role in ("association", "commissioner"):
        page = as_user(role).get(reverse("person", args=[hanako.pk])).content.decode()
        address = page.split('id="address"')[1].split("</p>")[0]
        assert "支えあい市本町1番1号" in address
        assert '<a class="tel" href="tel:0463112233">0463-11-2233</a>' in address
    # The supporter's number is a link too, once the supporter has agreed (a candidate's
    # number stays with the city).
    candidate = as_user("association").get(reverse("person", args=[hanako.pk])).content.decode()
    assert "080-1234-5678" not in candidate
    supporter = Supporter.objects.get(external_id="S1")
    pair_step(person=hanako, supporter=supporter, step="agree", user=None)
    page = as_user("association").get(reverse("person", args=[hanako.pk])).content.decode()
    assert '<a class="tel" href="tel:08012345678">080-1234-5678</a>' in page


def test_it_says_when_no_emergency_contact_is_registered(hanako):
    url = reverse("person", args=[hanako.pk])

    english = as_user("association").get(url, headers=EN).content.decode()
    japanese = as_user("association").get(url).content.decode()
    EmergencyContact.objects.create(person=hanako, name="山田 太郎", relation="長男",
                                    phone="090-1111-2222")  # fmt: skip
    listed = as_user("association").get(url).content.decode()

    assert "No emergency contact is registered." in english.split('id="details"')[1]
    assert "緊急連絡先は登録されていません。" in japanese
    assert 'id="no-contacts"' not in listed and 'href="tel:09011112222"' in listed


def test_it_says_why_a_person_without_consent_has_an_empty_plan(hanako):
    """A person who has not consented showed an empty assignments table with no word why."""
    area = hanako.neighbourhood
    refused = make_person(external_id="P2", name="田中 一子", neighbourhood=area,
                          consent="refused", location=at(5, 5))  # fmt: skip
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    url = reverse("person", args=[refused.pk])

    quiet = as_user("officer").get(url, headers=EN).content.decode()
    user_create_with_role(username="officer2", role="officer", neighbourhoods=[],
                          password=PASSWORD)  # fmt: skip
    officer2 = get_user_model().objects.get(username="officer2")
    disclosure = EmergencyDisclosure.objects.create(
        hazard="flood", reason="大雨特別警報",
        declared_by=get_user_model().objects.get(username="officer"), confirmed_by=officer2,
        confirmed_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=6),
    )  # fmt: skip
    disclosure.neighbourhoods.set([area])
    english = as_user("association").get(url, headers=EN).content.decode()
    japanese = as_user("association").get(url).content.decode()

    assert 'id="assignments"' not in quiet and 'id="assignments"' not in english
    assert "has not consented to sharing" in quiet.split('id="no-consent"')[1]
    assert "during the emergency disclosure" not in quiet
    note = english.split('id="no-consent"')[1].split("</p>")[0]
    assert "has not consented to sharing" in note
    assert "shown during the emergency disclosure so that helpers can find them" in note
    assert "同意していない" in japanese and "緊急時の名簿開示" in japanese


def test_a_card_is_in_easy_japanese_for_someone_who_needs_it_unless_asked_otherwise(hanako):
    hanako.communication = ["language:vi"]
    hanako.save()
    client = as_user("association")
    url = reverse("person_card_pdf", args=[hanako.pk])

    def text(response) -> str:
        return re.sub(r"\s+", "", PdfReader(io.BytesIO(response.content)).pages[0].extract_text())

    assert "どこへにげますか" in text(client.get(url))
    assert "どこへにげますか" not in text(client.get(url, {"lang": "ja"}))
    assert "どこへにげますか" in text(client.get(url, {"lang": "easy"}))
