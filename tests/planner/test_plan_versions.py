"""One plan per person across scenarios, agreement step by step, issued versions and what
changed between them, and the plans' export for the city's records."""

import copy
import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone, translation

from planner.agreements import StepRefused, family_step, pair_step
from planner.models import PairState, PlanVersion, SupportAgreement
from planner.plans import Content, HazardEntry, Needs, plan_contents, same_plan
from planner.scenario import Scenario
from planner.selectors import people_helped_by
from planner.services import plan_run_create
from planner.versions import changes, issue_plans, overdue_reviews, review_due
from registry.hazard_levels import level_in_words
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditEntry, Person, Supporter
from tests.factories import (
    at,
    make_hazard_area,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_hazards():
    """A home in a flood area (0.5–3 m), planned for flood at night and for landslides by day:
    a helper for each time of day and a shelter for each hazard."""
    area = make_neighbourhood(code="N1", name="本町", geom=square(-800, -800, 800, 800))
    make_hazard_area(kind="flood", level=2, geom=square(-100, -100, 100, 100))
    person = make_person(external_id="P-1", location=at(0, 0), neighbourhood=area)
    make_supporter(external_id="S-N", location=at(50, 0), neighbourhood=area,
                   available=["weekday_night"])  # fmt: skip
    make_supporter(external_id="S-D", location=at(60, 0), neighbourhood=area,
                   available=["weekday_day"])  # fmt: skip
    make_shelter(external_id="F-1", location=at(0, 400), hazards=["flood"])
    make_shelter(external_id="L-1", location=at(0, -400), hazards=["landslide"])
    flood = plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    landslide = plan_run_create(scenario=Scenario("landslide", "weekday_day"), performed_by="t")
    return person, flood, landslide


def test_a_landslide_run_after_a_flood_run_leaves_both_on_the_plan(two_hazards):
    person, flood, landslide = two_hazards

    content = plan_contents([person])[person.pk]

    assert [e["supporter"] for e in content["slots"]["weekday_night"]] == ["S-N"]
    assert [e["supporter"] for e in content["slots"]["weekday_day"]] == ["S-D"]
    assert set(content["slots"]) == {"weekday_night", "weekday_day"}  # the others not planned
    assert content["slots"]["weekday_night"][0]["state"] == "proposed"
    flood_entry = content["hazards"]["flood"]
    metres = flood_entry["metres"]
    assert metres is not None and 390 <= metres <= 410
    assert flood_entry == {"shelter": "F-1", "metres": metres, "in_area": True, "level": 2,
                           "route_m": None, "crosses": []}  # fmt: skip
    assert content["hazards"]["landslide"]["shelter"] == "L-1"
    assert content["hazards"]["landslide"]["in_area"] is False
    assert content["runs"] == sorted([flood.pk, landslide.pk])


def test_a_declined_supporter_leaves_the_plan_and_an_agreed_one_is_marked(two_hazards):
    person, _flood, _landslide = two_hazards
    pair_step(person=person, supporter=Supporter.objects.get(external_id="S-N"), step="decline",
              user=None)  # fmt: skip
    pair_step(person=person, supporter=Supporter.objects.get(external_id="S-D"), step="agree",
              user=None)  # fmt: skip

    content = plan_contents([person])[person.pk]

    assert content["slots"]["weekday_night"] == []
    assert content["slots"]["weekday_day"][0]["state"] == "agreed"


def test_steps_move_one_at_a_time_and_undo_goes_back_one(two_hazards):
    person, _flood, _landslide = two_hazards
    user_create_with_role(username="officer", password="x" * 12, role="officer", neighbourhoods=[])
    officer = get_user_model().objects.get(username="officer")
    helper = Supporter.objects.get(external_id="S-N")

    assert pair_step(person=person, supporter=helper, step="ask", user=officer, how="phone") == (
        "asked"
    )
    agreement = SupportAgreement.objects.get(person=person, supporter=helper)
    assert (agreement.asked_how, agreement.asked_by) == ("phone", officer)
    with pytest.raises(StepRefused):
        pair_step(person=person, supporter=helper, step="ask", user=officer)
    assert pair_step(person=person, supporter=helper, step="agree", user=officer) == "agreed"
    assert pair_step(person=person, supporter=helper, step="undo", user=officer) == "asked"
    assert pair_step(person=person, supporter=helper, step="undo", user=officer) == "proposed"
    assert not SupportAgreement.objects.filter(person=person).exists()
    with pytest.raises(StepRefused):
        pair_step(person=person, supporter=helper, step="undo", user=officer)
    # Every step is logged by the fields it changed, never their values.
    entries = AuditEntry.objects.filter(model="planner.supportagreement").order_by("pk")
    assert len(entries) == 4
    assert entries[0].detail["changed"] == ["asked_at", "asked_by", "asked_how", "state"]
    assert "phone" not in json.dumps([e.detail for e in entries])
    assert [e.detail["step"] for e in entries] == ["ask", "agree", "undo", "undo"]


def test_issuing_freezes_versions_only_when_the_plan_changed(two_hazards):
    person, _flood, _landslide = two_hazards
    refused = make_person(external_id="P-2", location=at(5, 5), consent="refused")
    people = Person.objects.all()

    first = issue_plans(people)
    again = issue_plans(people)

    assert (first.issued, first.unchanged, first.without_consent) == (1, 0, 1)
    assert (again.issued, again.unchanged) == (0, 1)
    assert not PlanVersion.objects.filter(person=refused).exists()
    v1 = PlanVersion.objects.get(person=person)
    assert v1.number == 1 and v1.review_due == review_due(timezone.localdate(v1.issued_at))
    # A plan names the office that issued it, never a login name.
    assert v1.issuer == "支えあい市 防災課"

    pair_step(person=person, supporter=Supporter.objects.get(external_id="S-N"), step="agree",
              user=None)  # fmt: skip
    Supporter.objects.filter(external_id="S-D").update(active=False)
    plan_run_create(scenario=Scenario("landslide", "weekday_day"), performed_by="test")
    assert issue_plans(people).issued == 1

    v2 = PlanVersion.objects.get(person=person, number=2)
    found = {(c.what, c.supporter, c.slot) for c in changes(v1.content, v2.content)}
    assert found == {
        ("supporter_state", "S-N", "weekday_night"),
        ("supporter_gone", "S-D", "weekday_day"),
    }
    assert v1.content["slots"]["weekday_night"][0]["state"] == "proposed"  # v1 stays frozen


def test_a_destination_change_and_a_needs_change_are_named():
    flood = HazardEntry(shelter="F-1", metres=400, in_area=True, level=2)
    needs = Needs(mobility="walks_alone", reasons=[], medical_devices=[], needed=1)
    base = Content(slots={}, hazards={"flood": flood}, needs=needs, status="", missing=[],
                   runs=[])  # fmt: skip
    moved: Content = json.loads(json.dumps(base))
    moved["hazards"]["flood"]["shelter"] = "F-2"
    moved["needs"]["mobility"] = "wheelchair"

    found = [(c.what, c.hazard, c.before, c.after) for c in changes(base, moved)]

    assert found == [("destination", "flood", "F-1", "F-2"), ("needs", "", "mobility", "mobility")]


def test_the_review_date_follows_the_issue_date_and_overdue_reviews_are_listed(two_hazards):
    person, _flood, _landslide = two_hazards
    assert review_due(dt.date(2026, 3, 31)) == dt.date(2027, 3, 31)
    assert review_due(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    issue_plans(Person.objects.all())
    version = PlanVersion.objects.get(person=person)

    assert list(overdue_reviews(Person.objects.all())) == []
    late = overdue_reviews(Person.objects.all(), today=version.review_due + dt.timedelta(days=1))
    assert [p.external_id for p in late] == ["P-1"]


def test_the_familys_agreement_is_recorded_with_the_version(two_hazards):
    person, _flood, _landslide = two_hazards
    issue_plans(Person.objects.all())
    version = PlanVersion.objects.get(person=person)

    assert family_step(version=version, step="agree", user=None, how="paper") == "agreed"

    version.refresh_from_db()
    assert (version.state, version.asked_how) == (PairState.AGREED, "paper")
    assert version.answered_at is not None


def test_export_plans_writes_the_current_versions_as_json_and_csv(two_hazards, tmp_path):
    issue_plans(Person.objects.all())
    out, csv_out = tmp_path / "plans.json", tmp_path / "plans.csv"

    call_command("export", "plans", format="json", out=str(out), stderr=io.StringIO())
    call_command("export", "plans", format="csv", out=str(csv_out), stderr=io.StringIO())

    [record] = json.loads(out.read_text())
    assert set(record) == {"person", "version", "issued_at", "issued_by", "slots", "hazards"}
    assert record["person"] == "P-1" and record["version"] == 1
    assert record["slots"]["weekday_night"] == [
        {"supporter": "S-N", "state": "proposed", "roles": ["inform", "check_safety", "guide"]}
    ]
    assert set(record["hazards"]["flood"]) == {"shelter", "metres", "in_area", "level"}
    lines = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "person,version,issued_at,issued_by,slot,supporter,state,roles"
    assert len(lines) == 3 and all(line.startswith("P-1,1,") for line in lines[1:])


def test_export_plans_for_a_user_holds_only_the_people_that_user_may_see(two_hazards, tmp_path):
    _person, _flood, _landslide = two_hazards
    other = make_neighbourhood(code="N2", name="新町", geom=square(900, 900, 1500, 1500))
    make_person(external_id="P-9", location=at(1000, 1000), neighbourhood=other)
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    issue_plans(Person.objects.all())
    user_create_with_role(username="chair", password="x" * 12, role="association",
                          neighbourhoods=["N2"])  # fmt: skip
    out = tmp_path / "plans.json"

    call_command("export", "plans", user="chair", out=str(out), stderr=io.StringIO())

    assert [r["person"] for r in json.loads(out.read_text())] == ["P-9"]


def test_a_supporter_is_not_shown_helping_a_person_they_declined(two_hazards):
    person, _flood, _landslide = two_hazards
    helper = Supporter.objects.get(external_id="S-N")
    assert [pk for pk, _hazard, _slot in people_helped_by(helper)] == [person.pk]

    pair_step(person=person, supporter=helper, step="decline", user=None)

    assert people_helped_by(helper) == []


def test_a_homes_level_reads_in_words_in_both_languages():
    with translation.override("ja"):
        assert level_in_words("flood", 2) == "浸水深0.5〜3m"
        assert level_in_words("landslide", 2) == "土砂災害特別警戒区域（レッドゾーン）"
    with translation.override("en"):
        assert level_in_words("flood", 6) == "20 m deep or more"
        assert level_in_words("earthquake", 3) == "level 3"
    assert level_in_words("flood", None) == ""


def test_a_plan_issued_by_a_named_user_names_them_and_never_their_login(two_hazards):
    person, _flood, _landslide = two_hazards
    user_create_with_role(username="chair-7", password="x" * 12, role="association",
                          neighbourhoods=["N1"])  # fmt: skip
    chair = get_user_model().objects.get(username="chair-7")
    chair.first_name, chair.last_name = "太郎", "本町"
    chair.save()

    issue_plans(Person.objects.filter(pk=person.pk), user=chair)

    version = PlanVersion.objects.get(person=person)
    assert version.issuer == "本町 太郎" and version.issued_by == chair


def test_a_version_issued_before_routes_is_the_same_plan_as_one_without_a_route(two_hazards):
    person, _, _ = two_hazards
    now = plan_contents([person])[person.pk]
    before_routes = copy.deepcopy(now)
    for entry in before_routes["hazards"].values():
        del entry["route_m"], entry["crosses"]
    assert same_plan(before_routes, now)
    rerouted = copy.deepcopy(now)
    rerouted["hazards"]["flood"]["route_m"] = 640
    assert not same_plan(before_routes, rerouted)
