"""The small town every printout test prints: a person with care needs and a supporter, one
who refused consent, and one whom nobody can reach."""

import pytest

from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.models import EmergencyContact
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)


@pytest.fixture
def town():
    area = make_neighbourhood(
        code="N1", name="本町", association="本町町内会", geom=square(-800, -800, 800, 800)
    )
    hanako = make_person(
        external_id="P-1", name="山田 花子", kana="ヤマダ ハナコ", address="支えあい市本町1番1号",
        location=at(0, 0), neighbourhood=area, medication="降圧剤", medical_devices=["oxygen"],
        power_backup="予備バッテリー（8時間）", place_in_home="1階の寝室",
    )  # fmt: skip
    EmergencyContact.objects.create(
        person=hanako, name="山田 一郎", relation="長男", phone="090-1111-2222"
    )
    secret = make_person(
        external_id="P-2", name="秘密 多恵", kana="ヒミツ タエ", consent="refused",
        address="支えあい市本町2番2号", location=at(100, 0), neighbourhood=area,
    )  # fmt: skip
    alone = make_person(
        external_id="P-3", name="孤立 太郎", kana="コリツ タロウ", address="支えあい市本町3番3号",
        location=at(-700, 700), neighbourhood=area,
    )  # fmt: skip
    make_supporter(
        external_id="S-1", name="佐藤 一郎", kana="サトウ イチロウ", phone="080-3333-4444",
        location=at(50, 0), available=["weekday_night"], neighbourhood=area,
    )  # fmt: skip
    make_shelter(external_id="W-1", name="本町福祉会館", kind="welfare_shelter", barrier_free=True,
                 location=at(0, 400), hazards=["flood"])  # fmt: skip
    make_shelter(external_id="E-1", name="本町小学校", location=at(-600, 600), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    return {"area": area, "hanako": hanako, "secret": secret, "alone": alone}
