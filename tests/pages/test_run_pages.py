"""Plan runs from the pages: an officer starts one and sees it, with what changed."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from planner.models import PlanRun
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

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    area = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    make_person(neighbourhood=area, location=at(0, 0))
    make_supporter(neighbourhood=area, location=at(10, 0), available=["weekday_night"])
    make_shelter(location=at(0, 300), hazards=["flood"])
    user_create_with_role(username="officer", role="officer", neighbourhoods=[], password=PASSWORD)
    user_create_with_role(
        username="association", role="association", neighbourhoods=["N1"], password=PASSWORD
    )


def test_it_starts_a_run_and_shows_it_with_the_changes(town):
    client = as_user("officer")
    data = {"hazard": "flood", "slot": "weekday_night", "neighbourhood": "N1"}

    first = client.post(reverse("runs"), data)
    second = client.post(reverse("runs"), data, follow=True)

    runs = list(PlanRun.objects.order_by("pk"))
    assert first.status_code == 302 and first["Location"] == reverse("run", args=[runs[0].pk])
    html = second.content.decode()
    assert len(runs) == 2 and runs[1].user == get_user_model().objects.get(username="officer")
    assert f"(#{runs[0].pk})" in html  # compared with the run before
    listing = client.get(reverse("runs")).content.decode()
    assert reverse("run", args=[runs[1].pk]) in listing


def test_it_explains_a_bad_scenario_and_keeps_runs_for_officers(town):
    bad = as_user("officer").post(reverse("runs"), {"hazard": "meteor", "slot": "weekday_night"},
                                  headers={"accept-language": "en"})  # fmt: skip

    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    assert not PlanRun.objects.exists()
    assert as_user("association").get(reverse("runs")).status_code == 403
    assert (
        as_user("association")
        .post(reverse("runs"), {"hazard": "flood", "slot": "weekday_night"})
        .status_code
        == 403
    )
