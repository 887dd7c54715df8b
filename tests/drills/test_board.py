"""The drills list and the live board: each role sees exactly the drills and people it may, the
board's counts equal the reports written, the late and the silent are listed, reports taken by
phone are written once per key, and people a user may not see are only counted."""

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from drills.links import link_token, open_link
from drills.models import Drill, DrillKind, DrillPerson, DrillReport
from drills.services import drill_close, drill_report, drill_start
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditEntry, EmergencyDisclosure
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
NIGHT = ["weekday_night"]


@pytest.fixture
def town(settings: Any) -> dict[str, Any]:
    """N1 with two consenting people (one with a supporter) and one who never answered; N2
    with one consenting person and a supporter; planned for a flood on a weekday night."""
    settings.DRILL_NOT_REACHED_MINUTES = 30
    near = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    far = make_neighbourhood(code="N2", name="遠町", geom=square(1000, -500, 2000, 500))
    make_shelter(location=at(0, 300), hazards=["flood"])
    make_shelter(location=at(1500, 300), hazards=["flood"])
    people = {
        "p1": make_person(external_id="P-1", name="一番 花子", location=at(0, 0),
                          neighbourhood=near),
        "p2": make_person(external_id="P-2", name="二番 次郎", location=at(-400, 400),
                          neighbourhood=near),
        "sealed": make_person(external_id="P-3", name="封印 三郎", location=at(40, 0),
                              neighbourhood=near, consent="no_reply"),
        "q1": make_person(external_id="Q-1", name="遠方 秘子", location=at(1537, 13),
                          neighbourhood=far),
    }  # fmt: skip
    supporters = {
        "s1": make_supporter(external_id="S-1", name="支援 近所", location=at(20, 0),
                             neighbourhood=near, available=NIGHT),
        "s2": make_supporter(external_id="S-2", name="支援 遠方", location=at(1550, 0),
                             neighbourhood=far, available=NIGHT),
    }  # fmt: skip
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    users = {}
    for name, role, areas in (
        ("officer", "officer", []),
        ("officer2", "officer", []),
        ("association", "association", ["N1"]),
        ("association2", "association", ["N2"]),
        ("commissioner", "commissioner", ["N1"]),
        ("auditor", "auditor", []),
    ):
        user_create_with_role(username=name, role=role, neighbourhoods=areas, password=PASSWORD)
        users[name] = get_user_model().objects.get(username=name)
    return {"near": near, "far": far, "people": people, "supporters": supporters, "users": users}


def start(town: dict[str, Any], areas: tuple[str, ...] = ("near",), **options: Any) -> Drill:
    values = {"name": "秋の訓練", "hazard": "flood", "slot": "weekday_night",
              "neighbourhoods": [town[a] for a in areas], **options}  # fmt: skip
    return drill_start(**values)


def client(town: dict[str, Any], name: str | None) -> Client:
    browser = Client()
    if name is not None:
        browser.force_login(town["users"][name])
    return browser


def board_json(town: dict[str, Any], name: str, drill: Drill) -> dict[str, Any]:
    response = client(town, name).get(reverse("drill_board_json", args=[drill.pk]))
    assert response.status_code == 200
    data: dict[str, Any] = json.loads(response.content)
    return data


def counts(data: dict[str, Any]) -> dict[str, int]:
    return {row["state"]: row["count"] for row in data["states"] if row["count"]}


# --- who sees what ----------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_login(town):
    drill = start(town)
    for url in (
        reverse("drills"),
        reverse("drill_board", args=[drill.pk]),
        reverse("drill_board_json", args=[drill.pk]),
    ):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_it_refuses_auditors_every_drill_page(town):
    drill = start(town)
    auditor = client(town, "auditor")
    audit_log = reverse("admin:registry_auditentry_changelist")
    # An auditor may use no page: they are sent to the audit log, never shown the drill.
    for url in (
        reverse("drills"),
        reverse("drill_board", args=[drill.pk]),
        reverse("drill_board_json", args=[drill.pk]),
    ):
        response = auditor.get(url)
        assert response.status_code == 302 and response["Location"] == audit_log, url
    url = reverse("drill_board_report", args=[drill.pk])
    person = town["people"]["p1"]
    response = auditor.post(url, {"person": person.pk, "key": "a1", "state": "contacted"})
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response["Location"] == audit_log
    assert not DrillReport.objects.exists()


