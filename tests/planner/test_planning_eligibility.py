"""One source for each rule: the candidate search (in SQL, or over arrays in memory), generated
from planner.eligibility's tables, allows exactly the pairs its Python predicates allow (which
the diagnosis uses)."""

import itertools

import pytest
from django.db import transaction

from planner import eligibility, nearby
from planner.candidates import PlanningTables, load_people
from planner.scenario import Policy, Scenario
from registry.models import Shelter, Supporter
from tests.factories import at, make_person, make_shelter, make_supporter

pytestmark = pytest.mark.django_db
SCENARIO = Scenario("flood", "weekday_night")


def test_it_pairs_supporters_in_sql_exactly_as_the_python_rule_allows():
    people = [
        make_person(external_id=f"P-{mobility}", location=at(0, 0), mobility=mobility,
                    reasons=["physical_disability_1"])
        for mobility in ("walks_alone", "wheelchair", "bedridden")
    ]  # fmt: skip
    for i, (push, carry, car) in enumerate(itertools.product([False, True], repeat=3)):
        make_supporter(
            external_id=f"S-{i}", location=at(10 * i, 0), available=["weekday_night"],
            can_push_wheelchair=push, can_carry=carry, has_car=car,
        )  # fmt: skip
    make_supporter(
        external_id="S-self", location=at(0, 0), available=["weekday_night"], person=people[0]
    )
    policy = Policy.from_settings()

    with transaction.atomic():
        loaded = load_people(SCENARIO, policy, None)
        with PlanningTables(SCENARIO, policy, loaded) as tables:
            targets = tables.supporters([], [])
            arcs = tables.supporter_arcs()
    in_sql = {
        (int(loaded.ids[p]), int(targets.ids[s]))
        for p, s in zip(arcs.person, arcs.target, strict=True)
    }

    in_python = set()
    for p, person in enumerate(loaded.ids):
        for supporter in Supporter.objects.all():
            refusal = eligibility.supporter_refusal(
                capability=loaded.capability[p], supporter=supporter, person_id=int(person),
                distance=0, reach=policy.supporter_reach_m,
            )  # fmt: skip
            if refusal is None:
                in_python.add((int(person), supporter.pk))
    assert in_sql == in_python
    assert len(in_sql) == 8 + 4 + 6  # everyone for walkers, pushers, carriers or drivers


def test_it_offers_shelters_in_sql_exactly_as_the_python_rule_allows():
    people = [
        make_person(external_id="walker", location=at(0, 0)),
        make_person(external_id="chair", location=at(0, 0), mobility="wheelchair",
                    reasons=["physical_disability_1"]),
        make_person(external_id="bed", location=at(0, 0), mobility="bedridden",
                    reasons=["physical_disability_1"]),
    ]  # fmt: skip
    for i, (kind, free) in enumerate(
        itertools.product(["shelter", "welfare_shelter"], [False, True])
    ):
        make_shelter(
            external_id=f"SH-{i}", location=at(0, 100 * (i + 1)), kind=kind, barrier_free=free,
            hazards=["flood"],
        )  # fmt: skip
    policy = Policy.from_settings()

    with transaction.atomic():
        loaded = load_people(SCENARIO, policy, None)
        with PlanningTables(SCENARIO, policy, loaded) as tables:
            targets = tables.shelters([])
            arcs = tables.shelter_arcs(10)
    in_sql = {
        (int(loaded.ids[p]), int(targets.ids[s]))
        for p, s in zip(arcs.person, arcs.target, strict=True)
    }

    in_python = {
        (int(person), shelter.pk)
        for p, person in enumerate(loaded.ids)
        for shelter in Shelter.objects.all()
        if eligibility.shelter_refusal(
            {"welfare": bool(loaded.welfare[p]), "barrier_free": bool(loaded.barrier_free[p])},
            eligibility.shelter_offer(shelter),
        )
        is None
    }
    assert in_sql == in_python
    assert {person.pk for person in people} == {p for p, _ in in_sql}


def test_it_settles_pairs_too_close_to_call_in_postgis_with_the_same_result(monkeypatch):
    for i, east in enumerate((0, 120, 480, 499.6, 500.4, 700)):
        make_person(external_id=f"P-{i}", location=at(east, 0))
        make_supporter(external_id=f"S-{i}", location=at(east, 30), available=["weekday_night"])
    policy = Policy.from_settings()

    def arcs_found() -> set[tuple[int, int, int]]:
        with transaction.atomic():
            loaded = load_people(SCENARIO, policy, None)
            with PlanningTables(SCENARIO, policy, loaded) as tables:
                tables.supporters([], [])
                arcs = tables.supporter_arcs()
            transaction.set_rollback(True)
        return set(
            zip(arcs.person.tolist(), arcs.target.tolist(), arcs.distance.tolist(), strict=True)
        )

    in_memory = arcs_found()
    # Every pair unsure: PostGIS measures them all.
    monkeypatch.setattr(nearby, "UNSURE_M", 1e9)
    settled = arcs_found()

    assert settled == in_memory
    assert len(in_memory) > 6  # neighbours reach each other, not only their own supporter
