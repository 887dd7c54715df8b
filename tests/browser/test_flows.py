"""What an association chair and a city officer do, clicked through in a real browser."""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.models import PairState, PlanRun, SupportAgreement
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.management.commands.create_user import user_create_with_role
from registry.models import Supporter
from tests.clients import PASSWORD
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def town():
    near = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    make_neighbourhood(code="N2", name="遠町", geom=square(1000, -500, 2000, 500))
    make_person(external_id="P1", name="山田 花子", neighbourhood=near, location=at(0, 0))
    make_supporter(external_id="S1", name="佐藤 一郎", neighbourhood=near, location=at(10, 0),
                   available=["weekday_night"])  # fmt: skip
    make_shelter(name="本町小学校", location=at(0, 300), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    user_create_with_role(
        username="chair", role="association", neighbourhoods=["N1"], password=PASSWORD
    )
    user_create_with_role(username="officer", role="officer", neighbourhoods=[], password=PASSWORD)
    return near


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_an_association_chair_keeps_the_plan(page, live_server, town):
    log_in(page, live_server, "chair")
    dashboard = page.locator("main").inner_text()
    assert "本町" in dashboard and "遠町" not in dashboard

    page.click("text=N1 本町")
    # The dashboard's link carries the scenario of its row.
    page.wait_for_url(re.compile(re.escape(f"{live_server.url}/areas/N1/") + r"(\?.*)?$"))
    # The page's strict Content-Security-Policy rules out evaluated scripts: wait on elements.
    page.wait_for_selector("#map .leaflet-interactive")
    assert page.locator("#map .leaflet-interactive").count() >= 2  # people and supporters

    # A new supporter, placed by clicking the map (which opens on the neighbourhood, and a home
    # outside it is refused); first with a phone number that is not one.
    page.click("main >> text=避難支援者")
    page.click("text=支援者を追加")
    page.fill("#id_external_id", "S-NEW")
    page.fill("#id_name", "鈴木 次郎")
    page.fill("#id_address", "支えあい市本町3番")
    page.fill("#id_phone", "でんわ")
    page.check("input[name=available][value=weekday_night]")
    page.click(".leaflet-draw-draw-marker")
    page.locator("#id_location-map").click()  # the middle: inside the neighbourhood
    page.click("#supporter-form button[type=submit]")
    assert "電話番号は数字・空白・+・-・() のみです。" in page.locator("main").inner_text()
    page.fill("#id_phone", "090-2222-3333")
    if page.locator("#id_location-map .leaflet-marker-icon").count() == 0:
        page.click(".leaflet-draw-draw-marker")
        page.locator("#id_location-map").click()  # the middle: inside the neighbourhood
    page.click("#supporter-form button[type=submit]")
    # Back on the list, which keeps the scenario the chair was looking at.
    page.wait_for_url(
        re.compile(re.escape(f"{live_server.url}/areas/N1/supporters/") + r"(\?.*)?$")
    )
    assert Supporter.objects.get(external_id="S-NEW").location is not None

    # The family agrees with the proposed supporter; then the plan goes on paper.
    page.goto(f"{live_server.url}/areas/N1/")
    page.click("text=山田 花子")
    page.click("#agreements button[value=agree] >> nth=0")
    page.wait_for_selector("text=記録しました：承諾。")
    assert SupportAgreement.objects.filter(state=PairState.AGREED).count() == 1
    with page.expect_download() as download:
        page.click("text=計画書をダウンロード（PDF）")
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "山田" in pdf.pages[0].extract_text()


def test_an_officer_runs_a_plan_and_sees_it_finish(page, live_server, town):
    log_in(page, live_server, "officer")
    page.click("header >> text=計画の実行")
    page.select_option("#id_hazard", "flood")
    page.select_option("#id_slot", "weekday_night")
    page.click("#start-run button[type=submit]")

    page.wait_for_selector("#summary")
    latest = PlanRun.objects.latest("pk")
    assert page.url.endswith(f"/runs/{latest.pk}/")
    assert "完了" in page.locator("h1").inner_text()