def test_each_role_lists_exactly_the_drills_of_its_neighbourhoods(town):
    own = start(town, name="本町の訓練")
    other = start(town, areas=("far",), name="遠町の訓練")
    both = start(town, areas=("near", "far"), name="合同訓練")
    seen = {
        name: client(town, name).get(reverse("drills")).content.decode()
        for name in ("officer", "association", "commissioner", "association2")
    }
    assert all(d.name in seen["officer"] for d in (own, other, both))
    for name in ("association", "commissioner"):
        assert own.name in seen[name] and both.name in seen[name]
        assert other.name not in seen[name]
    assert other.name in seen["association2"] and own.name not in seen["association2"]
    # Newest first: the last started comes first in the officer's list.
    assert seen["officer"].index(both.name) < seen["officer"].index(own.name)
    for name in ("association", "commissioner"):
        browser = client(town, name)
        assert browser.get(reverse("drill_board", args=[other.pk])).status_code == 404
        assert browser.get(reverse("drill_board_json", args=[other.pk])).status_code == 404
        assert browser.get(reverse("drill_board", args=[own.pk])).status_code == 200


def test_only_officers_and_associations_are_offered_the_start_form(town):
    assert 'id="drill-start"' in client(town, "officer").get(reverse("drills")).content.decode()
    page = client(town, "association").get(reverse("drills")).content.decode()
    assert 'id="drill-start"' in page and 'value="event"' not in page
    assert (
        'id="drill-start"'
        not in client(town, "commissioner").get(reverse("drills")).content.decode()
    )


def test_an_officer_starts_a_drill_from_the_list(town):
    response = client(town, "officer").post(
        reverse("drills"),
        {"name": "全市訓練", "hazard": "flood", "slot": "weekday_night", "kind": "event",
         "neighbourhoods": [town["near"].pk, town["far"].pk]},
    )  # fmt: skip
    drill = Drill.objects.get(name="全市訓練")
    assert response.status_code == 302
    assert response["Location"] == reverse("drill_board", args=[drill.pk])
    assert drill.kind == DrillKind.EVENT and drill.created_by == town["users"]["officer"]
    assert set(drill.neighbourhoods.values_list("code", flat=True)) == {"N1", "N2"}


def test_an_association_starts_drills_of_its_own_neighbourhoods_only(town):
    association = client(town, "association")
    data = {"name": "本町訓練", "hazard": "flood", "slot": "weekday_night", "kind": "drill"}
    refused = association.post(reverse("drills"), {**data, "neighbourhoods": [town["far"].pk]})
    assert refused.status_code == 200 and not Drill.objects.exists()
    event = association.post(
        reverse("drills"), {**data, "kind": "event", "neighbourhoods": [town["near"].pk]}
    )
    assert event.status_code == 200 and not Drill.objects.exists()
    done = association.post(reverse("drills"), {**data, "neighbourhoods": [town["near"].pk]})
    assert done.status_code == 302 and Drill.objects.get().kind == DrillKind.DRILL


def test_a_refused_start_shows_the_services_reason(town):
    response = client(town, "officer").post(
        reverse("drills"),
        {"name": "昼の訓練", "hazard": "flood", "slot": "weekend_day", "kind": "drill",
         "neighbourhoods": [town["near"].pk]},
    )  # fmt: skip
    assert response.status_code == 200 and not Drill.objects.exists()
    # In the reader's language, the hazard and the time slot by their names.
    assert "洪水・休日・昼の計画がまだありません" in response.content.decode()


