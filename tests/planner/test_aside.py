"""The supporter solve in a process of its own gives what it gives in this process, and a run
that solves aside plans exactly as one that does not."""

import os
from pathlib import Path

import numpy as np
import pytest

from planner import aside
from planner.matching import Arcs, SupporterProblem, match_supporters
from planner.models import PersonPlan, PlanRun, RunStatus, SupporterAssignment
from planner.scenario import Scenario
from planner.services import plan_run_create
from tests.factories import at, make_person, make_shelter, make_supporter


def solving_aside() -> list[int]:
    """This process's children that are a supporter solve (`python -m planner.aside`)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid() and b"planner.aside" in command:
            found.append(int(stat.parent.name))
    return found


def random_problem(seed: int) -> SupporterProblem:
    rng = np.random.default_rng(seed)
    people, supporters, pairs = 60, 30, 400
    person, target = rng.integers(0, people, pairs), rng.integers(0, supporters, pairs)
    unique = np.unique(person * supporters + target)
    return SupporterProblem(
        weights=rng.integers(1, 5, people),
        needed=rng.integers(1, 3, people),
        filled=np.zeros(people, dtype=np.int64),
        capacity=rng.integers(0, 4, supporters),
        arcs=Arcs(unique // supporters, unique % supporters, rng.integers(0, 500, len(unique))),
    )


def test_a_solve_in_another_process_gives_the_same_optimum(monkeypatch):
    problem = random_problem(11)
    here = match_supporters(problem)
    monkeypatch.setattr(aside, "ASIDE_FROM_ARCS", 0)

    pending = aside.solve_supporters(problem)
    there = pending.result()

    assert (there.value, there.distance) == (here.value, here.distance)
    assert np.array_equal(there.chosen, here.chosen)
    assert pending._process is not None  # it did run in another process
    assert not solving_aside()


@pytest.fixture
def town():
    make_shelter(external_id="SH", location=at(0, 800), hazards=["flood"])
    for i in range(12):
        make_person(
            external_id=f"P-{i}", location=at(40 * i, 0),
            mobility="wheelchair" if i % 3 == 0 else "walks_alone",
            reasons=["physical_disability_1"],
        )  # fmt: skip
    for i in range(7):
        make_supporter(
            external_id=f"S-{i}", location=at(60 * i, 20), available=["weekday_night"],
            capacity=1 + i % 2, can_push_wheelchair=i % 2 == 0,
        )  # fmt: skip


def plan_of(run: PlanRun) -> tuple[set[tuple[str, str]], dict[str, int]]:
    pairs = set(
        SupporterAssignment.objects.filter(run=run).values_list(
            "person__external_id", "supporter__external_id"
        )
    )
    statuses = {
        p.person.external_id: p.status
        for p in PersonPlan.objects.filter(run=run).select_related("person")
    }
    return pairs, {**statuses, "value": run.stats["supporter_value"],
                   "metres": run.stats["supporter_distance_m"]}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_run_solving_aside_plans_as_one_solving_here(town, monkeypatch, settings):
    scenario = Scenario("flood", "weekday_night")
    here = plan_of(plan_run_create(scenario=scenario, performed_by="test"))
    settings.PLAN_SOLVE_ASIDE = True
    monkeypatch.setattr(aside, "ASIDE_FROM_ARCS", 0)

    there = plan_of(plan_run_create(scenario=scenario, performed_by="test"))

    assert there == here
    assert here[1]["value"] > 0


@pytest.mark.django_db(transaction=True)
def test_a_run_failing_while_solving_aside_leaves_no_process_and_no_plan(
    town, monkeypatch, settings
):
    settings.PLAN_SOLVE_ASIDE = True
    monkeypatch.setattr(aside, "ASIDE_FROM_ARCS", 0)

    seen_solving: list[int] = []

    def progress(message: str) -> None:
        if message.startswith("matching supporters"):
            seen_solving.extend(solving_aside())
            raise RuntimeError("the shelter data went away")

    with pytest.raises(RuntimeError, match="the shelter data went away"):
        plan_run_create(
            scenario=Scenario("flood", "weekday_night"), performed_by="test", progress=progress
        )

    assert PlanRun.objects.get().status == RunStatus.FAILED
    assert not SupporterAssignment.objects.exists()
    assert seen_solving  # the solve was under way in its own process
    assert not solving_aside()  # and was stopped with the run


def test_a_city_that_turns_the_second_process_off_solves_here(monkeypatch):
    monkeypatch.setattr(aside, "ASIDE_FROM_ARCS", 0)
    problem = random_problem(5)

    pending = aside.solve_supporters(problem, allowed=False)

    assert pending._process is None  # solved before the call returned
    assert pending.result().value == match_supporters(problem).value
