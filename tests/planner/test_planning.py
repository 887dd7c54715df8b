"""Plan runs on hand-placed people, supporters and shelters with known answers: every rule of
planning.md, the objectives, stability of confirmed assignments, and the command's JSON."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from planner.agreements import pair_step
from planner.models import (
    AssignmentState,
    DroppedAssignment,
    PersonPlan,
    PlanRun,
    ShelterAssignment,
    SupporterAssignment,
)
from planner.scenario import Scenario
from planner.services import plan_run_create
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
NIGHT = ["weekday_night"]


def plan(**scenario) -> PlanRun:
    values = {"hazard": "flood", "slot": "weekday_night", **scenario}
    return plan_run_create(scenario=Scenario(**values), performed_by="test")


def supporters_of(run, person):
    return [
        a.supporter.external_id
        for a in SupporterAssignment.objects.filter(run=run, person=person).order_by("distance_m")
    ]


def shelter_of(run, person):
    found = ShelterAssignment.objects.filter(run=run, person=person).first()
    return found.shelter.external_id if found else None


def outcome(run, person):
    return PersonPlan.objects.get(run=run, person=person)


@pytest.fixture
def shelter():
    return make_shelter(external_id="SH-1", location=at(0, 1000), hazards=["flood"])


def test_it_covers_more_people_than_nearest_first(shelter):
    a = make_person(external_id="A", location=at(0, 0))
    b = make_person(external_id="B", location=at(100, 0))
    make_supporter(external_id="S-near", location=at(50, 0), available=NIGHT)
    make_supporter(external_id="S-far", location=at(-400, 0), available=NIGHT)

    run = plan()

    # Nearest first would give S-near to A and leave B alone.
    assert supporters_of(run, a) == ["S-far"]
    assert supporters_of(run, b) == ["S-near"]
    assert run.stats["covered"] == 2


def test_it_gives_everyone_one_supporter_before_anyone_a_second(shelter):
    wheelchair = make_person(
        external_id="W", mobility="wheelchair", location=at(0, 0), reasons=["physical_disability_1"]
    )
    walker = make_person(external_id="P", location=at(200, 0))
    for name, east in (("S1", 10), ("S2", 20)):
        make_supporter(
            external_id=name, location=at(east, 0), available=NIGHT, can_push_wheelchair=True
        )
    shelter.barrier_free = True
    shelter.save()

    run = plan()

    assert len(supporters_of(run, wheelchair)) == 1 and len(supporters_of(run, walker)) == 1
    assert outcome(run, wheelchair).status == "partial"
    assert outcome(run, wheelchair).reasons == ["supporters_at_capacity"]
    assert outcome(run, walker).status == "covered"


def test_it_favours_people_in_hazard_areas_and_on_medical_devices(shelter):
    make_hazard_area(kind="flood", geom=square(300, -50, 400, 50))
    plain = make_person(external_id="plain", location=at(0, 0))
    exposed = make_person(external_id="exposed", location=at(350, 0))
    make_supporter(external_id="S", location=at(100, 0), available=NIGHT)

    run = plan()

    assert supporters_of(run, exposed) == ["S"] and supporters_of(run, plain) == []
    assert outcome(run, exposed).in_hazard_area and outcome(run, exposed).weight == 3

    exposed.delete()
    oxygen = make_person(external_id="oxygen", location=at(-300, 0), medical_devices=["oxygen"])
    make_shelter(external_id="WS", kind="welfare_shelter", location=at(0, 500), hazards=["flood"])
    run = plan()
    assert supporters_of(run, oxygen) == ["S"] and supporters_of(run, plain) == []


def test_it_uses_only_supporters_available_in_the_slot_and_not_away(shelter):
    person = make_person(location=at(0, 0))
    make_supporter(external_id="day", location=at(10, 0), available=["weekday_day"])
    away = make_supporter(external_id="away", location=at(20, 0), available=NIGHT)

    run = plan(away_supporters=frozenset({"away"}))

    assert supporters_of(run, person) == []
    assert outcome(run, person).reasons == ["no_supporter_in_slot"]
    assert supporters_of(plan(slot="weekday_day"), person) == ["day"]
    assert supporters_of(plan(), person) == [away.external_id]


def test_it_keeps_supporters_within_reach(shelter):
    person = make_person(location=at(0, 0))
    make_supporter(external_id="far", location=at(510, 0), available=NIGHT)

    run = plan()

    assert supporters_of(run, person) == []
    assert outcome(run, person).reasons == ["no_supporter_in_reach"]
    make_supporter(external_id="near", location=at(490, 0), available=NIGHT)
    assert supporters_of(plan(), person) == ["near"]


def test_it_matches_what_supporters_can_do(shelter):
    shelter.barrier_free = True
    shelter.save()
    make_shelter(
        external_id="WS",
        kind="welfare_shelter",
        barrier_free=True,
        location=at(0, -800),
        hazards=["flood"],
    )
    wheelchair = make_person(external_id="W", mobility="wheelchair", location=at(0, 0))
    bedridden = make_person(external_id="B", mobility="bedridden", location=at(2000, 0))
    make_supporter(external_id="walker", location=at(10, 0), available=NIGHT)
    make_supporter(external_id="walker2", location=at(2010, 0), available=NIGHT)

    run = plan()

    assert supporters_of(run, wheelchair) == [] and supporters_of(run, bedridden) == []
    assert outcome(run, wheelchair).reasons == ["no_capable_supporter"]
    make_supporter(
        external_id="pusher", location=at(20, 0), available=NIGHT, can_push_wheelchair=True
    )
    make_supporter(external_id="driver", location=at(2020, 0), available=NIGHT, has_car=True)
    run = plan()
    assert supporters_of(run, wheelchair) == ["pusher"]
    assert supporters_of(run, bedridden) == ["driver"]


def test_it_respects_supporter_capacity_and_never_self_support(shelter):
    first = make_person(external_id="P1", location=at(0, 0))
    second = make_person(external_id="P2", location=at(30, 0))
    make_supporter(external_id="S", location=at(10, 0), available=NIGHT, capacity=1)
    make_supporter(
        external_id="self", location=at(0, 0), available=NIGHT, capacity=5, person=second
    )

    run = plan()

    assert supporters_of(run, second) == ["S"]
    assert supporters_of(run, first) == ["self"]


def test_it_sends_people_only_to_safe_open_shelters_of_the_right_kind():
    make_hazard_area(kind="flood", geom=square(-50, 950, 50, 1050))
    drowned = make_shelter(external_id="in-area", location=at(0, 1000), hazards=["flood"])
    make_shelter(external_id="quake-only", location=at(0, 200), hazards=["earthquake"])
    make_shelter(external_id="closed", location=at(0, 300), hazards=["flood"])
    make_shelter(
        external_id="welfare",
        kind="welfare_shelter",
        barrier_free=True,
        location=at(0, 400),
        hazards=["flood"],
    )
    make_shelter(external_id="steps", location=at(0, 500), hazards=["flood"], barrier_free=False)
    make_shelter(external_id="ramp", location=at(0, 600), hazards=["flood"], barrier_free=True)
    walker = make_person(external_id="walker", location=at(0, 0))
    wheelchair = make_person(external_id="wheel", mobility="wheelchair", location=at(10, 0))
    bedridden = make_person(external_id="bed", mobility="bedridden", location=at(20, 0))
    too_far = make_person(external_id="far", location=at(9000, 0))

    run = plan(closed_shelters=frozenset({"closed"}))

    assert shelter_of(run, walker) == "steps"
    assert shelter_of(run, wheelchair) == "ramp"
    assert shelter_of(run, bedridden) == "welfare"
    assert shelter_of(run, too_far) is None
    assert "no_safe_shelter" in outcome(run, too_far).reasons
    assert not ShelterAssignment.objects.filter(shelter=drowned).exists()
    distance = ShelterAssignment.objects.get(run=run, person=walker).distance_m
    assert distance == pytest.approx(500, abs=1)


def test_it_fills_shelters_no_more_than_their_capacity():
    make_shelter(external_id="small", capacity=1, location=at(0, 100), hazards=["flood"])
    people = [make_person(external_id=f"P{i}", location=at(i * 10, 0)) for i in range(3)]

    run = plan()

    assert ShelterAssignment.objects.filter(run=run).count() == 1
    unsheltered = [p for p in people if shelter_of(run, p) is None]
    assert all("shelters_full" in outcome(run, p).reasons for p in unsheltered)


def test_it_finds_room_beyond_the_nearest_shelters_when_they_fill():
    # Twenty people and twenty one-place shelters in a row: the last people must go past the
    # sixteen nearest, which the first fetch holds, to the far ones.
    for i in range(20):
        make_shelter(
            external_id=f"SH{i:02d}", capacity=1, location=at(i * 100, 50), hazards=["flood"]
        )
    for i in range(20):
        make_person(external_id=f"P{i:02d}", location=at(0, 0))

    run = plan()

    assert ShelterAssignment.objects.filter(run=run).count() == 20
    assert run.stats["shelter_rounds"] >= 1


def test_it_leaves_out_inactive_people_and_gives_nothing_without_consent(shelter):
    make_person(external_id="moved", status="moved")
    refused = make_person(external_id="refused", consent="refused")
    make_supporter(location=at(10, 0), available=NIGHT)

    run = plan()

    assert not PersonPlan.objects.filter(run=run, person__external_id="moved").exists()
    assert outcome(run, refused).status == "no_consent"
    assert supporters_of(run, refused) == [] and shelter_of(run, refused) is None
    assert run.stats["no_consent"] == 1


def test_it_keeps_agreed_supporters_while_they_are_allowed(shelter):
    person = make_person(location=at(0, 0))
    make_supporter(external_id="near", location=at(10, 0), available=NIGHT)
    make_supporter(external_id="far", location=at(300, 0), available=NIGHT)
    first = plan()
    assert supporters_of(first, person) == ["near"]
    # The family prefers the neighbour farther away: "far" said yes, "near" said no.
    pair_step(person=person, supporter=make_supporter_ref("far"), step="agree", user=None)
    pair_step(person=person, supporter=make_supporter_ref("near"), step="decline", user=None)

    second = plan()

    kept = SupporterAssignment.objects.get(run=second, person=person)
    assert (kept.supporter.external_id, kept.state) == ("far", AssignmentState.CONFIRMED)
    assert second.stats["kept"] == 1

    third = plan(away_supporters=frozenset({"far"}))

    assert supporters_of(third, person) == []  # "near" declined, "far" is away
    dropped = DroppedAssignment.objects.get(run=third)
    assert dropped.supporter == make_supporter_ref("far")
    assert dropped.reason == "the supporter is away"
    # Stored with its message, so that pages say it in the reader's language.
    with translation.override("ja"):
        assert dropped.reason_in_words == "支援者が不在です"
    with translation.override("en"):
        assert dropped.reason_in_words == "the supporter is away"
    # The agreement holds: once "far" is back, every later run keeps them again.
    assert supporters_of(plan(), person) == ["far"]


def test_an_agreement_holds_in_every_scenario_and_asked_pairs_come_after_agreed_ones(shelter):
    person = make_person(location=at(0, 0), mobility="wheelchair")  # needs two
    make_supporter(
        external_id="a",
        can_push_wheelchair=True,
        location=at(10, 0),
        available=["weekday_night", "weekend_day"],
    )
    make_supporter(
        external_id="b",
        can_push_wheelchair=True,
        location=at(20, 0),
        available=["weekday_night", "weekend_day"],
    )
    make_supporter(
        external_id="c",
        can_push_wheelchair=True,
        location=at(400, 0),
        available=["weekday_night", "weekend_day"],
    )
    make_shelter(external_id="SH-L", location=at(0, -900), hazards=["landslide"])
    pair_step(person=person, supporter=make_supporter_ref("c"), step="agree", user=None)
    pair_step(person=person, supporter=make_supporter_ref("b"), step="ask", user=None, how="phone")

    flood = plan()
    landslide = plan(hazard="landslide", slot="weekend_day")

    # The agreed pair and the asked one take the two places in both scenarios, even though
    # "a" is nearer than "c": agreement is a pair's, whatever the hazard.
    assert set(supporters_of(flood, person)) == {"b", "c"}
    assert set(supporters_of(landslide, person)) == {"b", "c"}
    states = dict(
        SupporterAssignment.objects.filter(run=landslide).values_list(
            "supporter__external_id", "state"
        )
    )
    assert states == {"c": AssignmentState.CONFIRMED, "b": AssignmentState.PROPOSED}


def make_supporter_ref(external_id):
    from registry.models import Supporter

    return Supporter.objects.get(external_id=external_id)


def test_it_plans_one_neighbourhood_only(shelter):
    area = make_neighbourhood(code="N1", geom=square(-100, -100, 100, 100))
    inside = make_person(external_id="in", location=at(0, 0), neighbourhood=area)
    make_person(external_id="out", location=at(500, 0))
    make_supporter(location=at(10, 0), available=NIGHT)

    run = plan(neighbourhood="N1")

    assert list(PersonPlan.objects.filter(run=run).values_list("person", flat=True)) == [inside.pk]
    assert run.neighbourhood == area


def test_it_prints_the_json_of_the_public_contract(shelter):
    make_person(external_id="P-0001", location=at(0, 0), mobility="wheelchair")
    make_person(external_id="P-0002", location=at(6000, 0), consent="no_reply")
    make_supporter(
        external_id="S-0042", location=at(10, 0), available=NIGHT, can_push_wheelchair=True
    )
    shelter.barrier_free = True
    shelter.save()
    out = io.StringIO()

    call_command(
        "plan", hazard="flood", slot="weekday_night", json=True, stdout=out, stderr=io.StringIO()
    )

    data = json.loads(out.getvalue())
    assert data["scenario"] == {"hazard": "flood", "slot": "weekday_night", "neighbourhood": None}
    assert data["people"][0] == {
        "person": "P-0001",
        "needed": 2,
        "supporters": ["S-0042"],
        "shelter": "SH-1",
        "shelter_distance_m": ShelterAssignment.objects.get().distance_m,
        "shelter_route_m": None,  # no street network loaded
        "in_hazard_area": False,
        "status": "partial",
        "reasons": ["supporters_at_capacity"],
    }
    assert abs(data["people"][0]["shelter_distance_m"] - 1000) <= 5
    assert data["people"][1]["status"] == "no_consent"
    assert data["stats"] == {
        "people": 2,
        "covered": 0,
        "partial": 1,
        "uncovered": 0,
        "no_consent": 1,
    }
    assert data["run"] == PlanRun.objects.get().pk


def test_it_refuses_a_scenario_naming_what_does_not_exist():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no neighbourhood with code 'N99'") as excinfo:
        call_command(
            "plan", hazard="flood", slot="weekday_night", neighbourhood="N99", stdout=io.StringIO()
        )
    assert excinfo.value.returncode == 2
    assert not PlanRun.objects.exists()


def test_it_shows_runs_to_officers_in_the_admin(shelter):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    make_person(location=at(0, 0))
    run = plan()
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("o", password="a-long-password-1"))

    listing = client.get(reverse("admin:planner_planrun_changelist"))
    detail = client.get(reverse("admin:planner_planrun_change", args=[run.pk]))

    assert listing.status_code == 200 and detail.status_code == 200
    assert f"計画の実行 {run.pk}：" in detail.content.decode()  # the summary, in Japanese


def test_it_plans_nothing_when_asked_to_only_if_no_run_of_the_scenario_exists(shelter):
    make_person(location=at(0, 0))
    out = io.StringIO()

    call_command("plan", hazard="flood", slot="weekday_night", if_none=True, stdout=out)
    call_command("plan", hazard="flood", slot="weekday_night", if_none=True, stdout=out)
    call_command("plan", hazard="landslide", slot="weekend_day", if_none=True, stdout=out)

    assert PlanRun.objects.count() == 2
    assert "nothing planned" in out.getvalue()


def test_it_reports_confirmed_assignments_of_people_who_withdrew_consent(shelter):
    person = make_person(location=at(0, 0))
    make_supporter(external_id="S", location=at(10, 0), available=NIGHT)
    first = plan()
    pair_step(person=person, supporter=make_supporter_ref("S"), step="agree", user=None)
    ShelterAssignment.objects.filter(run=first).update(state=AssignmentState.CONFIRMED)
    person.consent = "refused"
    person.save()

    second = plan()

    assert outcome(second, person).status == "no_consent"
    reasons = set(DroppedAssignment.objects.filter(run=second).values_list("reason", flat=True))
    assert reasons == {"the person no longer consents to sharing"}
    assert DroppedAssignment.objects.filter(run=second).count() == 2
