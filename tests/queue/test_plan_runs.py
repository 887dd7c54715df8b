"""Plan runs started from the page go through the real queue: the request returns with the run
waiting, a worker process runs it, and the page shows it done. A scenario already waiting or
running is refused; a run left `running` by a process that died does not block it."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from planner.models import PlanRun, RunStatus
from planner.run_locks import busy_run
from registry.management.commands.create_user import user_create_with_role
from tests.clients import PASSWORD, as_user
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)
from tests.queue.workers import wait_for, worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.queue]
FLOOD = {"hazard": "flood", "slot": "weekday_night", "neighbourhood": "N1"}


@pytest.fixture
def town():
    area = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    for east in range(0, 100, 20):
        make_person(neighbourhood=area, location=at(east, 0))
        make_supporter(neighbourhood=area, location=at(east, 10), available=["weekday_night"])
    make_shelter(location=at(0, 300), hazards=["flood"])
    user_create_with_role(username="officer", role="officer", neighbourhoods=[], password=PASSWORD)


def test_the_page_returns_at_once_and_a_worker_runs_the_plan(town):
    client = as_user("officer")

    response = client.post(reverse("runs"), FLOOD, headers={"accept-language": "en"})

    run = PlanRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("run", args=[run.pk])
    assert run.status == RunStatus.QUEUED and run.job
    waiting = client.get(reverse("run", args=[run.pk]), headers={"accept-language": "en"})
    assert "Waiting for a worker" in waiting.content.decode()
    assert '<meta http-equiv="refresh"' in waiting.content.decode()

    with worker():
        wait_for(
            lambda: PlanRun.objects.filter(pk=run.pk, status=RunStatus.DONE).exists(),
            seconds=60, what="the worker to finish the run",
        )  # fmt: skip

    run.refresh_from_db()
    assert run.stats["people"] == 5 and run.person_plans.count() == 5
    page = client.get(reverse("run", args=[run.pk]), headers={"accept-language": "en"})
    html = page.content.decode()
    assert "People planned" in html and 'http-equiv="refresh"' not in html


def test_a_scenario_waiting_or_running_is_refused_with_the_run_named(town):
    client = as_user("officer")
    client.post(reverse("runs"), FLOOD)

    again = client.post(reverse("runs"), FLOOD, headers={"accept-language": "en"}, follow=True)

    first = PlanRun.objects.get()
    assert f"Run {first.pk} of this scenario is not over" in again.content.decode()
    assert PlanRun.objects.count() == 1
    # Another scenario is not held up by it.
    client.post(reverse("runs"), {**FLOOD, "slot": "weekday_day"})
    assert PlanRun.objects.count() == 2


def test_a_run_left_running_by_a_dead_process_does_not_block_its_scenario(town):
    area = make_neighbourhood(code="N2", name="北町", geom=square(600, 600, 900, 900))
    left = PlanRun.objects.create(
        hazard="flood", slot="weekday_night", neighbourhood=area, status=RunStatus.RUNNING,
        started_at=timezone.now(), performed_by="killed",
    )  # fmt: skip

    with translation.override("en"):
        assert busy_run("flood", "weekday_night", area) is None

    left.refresh_from_db()
    assert left.status == RunStatus.FAILED and "stopped before it ended" in left.error
