"""Coverage per neighbourhood, from the one counting query: the run's statistics and the
pages' counts agree, a page may ask for one scenario, and people without consent in the
hazard area count as exposed."""

import pytest

from planner.models import PersonPlan
from planner.scenario import Scenario
from planner.selectors import coverage_by_neighbourhood
from planner.services import plan_run_create
from tests.factories import (
    at,
    make_hazard_area,
    make_neighbourhood,
    make_person,
    make_shelter,
    square,
)

pytestmark = pytest.mark.django_db


def plan(hazard="flood", slot="weekday_night"):
    return plan_run_create(scenario=Scenario(hazard, slot), performed_by="test")


@pytest.fixture
def area():
    area = make_neighbourhood(code="N1", geom=square(-1000, -1000, 1000, 1000))
    make_shelter(external_id="SH-1", location=at(0, 3000), hazards=["flood", "landslide"])
    make_hazard_area(kind="flood", geom=square(-100, -100, 100, 100))
    return area


def test_it_counts_people_without_consent_in_the_hazard_area_as_exposed(area):
    refused = make_person(external_id="R", location=at(0, 0), consent="refused", neighbourhood=area)
    make_person(external_id="OUT", location=at(500, 500), consent="refused", neighbourhood=area)

    run = plan()

    assert PersonPlan.objects.get(run=run, person=refused).in_hazard_area
    assert run.stats["in_hazard_area_not_covered"] == 1
    assert run.stats["neighbourhoods"]["N1"]["in_hazard_area_not_covered"] == 1
    assert run.stats["neighbourhoods"]["N1"]["no_consent"] == 2
    [row] = coverage_by_neighbourhood([area])
    assert (row.hazard, row.slot, row.run_id) == ("flood", "weekday_night", run.pk)
    assert row.counts["exposed"] == 1 and row.counts["no_consent"] == 2


def test_it_gives_one_row_per_scenario_or_only_the_one_asked_for(area):
    make_person(external_id="A", location=at(0, 0), neighbourhood=area)
    flood = plan()
    plan()  # the latest flood run stands for the scenario
    latest_flood = plan()
    landslide = plan(hazard="landslide", slot="weekday_day")

    rows = coverage_by_neighbourhood([area])
    assert sorted((r.hazard, r.slot, r.run_id) for r in rows) == [
        ("flood", "weekday_night", latest_flood.pk),
        ("landslide", "weekday_day", landslide.pk),
    ]
    assert flood.pk != latest_flood.pk
    [only] = coverage_by_neighbourhood([area], hazard="landslide")
    assert (only.hazard, only.run_id, only.counts["people"]) == ("landslide", landslide.pk, 1)
    assert coverage_by_neighbourhood([area], hazard="flood", slot="weekday_day") == []
