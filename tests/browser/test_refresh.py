"""Pages that follow work in progress and hold a form (plan runs, printing) refresh
themselves, but never under an officer who has begun to choose: the choice would be lost."""

import time

import pytest
from django.utils import timezone

from planner.models import PlanRun, RunStatus
from registry.management.commands.create_user import user_create_with_role
from tests.clients import PASSWORD
from tests.factories import make_neighbourhood

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_the_runs_page_refreshes_until_the_officer_starts_choosing(page, live_server):
    make_neighbourhood(code="N5", name="旭町")
    user_create_with_role(username="officer", role="officer", neighbourhoods=[], password=PASSWORD)
    PlanRun.objects.create(hazard="flood", slot="weekday_night", status=RunStatus.RUNNING,
                           started_at=timezone.now(), performed_by="test")  # fmt: skip
    log_in(page, live_server, "officer")

    page.goto(f"{live_server.url}/runs/")
    with page.expect_navigation(timeout=12_000):  # an untouched page reloads itself
        pass
    page.select_option("select[name=neighbourhood]", "N5")
    time.sleep(7)

    assert page.input_value("select[name=neighbourhood]") == "N5"
    assert page.is_visible("#refresh-paused")
