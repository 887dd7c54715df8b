"""A plan run's life as other sessions see it: `running` with its stage while it works, `done`
with every result, or `failed` with its error and no result at all. These tests commit for
real (transaction=True), so that a second connection sees only what was committed."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from planner.models import (
    PersonPlan,
    PlanRun,
    RunStage,
    RunStatus,
    ShelterAssignment,
    SupporterAssignment,
)
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.models import AuditEntry
from tests.factories import at, make_person, make_shelter, make_supporter

pytestmark = pytest.mark.django_db(transaction=True)
NIGHT = ["weekday_night"]


@pytest.fixture
def town():
    make_shelter(external_id="SH-1", location=at(0, 1000), hazards=["flood"])
    person = make_person(external_id="A", location=at(0, 0))
    make_supporter(external_id="S", location=at(50, 0), available=NIGHT)
    return person


def seen_by_another_session() -> list[tuple[str, str, str]]:
    """The runs as another session sees them: (status, stage, error)."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT status, stage, error FROM planner_planrun ORDER BY id")
            return list(cursor.fetchall())
    finally:
        other.close()


def test_it_shows_a_working_run_as_running_with_its_stage(town):
    seen: dict[str, list[tuple[str, str, str]]] = {}

    def progress(message: str) -> None:
        seen[message] = seen_by_another_session()

    run = plan_run_create(
        scenario=Scenario("flood", "weekday_night"), performed_by="test", progress=progress
    )

    by_stage = {message.split(";")[0]: rows for message, rows in seen.items()}
    assert by_stage["1 people to plan, 0 without consent"] == [
        (RunStatus.RUNNING, RunStage.CANDIDATES, "")
    ]
    assert by_stage["1 person-supporter pairs in reach"] == [
        (RunStatus.RUNNING, RunStage.SUPPORTERS, "")
    ]
    assert by_stage["matching supporters"] == [(RunStatus.RUNNING, RunStage.SHELTERS, "")]
    assert by_stage["saving the run"] == [(RunStatus.RUNNING, RunStage.SAVING, "")]
    # Nothing of the results shows before the run is saved.
    assert seen_by_another_session() == [(RunStatus.DONE, "", "")]
    run.refresh_from_db()
    assert (run.status, run.stage, run.error) == (RunStatus.DONE, "", "")
    assert run.finished_at is not None
    assert PersonPlan.objects.filter(run=run).count() == 1


def test_it_ends_a_run_that_raises_midway_failed_with_its_error_and_no_results(town):
    def progress(message: str) -> None:
        if message.startswith("matching supporters"):
            raise RuntimeError("the shelter data went away")

    with pytest.raises(RuntimeError, match="the shelter data went away"):
        plan_run_create(
            scenario=Scenario("flood", "weekday_night"), performed_by="test", progress=progress
        )

    run = PlanRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert run.error == "RuntimeError: the shelter data went away"
    assert run.finished_at is not None
    assert seen_by_another_session() == [
        (RunStatus.FAILED, RunStage.SHELTERS, "RuntimeError: the shelter data went away")
    ]
    assert not PersonPlan.objects.exists()
    assert not SupporterAssignment.objects.exists()
    assert not ShelterAssignment.objects.exists()


def test_it_writes_no_half_of_the_results_when_saving_fails(town, settings):
    # A weight beyond what a person's plan can hold makes the save fail after the
    # assignments were written: they must go with it.
    settings.PLANNING = {**settings.PLANNING, "WEIGHT_BASE": 40_000}

    with pytest.raises(Exception, match="smallint"):
        plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")

    run = PlanRun.objects.get()
    assert run.status == RunStatus.FAILED and "smallint" in run.error
    assert not PersonPlan.objects.exists()
    assert not SupporterAssignment.objects.exists()
    assert not ShelterAssignment.objects.exists()
    assert not AuditEntry.objects.filter(model="planner.planrun").exists()