def test_commissioners_watch_but_neither_start_close_nor_report(town):
    drill = start(town)
    commissioner = client(town, "commissioner")
    page = commissioner.get(reverse("drill_board", args=[drill.pk])).content.decode()
    assert town["people"]["p1"].name in page
    assert "drill_board_report" not in page and "/report/" not in page and "/close/" not in page
    data = {"name": "x", "hazard": "flood", "slot": "weekday_night", "kind": "drill",
            "neighbourhoods": [town["near"].pk]}  # fmt: skip
    assert commissioner.post(reverse("drills"), data).status_code == 403
    assert commissioner.post(reverse("drill_board_close", args=[drill.pk])).status_code == 403
    person = town["people"]["p1"].pk
    report = {"person": person, "key": "c1", "state": "contacted"}
    assert (
        commissioner.post(reverse("drill_board_report", args=[drill.pk]), report).status_code == 403
    )
    drill.refresh_from_db()
    assert drill.closed_at is None and not DrillReport.objects.exists()


def test_people_the_user_may_not_see_are_counted_never_named_or_located(town):
    drill = start(town, areas=("near", "far"))
    q1 = town["people"]["q1"]
    drill_report(drill, q1, "needs_help", key="q", supporter=town["supporters"]["s2"])
    association = client(town, "association")
    responses = [
        association.get(reverse("drill_board", args=[drill.pk])),
        association.get(reverse("drill_board_json", args=[drill.pk])),
    ]
    for response in responses:
        body = response.content.decode()
        assert response.status_code == 200
        assert q1.name not in body and "支援 遠方" not in body
        assert f"{q1.location.x:.5f}" not in body and f"{q1.location.y:.5f}" not in body
    data = json.loads(responses[1].content)
    p1, p2 = town["people"]["p1"], town["people"]["p2"]
    assert {row["id"] for row in data["people"]} == {p1.pk, p2.pk}
    assert data["total"] == 3 and data["hidden"] == 1
    assert counts(data) == {"not_reached": 2, "needs_help": 1}  # counted, never shown
    assert [area["code"] for area in data["areas"]] == ["N1"]
    assert data["unopened_hidden"] == 1 and [s["name"] for s in data["unopened"]] == ["支援 近所"]
    officer = board_json(town, "officer", drill)
    assert {row["id"] for row in officer["people"]} == {p1.pk, p2.pk, q1.pk}
    assert officer["hidden"] == 0 and [a["code"] for a in officer["areas"]] == ["N1", "N2"]


def test_people_under_an_emergency_show_only_while_the_user_sees_them_under_it(town):
    officer, second = town["users"]["officer"], town["users"]["officer2"]
    emergency = EmergencyDisclosure.objects.create(
        hazard="flood", reason="大雨特別警報", declared_by=officer, confirmed_by=second,
        confirmed_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=6),
    )  # fmt: skip
    emergency.neighbourhoods.set([town["near"]])
    drill = start(town, areas=("near", "far"), kind=DrillKind.EVENT)
    sealed = town["people"]["sealed"]
    assert DrillPerson.objects.get(drill=drill, person=sealed).under_emergency

    def shown(name: str) -> set[int]:
        return {row["id"] for row in board_json(town, name, drill)["people"]}

    assert sealed.pk in shown("association")
    marked = AuditEntry.objects.filter(user=town["users"]["association"]).latest("pk")
    assert marked.emergency_id == emergency.pk and sealed.pk in marked.object_ids
    assert sealed.pk not in shown("association2")  # an emergency of another area
    emergency.ended_at = timezone.now()
    emergency.save(update_fields=["ended_at"])
    after = board_json(town, "association", drill)
    assert sealed.pk not in {row["id"] for row in after["people"]} and after["hidden"] == 2
    page = client(town, "association").get(reverse("drill_board", args=[drill.pk])).content.decode()
    assert sealed.name not in page
    assert sealed.pk in shown("officer")


# --- what the board shows -----------------------------------------------------------------------


