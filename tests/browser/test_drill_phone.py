"""A supporter opens their drill link on a phone and reports, in a real browser at a phone's
size. With SASAEAI_SCREENSHOTS set to a directory, the page is saved there as drill-phone.png
(docs/screenshots/ holds the one the README shows)."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from drills.links import link_token
from drills.models import DrillReport
from drills.services import drill_report, drill_start
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.models import Person
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
NIGHT = ["weekday_night"]


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="ja-JP", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def drill():
    """佐藤 checks on 山田 and 田中 in a flood drill on a weekday night; 鈴木 checks on 高橋."""
    area = make_neighbourhood(code="N1", name="本町", geom=square(-1000, -1000, 1000, 1000))
    make_shelter(name="本町小学校", location=at(0, 800), hazards=["flood"])
    yamada = make_person(external_id="P1", name="山田 花子", kana="ヤマダ ハナコ",
                         address="支えあい市本町1番1号", phone="0463-11-2233",
                         mobility="needs_hand", location=at(0, 0), neighbourhood=area)  # fmt: skip
    make_person(external_id="P2", name="田中 次郎", kana="タナカ ジロウ",
                address="支えあい市本町2番8号", phone="0463-22-4455", mobility="walks_alone",
                location=at(60, 0), neighbourhood=area)  # fmt: skip
    make_person(external_id="P3", name="高橋 和子", address="支えあい市本町9番1号",
                location=at(700, 0), neighbourhood=area)  # fmt: skip
    sato = make_supporter(external_id="S1", name="佐藤 一郎", location=at(30, 0),
                          available=NIGHT, capacity=2)  # fmt: skip
    make_supporter(external_id="S2", name="鈴木 三郎", location=at(720, 0), available=NIGHT)
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    started = drill_start(name="本町 秋の避難訓練", hazard="flood", slot="weekday_night",
                          neighbourhoods=[area])  # fmt: skip
    return {"drill": started, "sato": sato, "yamada": yamada}


def test_a_supporter_reports_from_the_phone_page(phone, live_server, drill):
    token = link_token(drill["drill"], drill["sato"])
    url = live_server.url + reverse("drill_supporter", kwargs={"token": token})
    yamada = drill["yamada"]
    phone.goto(url)
    main = phone.locator("main")
    expect(main).to_contain_text("山田 花子")
    expect(main).to_contain_text("田中 次郎")
    expect(main).not_to_contain_text("高橋 和子")  # 鈴木's, not 佐藤's
    card = phone.locator(f"#person-{yamada.pk}")
    expect(card.locator(".drill-tag")).to_have_text("未確認")

    # Big buttons: a thumb's height at least, the card's whole width on a phone.
    contacted = card.locator("button", has_text="連絡した")
    box = contacted.bounding_box()
    assert box is not None and box["height"] >= 48 and box["width"] >= PHONE["width"] * 0.75

    contacted.click()
    expect(phone.locator(".drill-done")).to_contain_text("記録しました")
    card = phone.locator(f"#person-{yamada.pk}")
    expect(card.locator(".drill-tag")).to_have_text("連絡した")

    # Another of 佐藤's people is under way (sent from another phone), so that the page shows
    # more than one state.
    tanaka = Person.objects.get(external_id="P2")
    drill_report(drill["drill"], tanaka, "evacuating", key="other-phone", supporter=drill["sato"])
    card.locator("button", has_text="避難所に到着").click()
    expect(phone.locator(".drill-done")).to_contain_text("記録しました")
    card = phone.locator(f"#person-{yamada.pk}")
    expect(card.locator(".drill-tag")).to_have_text("避難所に到着")
    expect(card.locator(".drill-recorded")).to_have_text("記録しました。")
    expect(phone.locator(f"#person-{tanaka.pk} .drill-tag")).to_have_text("避難開始")
    states = list(
        DrillReport.objects.filter(drill=drill["drill"], person=yamada).values_list(
            "state", flat=True
        )
    )
    assert states == ["contacted", "arrived"]
    folder = os.environ.get("SASAEAI_SCREENSHOTS")
    if folder:
        # The page came back scrolled to the card: the picture starts at the top.
        phone.locator("header").scroll_into_view_if_needed()
        phone.screenshot(path=str(Path(folder) / "drill-phone.png"))

    # English, and the same link keeps working.
    phone.locator("header button", has_text="English").click()
    expect(phone.locator(f"#person-{yamada.pk} .drill-tag")).to_have_text("Arrived at the shelter")
    assert phone.url.startswith(url)
    phone.locator(f"#person-{yamada.pk} button", has_text="Needs help").click()
    expect(phone.locator(".drill-done")).to_contain_text("Recorded")
    expect(phone.locator(f"#person-{yamada.pk} .drill-tag")).to_have_text("Needs help")
