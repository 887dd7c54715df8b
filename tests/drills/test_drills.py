"""Drills from the plans: who is in scope, who checks on whom, reports written once per key,
the latest state, and the supporters' links."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from drills.links import LinkRefused, link_token, open_link
from drills.models import CheckState, DrillCheck, DrillKind, DrillPerson, DrillReport
from drills.services import DrillRefused, drill_close, drill_report, drill_start, latest_states
from planner.agreements import pair_step
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import EmergencyDisclosure
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
def town():
    """Two people with a supporter each, one without any, one who never consented; planned
    for a flood on a weekday night."""
    area = make_neighbourhood(code="N1", geom=square(-1000, -1000, 1000, 1000))
    make_shelter(location=at(0, 800), hazards=["flood"])
    first = make_person(external_id="P-1", location=at(0, 0), neighbourhood=area)
    second = make_person(external_id="P-2", location=at(300, 0), neighbourhood=area)
    alone = make_person(external_id="P-3", location=at(-900, -900), neighbourhood=area)
    sealed = make_person(external_id="P-4", location=at(10, 10), neighbourhood=area,
                         consent="no_reply")  # fmt: skip
    near_first = make_supporter(external_id="S-1", location=at(20, 0), available=NIGHT)
    near_second = make_supporter(external_id="S-2", location=at(320, 0), available=NIGHT)
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    user_create_with_role(username="officer", role="officer", neighbourhoods=[],
                          password="a-long-password-for-tests")  # fmt: skip
    officer = get_user_model().objects.get(username="officer")
    return {"area": area, "people": [first, second, alone, sealed], "officer": officer,
            "supporters": [near_first, near_second]}  # fmt: skip


def start(town, **options):
    values = {"name": "秋の訓練", "hazard": "flood", "slot": "weekday_night",
              "neighbourhoods": [town["area"]], **options}  # fmt: skip
    return drill_start(**values)


def test_a_drill_lists_everyone_who_consented_and_whom_the_plans_supporters_check_on(town):
    drill = start(town)
    first, second, alone, _sealed = town["people"]
    listed = set(DrillPerson.objects.filter(drill=drill).values_list("person_id", flat=True))
    assert listed == {first.pk, second.pk, alone.pk}  # listed even without a supporter
    checks = {(c.person_id, c.supporter_id) for c in DrillCheck.objects.filter(drill=drill)}
    s1, s2 = town["supporters"]
    assert checks == {(first.pk, s1.pk), (second.pk, s2.pk)}
    assert set(drill.supporters.values_list("supporter_id", flat=True)) == {s1.pk, s2.pk}
    assert drill.runs
    assert latest_states(drill) == dict.fromkeys([first.pk, second.pk, alone.pk], "not_reached")


def test_agreed_supporters_check_first(town):
    first = town["people"][0]
    s1 = town["supporters"][0]
    late = make_supporter(external_id="S-9", location=at(5, 5), available=NIGHT)
    first.mobility = "wheelchair"
    first.save()
    for helper in (s1, late):
        helper.can_push_wheelchair = True
        helper.save()
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    pair_step(person=first, supporter=s1, step="ask", user=town["officer"], how="phone")
    pair_step(person=first, supporter=s1, step="agree", user=town["officer"])
    drill = start(town)
    ranks = dict(DrillCheck.objects.filter(drill=drill, person=first)
                 .values_list("supporter_id", "rank"))  # fmt: skip
    assert ranks == {s1.pk: 0, late.pk: 1}


def test_an_event_takes_the_others_only_under_an_active_emergency_disclosure(town):
    sealed = town["people"][3]
    drill = start(town, kind=DrillKind.EVENT)
    assert not DrillPerson.objects.filter(drill=drill, person=sealed).exists()
    user_create_with_role(username="officer2", role="officer", neighbourhoods=[],
                          password="a-long-password-for-tests")  # fmt: skip
    second = get_user_model().objects.get(username="officer2")
    emergency = EmergencyDisclosure.objects.create(
        hazard="flood", reason="大雨特別警報", declared_by=town["officer"], confirmed_by=second,
        confirmed_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=6),
    )  # fmt: skip
    emergency.neighbourhoods.set([town["area"]])
    drill = start(town, kind=DrillKind.EVENT)
    listed = DrillPerson.objects.get(drill=drill, person=sealed)
    assert listed.under_emergency
    drill = start(town)  # a drill never does
    assert not DrillPerson.objects.filter(drill=drill, person=sealed).exists()


def test_no_drill_without_a_plan_run_for_the_scenario(town):
    with pytest.raises(DrillRefused, match="no finished plan run"):
        start(town, slot="weekend_day")


def test_a_report_is_written_once_per_key_and_separate_presses_are_separate_events(town):
    drill = start(town)
    first = town["people"][0]
    s1 = town["supporters"][0]
    report, written = drill_report(drill, first, "contacted", key="k1", supporter=s1)
    again, written_again = drill_report(drill, first, "contacted", key="k1", supporter=s1)
    assert written and not written_again and again.pk == report.pk
    drill_report(drill, first, "contacted", key="k2", supporter=s1)
    drill_report(drill, first, "evacuating", key="k3", supporter=s1)
    assert DrillReport.objects.filter(drill=drill).count() == 3
    assert latest_states(drill)[first.pk] == "evacuating"


def test_a_supporter_reports_only_on_their_own_people_while_the_drill_is_open(town):
    drill = start(town)
    first, second = town["people"][:2]
    s1 = town["supporters"][0]
    with pytest.raises(DrillRefused, match="does not check on"):
        drill_report(drill, second, "contacted", key="x", supporter=s1)
    with pytest.raises(DrillRefused, match="not a state"):
        drill_report(drill, first, "not_reached", key="y", supporter=s1)
    drill_close(drill)
    with pytest.raises(DrillRefused, match="not open"):
        drill_report(drill, first, "contacted", key="z", supporter=s1)


def test_an_officer_enters_a_report_taken_by_phone_marked_as_such(town):
    drill = start(town)
    alone = town["people"][2]
    report, _ = drill_report(drill, alone, CheckState.SAFE_AT_HOME, key="p", user=town["officer"],
                             note="電話で確認")  # fmt: skip
    assert report.on_behalf and report.entered_by == town["officer"] and report.supporter is None


def test_reports_are_never_changed_or_deleted(town):
    drill = start(town)
    report, _ = drill_report(drill, town["people"][0], "contacted", key="k",
                             supporter=town["supporters"][0])  # fmt: skip
    report.state = "arrived"
    with pytest.raises(ValueError, match="never changed"):
        report.save()
    with pytest.raises(ValueError, match="never deleted"):
        report.delete()


def test_a_link_opens_only_its_supporter_in_its_drill_while_it_is_open(town):
    drill = start(town)
    s1, s2 = town["supporters"]
    token = link_token(drill, s1)
    assert token == link_token(drill, s1)  # the same link on a rerun
    opened = open_link(token)
    assert opened.supporter == s1 and opened.drill == drill and opened.opened_at is not None
    assert open_link(link_token(drill, s2)).supporter == s2
    with pytest.raises(LinkRefused):
        open_link(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    other = start(town, name="別の訓練")
    assert open_link(link_token(other, s1)).drill == other
    stranger = make_supporter(external_id="S-X", location=at(900, 900), available=NIGHT)
    with pytest.raises(LinkRefused, match="no one"):
        open_link(link_token(drill, stranger))
    drill_close(drill)
    with pytest.raises(LinkRefused, match="over"):
        open_link(token)


def test_a_link_stops_at_the_drills_end(town):
    drill = start(town, starts_at=timezone.now() - dt.timedelta(hours=4),
                  ends_at=timezone.now() - dt.timedelta(minutes=1))  # fmt: skip
    with pytest.raises(LinkRefused, match="over"):
        open_link(link_token(drill, town["supporters"][0]))
