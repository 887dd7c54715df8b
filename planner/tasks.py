"""Plan runs as tasks of Django's task framework, so that a city-scale run started from a page
can go to a worker. With the default backend the task runs at once, in the request."""

from typing import Any

from django.contrib.auth import get_user_model
from django.tasks import task

from planner.scenario import Scenario
from planner.services import plan_run_create


@task
def plan_scenario(hazard: str, slot: str, neighbourhood: str | None, user_id: int) -> int:
    user: Any = get_user_model().objects.get(pk=user_id)
    run = plan_run_create(
        scenario=Scenario(hazard=hazard, slot=slot, neighbourhood=neighbourhood),
        performed_by=user.get_username(),
        user=user,
    )
    return run.pk
