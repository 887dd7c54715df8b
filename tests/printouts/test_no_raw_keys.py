"""No raw key reaches paper: every printout of a fully filled-in neighbourhood, planned for two
hazards, issued, in every copy and language, read back as text holds no `_`-joined key
(`weekday_night`, `care_level_3`, `check_safety` …) and no `language:xx` code."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from planner.agreements import pair_step
from planner.models import SupporterAssignment
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.models import EmergencyContact, Supporter
from tests.factories import (
    at,
    make_hazard_area,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

pytestmark = pytest.mark.django_db

RAW_KEY = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|language:")


@pytest.fixture
def filled_in():
    area = make_neighbourhood(code="N1", name="本町", association="本町町内会",
                              association_phone="0463-00-1111", commissioner="民生 委員",
                              commissioner_phone="090-0000-2222",
                              geom=square(-800, -800, 800, 800))  # fmt: skip
    make_hazard_area(kind="flood", level=3, geom=square(-300, -300, 300, 300))
    make_hazard_area(kind="landslide", level=2, geom=square(-50, -50, 50, 50))
    for number, (mobility, reasons, devices, communication) in enumerate(
        [
            ("wheelchair", ["care_level_3", "physical_disability_2"], ["oxygen"],
             ["hearing", "language:vi"]),
            ("bedridden", ["intractable_disease"], ["ventilator", "suction"], ["cognitive"]),
            ("needs_guidance", ["elderly_alone", "intellectual_a"], [], ["visual"]),
        ],
        start=1,
    ):  # fmt: skip
        person = make_person(
            external_id=f"P-{number}", name=f"本町 花子{number}", kana="ホンマチ ハナコ",
            address=f"支えあい市本町三丁目{number}番1号", location=at(20 * number, 10),
            neighbourhood=area, mobility=mobility, reasons=reasons, medical_devices=devices,
            communication=communication, medication="降圧剤", power_backup="8時間",
            lives_alone=number == 3, doctor="本町クリニック", doctor_phone="0463-11-1111",
            nurse="あおば訪問看護", nurse_phone="0463-22-2222", device_supplier="ライフケア",
            device_supplier_phone="0463-33-3333", consent_basis="同意書",
        )  # fmt: skip
        EmergencyContact.objects.create(person=person, name="本町 一郎", relation="長男",
                                        phone="090-1111-2222")  # fmt: skip
    make_person(external_id="P-9", name="拒否 多恵", consent="refused", location=at(-40, 0),
                address="支えあい市本町三丁目9番1号", neighbourhood=area)  # fmt: skip
    for number in range(1, 5):
        make_supporter(external_id=f"S-{number}", name=f"支援 太郎{number}", neighbourhood=area,
                       location=at(-30 * number, 40), can_push_wheelchair=True,
                       available=["weekday_night", "weekend_day"])  # fmt: skip
    make_shelter(external_id="F-1", name="本町小学校", location=at(0, 600), hazards=["flood"],
                 kind="welfare_shelter", barrier_free=True)  # fmt: skip
    make_shelter(external_id="L-1", name="本町公民館", location=at(0, -600),
                 hazards=["landslide"], kind="welfare_shelter", barrier_free=True)  # fmt: skip
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    plan_run_create(scenario=Scenario("landslide", "weekend_day"), performed_by="test")
    first = SupporterAssignment.objects.order_by("pk").first()
    assert first is not None
    pair_step(person=first.person, supporter=first.supporter, step="agree", user=None)
    call_command("issue_plans", stdout=io.StringIO())
    return area


def words_of(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.parametrize("lang", ["ja", "en", "easy"])
def test_no_printout_holds_a_raw_key(filled_in, tmp_path: Path, lang):
    out = io.StringIO()
    for copy_for in ("officer", "association", "commissioner"):
        call_command("print_plans", out=str(tmp_path / copy_for), neighbourhood="N1",
                     copy_for=copy_for, lang=lang, stdout=out)  # fmt: skip
    for person in ("P-1", "P-2", "P-3", "P-9"):
        call_command("print_plans", out=str(tmp_path / "family"), person=person,
                     copy_for="officer" if person == "P-9" else "family", lang=lang,
                     stdout=out)  # fmt: skip
    helper = Supporter.objects.filter(agreements__state="agreed").first()
    assert helper is not None
    call_command("print_plans", out=str(tmp_path / "supporter"), supporter=helper.external_id,
                 lang=lang, stdout=out)  # fmt: skip

    printed = sorted(tmp_path.rglob("*.pdf"))
    assert len(printed) == 3 + 8 + 1
    for path in printed:
        found = RAW_KEY.findall(words_of(path))
        assert found == [], (path.relative_to(tmp_path), found)
