"""Whose copy a printout is, what it holds, and which scenario's plan it prints."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from planner.models import PersonPlan
from planner.scenario import Scenario
from planner.services import plan_run_create
from printouts.bundle import render_bundle
from printouts.card import render_family_card
from printouts.plan_pdf import render_plan
from printouts.services import neighbourhood_sheets, print_person
from printouts.sheets import NotInCopy, plan_sheet
from registry.management.commands.create_user import user_create_with_role
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)
from tests.printouts.test_printouts import flat, pages_of, text_of

pytestmark = pytest.mark.django_db
WITHHELD = "健康に関する情報は、この写しには記載していません"


def test_print_person_honours_the_copy_asked_for(town, tmp_path: Path):
    print_person(town["hanako"], tmp_path, lang="ja", copy_for="commissioner")
    commissioner = text_of((tmp_path / "plan-P-1.pdf").read_bytes())
    card = text_of((tmp_path / "card-P-1.pdf").read_bytes())
    print_person(town["hanako"], tmp_path, lang="ja", copy_for="officer")
    officer = text_of((tmp_path / "plan-P-1.pdf").read_bytes())

    assert "民生委員用" in commissioner and "自治会用" not in commissioner
    assert flat("降圧剤") not in commissioner and flat("在宅酸素") not in commissioner
    assert flat("予備バッテリー（8時間）") not in commissioner
    assert flat(WITHHELD) in commissioner and flat(WITHHELD) in card
    assert flat("山田 花子") in commissioner and flat("佐藤 一郎") in commissioner
    assert "市職員用" in officer and flat("降圧剤") in officer and flat("在宅酸素") in officer
    assert flat(WITHHELD) not in officer


def test_the_family_copy_is_the_default_of_a_plan_and_prints_everything(town):
    with translation.override("ja"):
        sheet = plan_sheet(town["hanako"], copy_for="family")

    text = text_of(render_plan(sheet))

    assert "ご本人・ご家族用" in text and flat("降圧剤") in text


def test_a_copy_refuses_people_its_reader_may_not_see(town, tmp_path: Path):
    with pytest.raises(NotInCopy, match="P-2"):
        plan_sheet(town["secret"], copy_for="association")
    with pytest.raises(CommandError, match="no person with ID 'P-2'"):
        call_command("print_plans", out=str(tmp_path), person="P-2", copy_for="association")

    call_command("print_plans", out=str(tmp_path), person="P-2", copy_for="officer")
    assert (tmp_path / "plan-P-2.pdf").exists()
    user_create_with_role(
        username="auditor", role="auditor", neighbourhoods=[], password="a-long-password-for-tests"
    )
    with pytest.raises(CommandError, match="prints no personal data"):
        call_command("print_plans", out=str(tmp_path), user="auditor")


def test_the_city_office_commissioner_bundle_leaves_out_health_and_refusals(town):
    people, sheets = neighbourhood_sheets(town["area"], copy_for="commissioner", lang="ja")

    assert [p.external_id for p in people] == ["P-1", "P-3"]
    assert not any(sheet.health_shown for sheet in sheets)
    assert all(not s.medication and not s.medical_devices and not s.reasons for s in sheets)


def test_the_card_of_a_full_copy_keeps_to_one_page(town):
    with translation.override("ja"):
        full = plan_sheet(town["hanako"])
        withheld = plan_sheet(town["hanako"], copy_for="commissioner")

    assert pages_of(render_family_card(full)) == 1
    assert pages_of(render_family_card(withheld)) == 1


# --- the scenario a printout is about -------------------------------------------------------


@pytest.fixture
def two_scenarios():
    """A flood run at night, then a landslide run by day: other supporters, other shelters."""
    area = make_neighbourhood(code="N1", name="本町", geom=square(-800, -800, 800, 800))
    person = make_person(external_id="P-1", name="山田 花子", location=at(0, 0), neighbourhood=area)
    make_supporter(external_id="S-N", name="夜間 支援", location=at(50, 0), neighbourhood=area,
                   available=["weekday_night"])  # fmt: skip
    make_supporter(external_id="S-D", name="昼間 支援", location=at(60, 0), neighbourhood=area,
                   available=["weekday_day"])  # fmt: skip
    make_shelter(external_id="F-1", name="洪水用小学校", location=at(0, 400), hazards=["flood"])
    make_shelter(external_id="L-1", name="土砂用公民館", location=at(0, -400),
                 hazards=["landslide"])  # fmt: skip
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    plan_run_create(scenario=Scenario("landslide", "weekday_day"), performed_by="test")
    return person


def test_one_plan_holds_every_hazard_and_the_helpers_of_each_time_of_day(two_scenarios):
    with translation.override("ja"):
        sheet = plan_sheet(two_scenarios)

    helpers = {h.name: h.slots for h in sheet.helpers}
    assert helpers == {"夜間 支援": ["weekday_night"], "昼間 支援": ["weekday_day"]}
    assert [(d.hazard_key, d.shelter) for d in sheet.destinations] == [
        ("flood", "洪水用小学校"), ("landslide", "土砂用公民館"),
    ]  # fmt: skip
    assert sheet.draft and sheet.version is None
    assert [s.planned for s in sheet.slots] == [True, True, False, False]
    text = text_of(render_plan(sheet))
    for words in ("夜間 支援", "昼間 支援", "洪水用小学校", "土砂用公民館"):
        assert flat(words) in text


def test_the_command_prints_issued_plans_and_counts_the_people_without_one(
    two_scenarios, tmp_path: Path
):
    out = io.StringIO()
    call_command("print_plans", out=str(tmp_path), neighbourhood="N1", copy_for="officer",
                 stdout=out)  # fmt: skip
    assert "1 people without an issued plan skipped" in out.getvalue()
    assert flat("夜間 支援") not in text_of((tmp_path / "bundle-N1-officer-ja.pdf").read_bytes())

    call_command("print_plans", out=str(tmp_path), neighbourhood="N1", copy_for="officer",
                 draft=True, stdout=io.StringIO())  # fmt: skip
    draft = text_of((tmp_path / "bundle-N1-officer-ja-draft.pdf").read_bytes())
    assert flat("夜間 支援") in draft and "案" in draft

    call_command("issue_plans", neighbourhood="N1", stdout=io.StringIO())
    call_command("print_plans", out=str(tmp_path), neighbourhood="N1", copy_for="officer",
                 stdout=io.StringIO())  # fmt: skip
    issued = text_of((tmp_path / "bundle-N1-officer-ja.pdf").read_bytes())
    assert flat("夜間 支援") in issued and flat("昼間 支援") in issued


def test_the_bundle_prints_each_persons_status_as_the_run_decided_it(town):
    """The roster reads the status the run stored, never one recomputed from the helpers and
    destinations on the sheet (which later decisions change)."""
    PersonPlan.objects.filter(person=town["hanako"]).update(status="uncovered")
    with translation.override("ja"):
        _people, sheets = neighbourhood_sheets(town["area"], copy_for="officer", lang="ja")
        hanako = next(sheet for sheet in sheets if sheet.person_id == "P-1")
        roster = text_of(render_bundle(neighbourhood="本町", association="本町町内会",
                                       sheets=[hanako], copy_for="officer"))  # fmt: skip

    assert hanako.status == "uncovered" and len(hanako.helpers) >= hanako.needed
    assert flat("未対応") in flat(roster)
