"""A run told back in sentences: English from the `plan` command, the reader's language in the
admin."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

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
def run(settings) -> PlanRun:
    settings.LANGUAGE_CODE = "ja"
    area = make_neighbourhood(code="N1", geom=square(-500, -500, 500, 500))
    make_person(neighbourhood=area, location=at(0, 0))
    make_supporter(neighbourhood=area, location=at(10, 0), available=["weekday_night"])
    make_shelter(location=at(0, 300), hazards=["flood"])
    out = io.StringIO()
    with translation.override("ja"):
        call_command("plan", hazard="flood", slot="weekday_night", stdout=out)
    run = PlanRun.objects.get()
    run.printed = out.getvalue()  # type: ignore[attr-defined]
    return run


def test_the_command_prints_its_summary_in_english_whatever_the_site_language(run):
    printed = run.printed

    assert f"Plan run {run.pk}: Flood / Weekday night, the whole city" in printed
    assert "people 1: covered 1, partial 0, uncovered 0, no consent 0" in printed
    assert "洪水" not in printed


def test_the_admin_shows_the_summary_in_the_readers_language(run):
    user_create_with_role(username="officer", role="officer", neighbourhoods=[], password=PASSWORD)
    page = reverse("admin:planner_planrun_change", args=[run.pk])

    japanese = as_user("officer").get(page).content.decode()
    english = as_user("officer").get(page, headers={"accept-language": "en"}).content.decode()

    assert f"計画の実行 {run.pk}：洪水 / 平日・夜、市全体" in japanese
    assert "対象 1人：対応済み 1" in japanese
    assert f"Plan run {run.pk}: Flood / Weekday night, the whole city" in english
