"""Agreement step by step and versions on the pages: the person page's supporters with their
steps, the declined listed apart, issuing a plan and the family's agreement to it, the
neighbourhood's pairs still to ask or pending, and the dashboard's overdue reviews."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from planner.agreements import pair_step
from planner.models import PairState, PlanVersion, SupportAgreement
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditEntry, Supporter
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
    """Hanako in N1 with two supporters nearby, one at night only; Jiro in N2 out of the
    association's scope."""
    n1 = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    n2 = make_neighbourhood(code="N2", name="川町", geom=square(600, -500, 1600, 500))
    hanako = make_person(external_id="P1", name="山田 花子", neighbourhood=n1, location=at(0, 0),
                         mobility="wheelchair")  # fmt: skip
    jiro = make_person(external_id="P2", name="川端 次郎", neighbourhood=n2, location=at(1000, 0))
    make_supporter(external_id="S1", name="佐藤 一郎", phone="080-1234-5678", neighbourhood=n1,
                   location=at(10, 0), available=["weekday_night", "weekday_day"],
                   can_push_wheelchair=True)  # fmt: skip
    make_supporter(external_id="S2", name="鈴木 二郎", phone="080-2222-3333", neighbourhood=n1,
                   location=at(20, 0), available=["weekday_night"],
                   can_push_wheelchair=True)  # fmt: skip
    make_supporter(external_id="S3", name="川辺 三郎", neighbourhood=n2, location=at(1010, 0),
                   available=["weekday_night"])  # fmt: skip
    make_shelter(external_id="SH", name="本町小学校", location=at(0, 300), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    plan_run_create(scenario=Scenario("flood", "weekday_day"), performed_by="test")
    for role in ("officer", "association", "commissioner"):
        areas = [] if role == "officer" else ["N1"]
        user_create_with_role(username=role, role=role, neighbourhoods=areas, password=PASSWORD)
    return {"hanako": hanako, "jiro": jiro, "s1": Supporter.objects.get(external_id="S1"),
            "s2": Supporter.objects.get(external_id="S2"),
            "s3": Supporter.objects.get(external_id="S3")}  # fmt: skip


def _page(role, person, lang=None):
    headers = EN if lang == "en" else {}
    return as_user(role).get(reverse("person", args=[person.pk]), headers=headers)


def _section(html, ident):
    return html.split(f'id="{ident}"')[1].split("</section>")[0]


def _step(role, person, supporter, step, **extra):
    return as_user(role).post(
        reverse("person_agreement", args=[person.pk]),
        {"supporter": supporter.pk, "step": step, **extra},
        headers=EN,
        follow=True,
    )


def test_it_lists_each_supporter_once_with_their_time_slots_and_state(town):
    html = _page("association", town["hanako"], "en").content.decode()
    section = _section(html, "agreements")

    assert section.count("佐藤 一郎") == 1 and section.count("鈴木 二郎") == 1
    first = section.split('id="pair-{}"'.format(town["s1"].pk))[1].split("</li>")[0]
    assert "Weekday daytime" in first and "Weekday night" in first
    assert "Proposed" in first and 'value="ask"' in first and 'value="agree"' in first
    assert 'value="undo"' not in first  # nothing to undo yet
    assert 'name="how"' in first and 'value="phone"' in first
    japanese = _section(_page("association", town["hanako"]).content.decode(), "agreements")
    assert "依頼した" in japanese and "承諾" in japanese and "辞退" in japanese
    commissioner = _section(_page("commissioner", town["hanako"]).content.decode(), "agreements")
    assert "佐藤 一郎" in commissioner and "<form" not in commissioner


def test_it_walks_a_pair_through_its_steps_and_back(town):
    hanako, s1 = town["hanako"], town["s1"]

    asked = _step("association", hanako, s1, "ask", how="paper")
    agreement = SupportAgreement.objects.get(person=hanako, supporter=s1)
    assert agreement.state == PairState.ASKED and agreement.asked_how == "paper"
    pair = _section(asked.content.decode(), "agreements").split(f'id="pair-{s1.pk}"')[1]
    assert "Asked, answer pending" in pair and "On paper" in pair and 'value="undo"' in pair

    _step("association", hanako, s1, "agree")
    assert SupportAgreement.objects.get(person=hanako, supporter=s1).state == PairState.AGREED
    undone = _step("association", hanako, s1, "undo")
    assert SupportAgreement.objects.get(person=hanako, supporter=s1).state == PairState.ASKED
    _step("association", hanako, s1, "undo")
    assert not SupportAgreement.objects.filter(person=hanako, supporter=s1).exists()
    assert undone.status_code == 200
    # Every step is in the audit log, without the values.
    entries = AuditEntry.objects.filter(model="planner.supportagreement")
    assert entries.count() == 4


def test_a_step_that_does_not_follow_says_so_and_never_fails(town):
    hanako, s1 = town["hanako"], town["s1"]

    nothing = _step("association", hanako, s1, "undo")
    _step("association", hanako, s1, "agree")
    again = _step("association", hanako, s1, "ask")

    assert nothing.status_code == 200 and "Not recorded" in nothing.content.decode()
    assert again.status_code == 200 and "the pair is Agreed now" in again.content.decode()
    assert SupportAgreement.objects.get(person=hanako, supporter=s1).state == PairState.AGREED


def test_it_lists_the_declined_apart_and_lets_a_decline_be_undone(town):
    hanako, s2 = town["hanako"], town["s2"]

    declined = _step("association", hanako, s2, "decline").content.decode()
    section = _section(declined, "agreements")
    listed = section.split('id="declined"')[1]
    assert "鈴木 二郎" in listed and 'value="undo"' in listed
    assert "鈴木 二郎" not in section.split('id="declined"')[0]
    assert "Declined — never proposed again" in section
    # Never proposed again by a later run.
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    again = _section(_page("association", hanako, "en").content.decode(), "agreements")
    assert again.split('id="declined"')[0].count("鈴木 二郎") == 0
    _step("association", hanako, s2, "undo")
    assert SupportAgreement.objects.get(supporter=s2).state == PairState.ASKED


def test_it_refuses_steps_on_people_and_supporters_out_of_reach(town):
    hanako, jiro, s1, s3 = town["hanako"], town["jiro"], town["s1"], town["s3"]
    client = as_user("association")

    other_person = client.post(
        reverse("person_agreement", args=[jiro.pk]), {"supporter": s3.pk, "step": "ask"}
    )
    # A supporter of another person, or of another neighbourhood: no pair of this person.
    not_hers = client.post(
        reverse("person_agreement", args=[hanako.pk]), {"supporter": s3.pk, "step": "ask"}
    )
    look = as_user("commissioner").post(
        reverse("person_agreement", args=[hanako.pk]), {"supporter": s1.pk, "step": "ask"}
    )
    issue = as_user("commissioner").post(reverse("person_issue", args=[hanako.pk]))
    area = as_user("commissioner").post(reverse("neighbourhood_issue", args=["N1"]))
    other_area = client.post(reverse("neighbourhood_issue", args=["N2"]))

    assert other_person.status_code == 404 and not_hers.status_code == 404
    assert look.status_code == 403 and issue.status_code == 403 and area.status_code == 403
    assert other_area.status_code == 404
    assert not SupportAgreement.objects.exists() and not PlanVersion.objects.exists()
    # A form without the CSRF token is refused.
    strict = as_user("association")
    strict.handler.enforce_csrf_checks = True
    refused = strict.post(
        reverse("person_agreement", args=[hanako.pk]), {"supporter": s1.pk, "step": "ask"}
    )
    assert refused.status_code == 403


def test_it_issues_a_version_says_when_nothing_changed_and_shows_what_changed(town):
    hanako, s1 = town["hanako"], town["s1"]
    client = as_user("association")
    issue = reverse("person_issue", args=[hanako.pk])

    first = client.post(issue, headers=EN, follow=True).content.decode()
    same = client.post(issue, headers=EN, follow=True).content.decode()
    pair_step(person=hanako, supporter=s1, step="agree", user=None)
    second = client.post(issue, headers=EN, follow=True).content.decode()

    assert "Issued: version 1." in first
    assert "No change — still version 1." in same
    assert "Issued: version 2." in second
    versions = _section(second, "versions")
    # The issuer is named by full name or the issuing office, never the login.
    assert "v2" in versions and settings.PRINTOUT_ISSUER in versions
    assert "by association" not in versions
    changes = versions.split('id="changes"')[1].split("</ul>")[0]
    assert "佐藤 一郎" in changes and "Agreed" in changes
    assert f'href="/people/{hanako.pk}/plan.pdf"' in versions
    assert "?draft=1" in versions and "lang=easy" in versions and "lang=en" in versions
    assert PlanVersion.objects.filter(person=hanako).count() == 2
    japanese = _section(_page("association", hanako).content.decode(), "versions")
    assert "この計画を発行" in japanese


def test_it_records_the_familys_agreement_to_the_current_version(town):
    hanako = town["hanako"]
    client = as_user("association")
    client.post(reverse("person_issue", args=[hanako.pk]))
    url = reverse("person_family_agreement", args=[hanako.pk])

    stale = client.post(url, {"version": 7, "step": "ask"}, headers=EN, follow=True)
    asked = client.post(url, {"version": 1, "step": "ask", "how": "in_person"})
    agreed = client.post(url, {"version": 1, "step": "agree"}, headers=EN, follow=True)

    assert "the issued plan has changed" in stale.content.decode()
    assert asked.status_code == 302
    version = PlanVersion.objects.get(person=hanako)
    assert version.state == PairState.AGREED and version.asked_how == "in_person"
    family = agreed.content.decode().split('id="family-agreement"')[1].split("</p>")[0]
    assert "Agreed" in family
    refused = client.post(url, {"version": 1, "step": "agree"}, headers=EN, follow=True)
    assert refused.status_code == 200 and "Not recorded" in refused.content.decode()


def test_it_flags_an_overdue_review_on_the_person_page_and_the_dashboard(town):
    hanako = town["hanako"]
    as_user("association").post(reverse("person_issue", args=[hanako.pk]))
    PlanVersion.objects.update(review_due=dt.date.today() - dt.timedelta(days=40))

    person = _section(_page("association", hanako, "en").content.decode(), "versions")
    dashboard = as_user("association").get(reverse("dashboard"), headers=EN).content.decode()
    officer = as_user("officer").get(reverse("dashboard")).content.decode()

    assert 'id="review-overdue"' in person and "overdue by 40 days" in person
    listed = dashboard.split('id="overdue-list"')[1].split("</ul>")[0]
    assert "山田 花子" in listed and "本町" in listed and "overdue by 40 days" in listed
    assert f'href="/people/{hanako.pk}/#versions"' in listed
    assert "Plan reviews overdue: " in dashboard.split('id="summary"')[1].split("</p>")[0]
    assert ">1</a>" in dashboard.split('id="summary"')[1].split("</p>")[0]
    assert "40日" in officer
    assert AuditEntry.objects.filter(detail__list="overdue_reviews").exists()


def test_the_neighbourhood_lists_who_is_still_to_ask_and_whose_answer_is_pending(town):
    hanako, s1 = town["hanako"], town["s1"]
    pair_step(person=hanako, supporter=s1, step="ask", user=None, how="phone")

    html = as_user("association").get(reverse("neighbourhood", args=["N1"]), headers=EN)
    section = _section(html.content.decode(), "asking")

    to_ask = section.split('id="to-ask"')[1].split("</ul>")[0]
    pending = section.split('id="pending"')[1].split("</ul>")[0]
    assert "鈴木 二郎" in to_ask and "佐藤 一郎" not in to_ask
    assert "佐藤 一郎" in pending and "By phone" in pending
    assert f'href="/people/{hanako.pk}/#agreements"' in to_ask
    assert "Still to ask: 1" in section and "Answer pending: 1" in section
    assert "川端 次郎" not in section and "川辺 三郎" not in section
    assert 'id="issue-area"' in section
    commissioner = as_user("commissioner").get(reverse("neighbourhood", args=["N1"]))
    assert 'id="issue-area"' not in commissioner.content.decode()


def test_issuing_for_a_neighbourhood_says_how_many(town):
    response = as_user("association").post(
        reverse("neighbourhood_issue", args=["N1"]), headers=EN, follow=True
    )

    assert "New versions issued: 1. Unchanged: 0." in response.content.decode()
    assert list(PlanVersion.objects.values_list("person__external_id", flat=True)) == ["P1"]
    again = as_user("association").post(
        reverse("neighbourhood_issue", args=["N1"]), headers=EN, follow=True
    )
    assert "New versions issued: 0. Unchanged: 1." in again.content.decode()


def test_the_neighbourhood_page_shows_the_first_people_to_ask_and_links_to_everyone(town):
    area = town["hanako"].neighbourhood
    for number in range(20):
        home = at(5 * number, 30)
        make_person(external_id=f"Q{number:02d}", name=f"町内 {number:02d}", neighbourhood=area,
                    address=f"支えあい市本町{number + 2}番1号", location=home)  # fmt: skip
        make_supporter(external_id=f"T{number:02d}", neighbourhood=area, location=home,
                       available=["weekday_night"])  # fmt: skip
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    client = as_user("association")

    page = _section(client.get(reverse("neighbourhood", args=["N1"])).content.decode(), "asking")
    everyone = client.get(reverse("neighbourhood_asking", args=["N1"])).content.decode()

    listed = page.split('id="to-ask"')[1].split("</ul>")[0]
    assert listed.count("<li>") == 15 and 'id="asking-all"' in page
    assert "町内 00" in listed and "町内 19" not in listed
    full = everyone.split('id="to-ask"')[1].split("</ul>")[0]
    assert full.count("<li>") == 21 and "町内 19" in full and 'id="asking-all"' not in everyone
    # The count is of every pair still to ask, on both pages.
    pairs = full.count('class="ask"')
    assert f"未依頼: {pairs}組（21人）" in page.split('id="asking-counts"')[1].split("</p>")[0]