def test_the_counts_equal_the_reports_written(town):
    drill = start(town, areas=("near", "far"))
    p1, p2, q1 = (town["people"][k] for k in ("p1", "p2", "q1"))
    s1, s2 = town["supporters"]["s1"], town["supporters"]["s2"]
    drill_report(drill, p1, "contacted", key="1", supporter=s1)
    drill_report(drill, p1, "arrived", key="2", supporter=s1)
    drill_report(drill, p1, "arrived", key="2", supporter=s1)  # a resend: one event
    drill_report(drill, q1, "unreachable", key="3", supporter=s2)
    drill_report(drill, p2, "safe_at_home", key="4", user=town["users"]["officer"])
    data = board_json(town, "officer", drill)
    assert counts(data) == {"arrived": 1, "unreachable": 1, "safe_at_home": 1}
    assert data["total"] == 3 and sum(row["count"] for row in data["states"]) == 3
    areas = {area["code"]: area for area in data["areas"]}
    assert areas["N1"]["counts"]["arrived"] == 1 and areas["N1"]["counts"]["safe_at_home"] == 1
    assert areas["N2"]["counts"]["unreachable"] == 1 and areas["N2"]["total"] == 1
    rows = {row["id"]: row for row in data["people"]}
    assert rows[p1.pk]["state"] == "arrived" and not rows[p1.pk]["on_behalf"]
    assert rows[p2.pk]["on_behalf"] and rows[p2.pk]["time"]
    assert rows[p1.pk]["checkers"] == ["支援 近所"]
    assert (rows[q1.pk]["lon"], rows[q1.pk]["lat"]) == (q1.location.x, q1.location.y)
    assert len(data["states"]) == 7 and data["states"][0]["state"] == "not_reached"


def test_the_late_are_listed_only_after_the_set_minutes(town):
    fresh = start(town)
    assert board_json(town, "officer", fresh)["not_reached"] == []
    assert not board_json(town, "officer", fresh)["late"]
    past = start(town, starts_at=timezone.now() - dt.timedelta(minutes=31))
    p1, p2 = town["people"]["p1"], town["people"]["p2"]
    drill_report(past, p1, "contacted", key="1", supporter=town["supporters"]["s1"])
    data = board_json(town, "officer", past)
    assert data["late"] and data["not_reached"] == [p2.pk]
    assert data["drill"]["elapsed_s"] >= 31 * 60
    # Tried but not reached is still not reached.
    drill_report(past, p1, "unreachable", key="2", supporter=town["supporters"]["s1"])
    assert board_json(town, "officer", past)["not_reached"] == [p1.pk, p2.pk]
    page = client(town, "officer").get(reverse("drill_board", args=[past.pk])).content.decode()
    top = page.split('id="not-reached"')[1].split("</ul>")[0]
    assert p1.name in top and p2.name in top


def test_the_supporters_who_have_not_opened_their_link_are_listed(town):
    drill = start(town, areas=("near", "far"))
    s1, s2 = town["supporters"]["s1"], town["supporters"]["s2"]
    assert {s["id"] for s in board_json(town, "officer", drill)["unopened"]} == {s1.pk, s2.pk}
    open_link(link_token(drill, s1))
    data = board_json(town, "officer", drill)
    assert [s["id"] for s in data["unopened"]] == [s2.pk] and data["unopened_hidden"] == 0


def test_every_look_is_recorded_in_the_audit_log(town):
    drill = start(town)
    board_json(town, "association", drill)
    entry = AuditEntry.objects.filter(user=town["users"]["association"]).latest("pk")
    assert entry.action == "list" and entry.model == "registry.person"
    assert set(entry.object_ids) == {town["people"]["p1"].pk, town["people"]["p2"].pk}


# --- reports taken by phone ----------------------------------------------------------------------


def report_on(
    town: dict[str, Any], name: str, drill: Drill, person: str, key: str,
    follow: bool = False, **more: Any,
) -> Any:  # fmt: skip
    data = {"person": town["people"][person].pk, "key": key, "state": "needs_help", **more}
    url = reverse("drill_board_report", args=[drill.pk])
    return client(town, name).post(url, data, follow=follow)


def test_a_report_taken_by_phone_is_written_once_per_key(town):
    drill = start(town)
    page = client(town, "officer").get(reverse("drill_board", args=[drill.pk])).content.decode()
    assert page.count('name="key"') == 2  # a form per person, each with its own key
    first = report_on(town, "officer", drill, "p1", "k-1", note="足を痛めた")
    again = report_on(town, "officer", drill, "p1", "k-1", note="足を痛めた")
    assert first.status_code == again.status_code == 302
    report = DrillReport.objects.get()
    assert report.on_behalf and report.entered_by == town["users"]["officer"]
    assert report.state == "needs_help" and report.note == "足を痛めた"
    report_on(town, "association", drill, "p1", "k-2", state="arrived")
    assert DrillReport.objects.count() == 2
    data = board_json(town, "officer", drill)
    assert counts(data) == {"arrived": 1, "not_reached": 1}


