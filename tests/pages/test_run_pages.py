"""Plan runs from the pages: an officer starts one and sees it, with what changed."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

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


def _run(**fields):
    from django.utils import timezone

    values = {"hazard": "flood", "slot": "weekday_night", "started_at": timezone.now(),
              "performed_by": "test"}  # fmt: skip
    values.update(fields)
    return PlanRun.objects.create(**values)


def test_a_running_run_shows_its_stage_in_words_and_refreshes_itself(town):
    run = _run(status="running", stage="supporters")

    english = as_user("officer").get(
        reverse("run", args=[run.pk]), headers={"accept-language": "en"}
    )
    japanese = as_user("officer").get(reverse("run", args=[run.pk])).content.decode()
    listing = as_user("officer").get(reverse("runs"), headers={"accept-language": "en"})

    html = english.content.decode()
    assert "Running" in html and "Matching supporters" in html and "supporters</" not in html
    assert '<meta http-equiv="refresh"' in html
    assert "実行中" in japanese and '<meta http-equiv="refresh"' in japanese
    assert "Matching supporters" in listing.content.decode()
    # The list has a form: it refreshes by a script that stops once the form is touched
    # (tests/browser/test_refresh.py).
    assert 'data-refresh-seconds="5"' in listing.content.decode()
    assert "pages/refresh.js" in listing.content.decode()


def test_a_failed_run_shows_its_error_and_does_not_refresh(town):
    run = _run(status="failed", error="no shelter is designated for flood")

    html = as_user("officer").get(reverse("run", args=[run.pk]), headers={"accept-language": "en"})

    text = html.content.decode()
    assert "Failed" in text and "The plan run failed." in text
    assert "no shelter is designated for flood" in text
    assert 'http-equiv="refresh"' not in text


def test_a_finished_run_names_its_scenario_and_changes_in_words_and_city_time(town):
    import datetime as dt

    from planner.scenario import Scenario
    from planner.services import plan_run_create

    first = plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    second = plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    # 23:30 UTC is 08:30 the next morning in Tokyo.
    PlanRun.objects.filter(pk=second.pk).update(
        started_at=dt.datetime(2026, 4, 1, 23, 30, tzinfo=dt.UTC)
    )
    client = as_user("officer")

    english = client.get(reverse("run", args=[second.pk]), headers={"accept-language": "en"})
    japanese = client.get(reverse("run", args=[second.pk])).content.decode()
    listing = client.get(reverse("runs")).content.decode()

    html = english.content.decode()
    assert "Flood / Weekday night" in html and f"(#{first.pk})" in html
    assert "Covered" in html and "Partly covered" in html and "In the hazard area" in html
    assert "2026-04-02 08:30" in html and "2026-04-02 08:30" in listing
    assert "洪水 / 平日・夜" in japanese
    assert "対応済み" in japanese and "covered" not in japanese.split('id="changes"')[1]


def test_a_run_page_gives_the_reasons_for_dropped_decisions_in_the_readers_language(town):
    from planner.agreements import pair_step
    from planner.models import SupporterAssignment
    from registry.models import Supporter

    client = as_user("officer")
    data = {"hazard": "flood", "slot": "weekday_night", "neighbourhood": "N1"}
    client.post(reverse("runs"), data)
    for assignment in SupporterAssignment.objects.select_related("person", "supporter"):
        pair_step(person=assignment.person, supporter=assignment.supporter, step="agree",
                  user=None)  # fmt: skip
    Supporter.objects.update(active=False)
    client.post(reverse("runs"), data)
    run = PlanRun.objects.latest("pk")

    japanese = client.get(reverse("run", args=[run.pk])).content.decode()
    english = client.get(reverse("run", args=[run.pk]), headers={"accept-language": "en"})

    assert run.dropped.get().reason == "the supporter has retired"
    assert "支援者が登録を外れました" in japanese
    assert "the supporter has retired" in english.content.decode()


def test_it_shows_how_long_a_run_took_once_not_twice(town):
    run = PlanRun.objects.create(
        hazard="flood", slot="weekday_night", status="done", performed_by="test",
        timings={"candidates": 1.25, "supporters": 2.0, "total": 3.5},
        started_at=timezone.now(), finished_at=timezone.now(),
    )  # fmt: skip

    html = as_user("officer").get(reverse("run", args=[run.pk])).content.decode()

    assert "(3.5 s)" in html or "(3.5 秒)" in html
    assert "6.8" not in html  # the stages and the total added up