def test_a_report_by_phone_is_refused_on_a_closed_drill(town):
    drill = start(town)
    drill_close(drill)
    response = report_on(town, "officer", drill, "p1", "k-1", follow=True)
    assert response.redirect_chain and not DrillReport.objects.exists()
    page = response.content.decode()
    assert "報告を受け付けていません" in page or "not open for reports" in page
    assert 'name="key"' not in page  # no forms on a closed drill


def test_a_report_by_phone_is_refused_for_someone_not_in_the_drill(town):
    drill = start(town)
    refused = report_on(town, "officer", drill, "q1", "k-1", follow=True)  # in N2, not here
    assert refused.redirect_chain and not DrillReport.objects.exists()
    page = refused.content.decode()
    assert "対象者ではありません" in page or "not in this drill" in page
    both = start(town, areas=("near", "far"))
    hidden = report_on(town, "association", both, "q1", "k-2")  # not theirs to see
    assert hidden.status_code == 404 and not DrillReport.objects.exists()


def test_associations_close_their_own_drills_but_not_shared_ones(town):
    own = start(town)
    shared = start(town, areas=("near", "far"))
    association = client(town, "association")
    assert association.post(reverse("drill_board_close", args=[shared.pk])).status_code == 403
    assert association.post(reverse("drill_board_close", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    shared.refresh_from_db()
    assert own.closed_at is not None and shared.closed_at is None
    assert not board_json(town, "association", own)["drill"]["open"]


def test_those_who_need_help_head_the_board_with_their_note_where_health_may_be_seen(town):
    drill = start(town)
    person, supporter = town["people"]["p1"], town["supporters"]["s1"]
    drill_report(drill, person, "needs_help", key="help-1", supporter=supporter,
                 note="車いすが必要。階段を下りられない")  # fmt: skip
    assert board_json(town, "officer", drill)["needs_help"] == [
        {"id": person.pk, "note": "車いすが必要。階段を下りられない"}
    ]
    page = client(town, "officer").get(reverse("drill_board", args=[drill.pk])).content.decode()
    assert "車いすが必要。階段を下りられない" in page
    # The commissioner watches, and sees who needs help, but not health details.
    assert board_json(town, "commissioner", drill)["needs_help"] == [{"id": person.pk, "note": ""}]


def test_the_board_prints_the_sheets_of_the_supporters_of_the_people_one_may_see(town):
    drill = start(town, areas=("near", "far"))
    url = reverse("drill_board_sheets", args=[drill.pk])
    officer = client(town, "officer").get(url)
    assert officer.status_code == 200 and officer["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(officer.content)).pages)
    assert "一番 花子" in text and "遠方 秘子" in text
    association = client(town, "association").get(url)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(association.content)).pages)
    assert "一番 花子" in text and "遠方 秘子" not in text
    assert client(town, "commissioner").get(url).status_code == 403
    drill_close(drill)
    assert client(town, "officer").get(url).status_code == 404


def test_an_officer_sends_the_links_by_e_mail_from_the_board_once_at_a_time(town):
    town["supporters"]["s1"].email = "s1@example.jp"
    town["supporters"]["s1"].save()
    drill = start(town)

    sent = client(town, "officer").post(reverse("drill_board_mail", args=[drill.pk]))

    assert sent.status_code == 302 and sent["Location"] == reverse("drill_board", args=[drill.pk])
    board = reverse("drill_board", args=[drill.pk])
    page = client(town, "officer").get(board, headers={"accept-language": "en"}).content.decode()
    assert "1 sent, 0 without an address, 0 refused" in page
    refused = client(town, "commissioner").post(reverse("drill_board_mail", args=[drill.pk]))
    assert refused.status_code in (403, 404)
    drill_close(drill, user=town["users"]["officer"])
    assert (
        client(town, "officer").post(reverse("drill_board_mail", args=[drill.pk])).status_code
        == 403
    )
