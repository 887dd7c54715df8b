"""The bundle for walking the neighbourhood, from hand-built sheets: the plan round named, the
roster in address order and numbered as on the map, the plan's page, the counts, and a
register entry in place of a plan for someone without consent."""

import datetime as dt
import io
import re
from itertools import pairwise
from typing import Any

import pytest
from django.utils import translation
from pypdf import PdfReader

from printouts.bundle import Counts, in_roster_order, plan_round, render_bundle
from printouts.needs import key_needs
from printouts.sheets import Destination, Helper, PlanSheet, SlotCover
from tests.factories import at, square

pytestmark = pytest.mark.django_db


def helper(name: str, state: str = "agreed", **fields: Any) -> Helper:
    values: dict[str, Any] = {
        "name": name, "kana": "サポーター", "phone": "080-3333-4444" if state == "agreed" else "",
        "address": "支えあい市本町1丁目5番1号" if state == "agreed" else "",
        "roles": ["inform", "check_safety"], "distance_m": 120, "state": state,
        "location": at(60, 40) if state == "agreed" else None, "slots": ["weekday_night"],
        "supporter_id": f"S-{name}",
    }  # fmt: skip
    return Helper(**{**values, **fields})


def make_sheet(person_id: str, address: str, **fields: Any) -> PlanSheet:
    """A sheet as the assembly gives one, in Japanese, health details shown."""
    values: dict[str, Any] = {
        "person_id": person_id, "name": f"本町 {person_id}", "kana": "ホンマチ",
        "birth_date": dt.date(1935, 4, 26), "age": 90, "sex": "女", "address": address,
        "phone": "0465-00-1234", "neighbourhood": "本町", "reasons": ["要介護3"],
        "mobility": "車いす", "mobility_aids": "車いす", "care_while_moving": "",
        "medication": "降圧剤", "medical_devices": ["在宅酸素"], "power_backup": "",
        "communication": [], "place_in_home": "1階", "contacts": [], "consent": "同意",
        "consent_date": dt.date(2025, 4, 1), "shareable": True, "review_date": None,
        "version": 2, "plan_date": dt.date(2026, 4, 1), "scenario": "洪水 / 平日・夜",
        "needed": 2, "missing": [], "status": "partial", "helpers": [helper("佐藤")],
        "destinations": [Destination(
            hazard="洪水", shelter="本町小学校", address="支えあい市本町2丁目1番1号",
            kind="指定避難所", distance_m=400, location=at(0, 400), hazard_key="flood",
        )],
        "home": at(0, 0), "outline": square(-500, -500, 500, 500), "draft": False,
        "runs": ["#7 洪水 / 平日・夜（2026-04-01）"], "scenarios": ["洪水 / 平日・夜"],
        "mobility_key": "wheelchair",
        "device_keys": ["oxygen"],
    }  # fmt: skip
    return PlanSheet(**{**values, **fields})


ADDRESSES = ["本町10丁目1番1号", "本町1丁目2番10号", "本町1丁目2番9号", "本町2丁目1番1号"]


def four_people() -> list[PlanSheet]:
    """Four people, given in text order; a long plan; one without consent."""
    return [
        make_sheet("P-1", ADDRESSES[0], home=at(300, 300), status="covered",
                   helpers=[helper("佐藤"), helper("鈴木")]),
        make_sheet("P-2", ADDRESSES[1], home=at(-100, 50),
                   contacts=[(f"家族{n}", "長男", "090-0000-0000") for n in range(40)]),
        make_sheet("P-3", ADDRESSES[2], home=at(-80, 60), helpers=[], status="uncovered",
                   medical_devices=["人工呼吸器"], communication=["聴覚障害（手話・筆談・FAX）"],
                   device_keys=["ventilator"], communication_keys=["hearing"]),
        make_sheet("P-4", ADDRESSES[3], home=at(200, -200), shareable=False, consent="拒否",
                   helpers=[], status="", version=None, draft=True),
    ]  # fmt: skip


def neighbourhood(count: int = 24) -> list[PlanSheet]:
    """A street of a demo-like neighbourhood: homes close together along blocks, statuses of
    every kind, some without consent, two shelters."""
    statuses = ["covered", "partial", "uncovered", "", "covered", "partial"]
    school = Destination(
        hazard="洪水",
        shelter="本町小学校",
        address="本町2丁目1番1号",
        kind="指定避難所",
        distance_m=400,
        location=at(0, 420),
        hazard_key="flood",
    )
    hall = Destination(hazard="崖崩れ", shelter="本町福祉会館", address="本町3丁目4番1号",
                       kind="福祉避難所", distance_m=600, location=at(-380, -300),
                       hazard_key="landslide")  # fmt: skip
    result = []
    for n in range(1, count + 1):
        status = statuses[n % len(statuses)]
        found = {"covered": 2, "partial": 1}.get(status, 0)
        result.append(make_sheet(
            f"P-{n}", f"本町{1 + n // 10}丁目{n % 7 + 1}番{n}号",
            home=at(25 * (n % 8) - 100, 30 * (n // 8) - 40), status=status,
            shareable=n % 9 != 0, consent="同意" if n % 9 else "拒否",
            helpers=[helper(f"佐藤{n}-{k}", "agreed" if k == 0 else "proposed",
                            location=at(25 * (n % 8) - 90, 30 * (n // 8) - 25))
                     for k in range(found)],
            destinations=[school, hall],
        ))  # fmt: skip
    return result


@pytest.fixture
def sheets() -> list[PlanSheet]:
    return four_people()


def pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def bundle(sheets: list[PlanSheet], lang: str = "ja") -> list[str]:
    return pages(render_bundle(neighbourhood="本町", association="本町町内会", sheets=sheets,
                               copy_for="officer", lang=lang))  # fmt: skip


def test_it_orders_the_roster_by_chome_ban_go_as_numbers(sheets):
    ordered = in_roster_order(list(reversed(sheets)))

    assert [sheet.address for sheet in ordered] == [
        "本町1丁目2番9号", "本町1丁目2番10号", "本町2丁目1番1号", "本町10丁目1番1号",
    ]  # fmt: skip


def test_the_roster_numbers_people_in_address_order_with_the_page_of_their_plan(sheets):
    texts = bundle(sheets)
    roster = texts[1]

    # 1丁目2番9号 (P-3), 1丁目2番10号 (P-2), 2丁目 (P-4), 10丁目 (P-1).
    order = ["P-3", "P-2", "P-4", "P-1"]
    starts = {
        pid: next(n for n, text in enumerate(texts, start=1) if n > 3 and f"本町{pid}" in text)
        for pid in order
    }
    # P-2's forty contacts run its plan over several pages: the page numbers follow that.
    assert starts["P-4"] - starts["P-2"] >= 2
    assert starts["P-3"] == 4  # after the cover, the roster and the map
    # Each row: the marker's number, the name … and last the page its plan starts on, which
    # the text runs into the next row's number.
    expected = ["安否1本町P-3"] + [
        f"{starts[before]}{number}本町{pid}"
        for number, (before, pid) in enumerate(pairwise(order), start=2)
    ]
    expected.append(f"{starts['P-1']}番号は")
    at_in_roster = [roster.index(text) for text in expected]
    assert at_in_roster == sorted(at_in_roster)


def test_the_page_column_counts_pages_of_long_plans():
    """A person whose plan takes several pages pushes the next person's start page on."""
    people = [make_sheet(f"P-{n}", f"本町1丁目{n}番", contacts=[("家族", "長男", "090")] * 30 * n)
              for n in (1, 2, 3)]  # fmt: skip
    texts = bundle(people)

    starts = [next(n for n, text in enumerate(texts, start=1) if n > 3 and f"本町P-{k}" in text)
              for k in (1, 2, 3)]  # fmt: skip
    assert starts[1] - starts[0] >= 2 and starts[2] - starts[1] >= 3
    roster = texts[1]
    for number, start in enumerate(starts, start=1):
        assert re.search(rf"\D{start}{number + 1}本町P-|\D{start}番号は", roster), (start, roster)


def test_the_cover_and_roster_name_the_round_the_scenario_and_the_runs(sheets):
    texts = bundle(sheets)

    for page in texts[:2]:
        assert "想定した災害・時間帯：洪水/平日・夜" in page or "名簿（洪水/平日・夜）" in page
        assert "発行済みの計画（v2）：3人" in page
    assert "#7洪水/平日・夜" in texts[0]


def test_a_round_of_drafts_says_so():
    drafts = [make_sheet("P-1", "本町1番", draft=True, version=None)]

    with translation.override("ja"):
        assert plan_round(drafts) == "案（未発行）：1人"


def test_the_counts_tell_one_of_two_found_from_none_found(sheets):
    counts = Counts.of(sheets)

    assert (counts.none_found, counts.some_found, counts.all_agreed) == (1, 1, 1)
    assert counts.no_consent == 1 and counts.total == len(sheets)
    roster = bundle(sheets)[1]
    assert (
        "支援者未定一部のみ決定（例：2人のうち1人）そろったが承諾待ちありそろった（全員承諾）"
        "同意なし（計画なし）" in roster
    )
    assert "2人のうち1人" in roster and "支援者未定" in roster
    assert "2人のうち0人" not in roster


def test_the_roster_says_who_has_agreed_not_the_runs_status():
    sheets = [
        make_sheet("P-1", "本町1番1号", status="covered",
                   helpers=[helper("佐藤", "proposed"), helper("鈴木", "asked")]),
        make_sheet("P-2", "本町1番2号", status="partial", helpers=[helper("田中", "proposed")]),
        make_sheet("P-3", "本町1番3号", status="covered",
                   helpers=[helper("伊藤"), helper("山本")]),
        make_sheet("P-4", "本町1番4号", status="uncovered", helpers=[], destinations=[]),
    ]  # fmt: skip
    counts = Counts.of(sheets)

    assert (counts.none_found, counts.some_found, counts.found_not_agreed, counts.all_agreed,
            counts.no_consent) == (1, 1, 1, 1, 0)  # fmt: skip
    roster = bundle(sheets)[1]
    assert "そろった（承諾待ち2人）" in roster
    assert "2人のうち1人（承諾待ち1人）" in roster
    assert "そろった（全員承諾）" in roster
    assert "支援者未定、避難先未定" in roster
    # Not the runs' words, which say nothing of agreement.
    assert "対応済み" not in roster and "一部対応" not in roster


def test_the_overview_legend_names_the_scenarios_its_statuses_come_from(sheets):
    overview = bundle(sheets)[2]

    assert "状況の元になった計画：" in overview and "・洪水/平日・夜" in overview


def test_a_person_without_consent_gets_a_register_entry_and_no_plan(sheets):
    texts = bundle(sheets)
    entry = next(text for n, text in enumerate(texts) if n > 2 and "本町P-4" in text)

    assert "避難行動要支援者名簿" in entry
    assert "計画なし：情報提供への同意が得られていません" in entry
    assert "拒否" in entry and "ホンマチ" in entry and "0465-00-1234" in entry
    assert "自治会で探しています" not in entry and "支援者が未定" not in entry
    assert "個別避難計画書" not in entry  # the plan's title, nor its running head


def test_the_roster_shows_key_needs_in_short_words_only_where_health_is_shown(sheets):
    with translation.override("ja"):
        assert key_needs(sheets[2]) == ["車いす", "人工呼吸器", "聴覚"]
        withheld = make_sheet("P-9", "本町", health_shown=False, medical_devices=[],
                              mobility="寝たきり", mobility_key="bedridden",
                              device_keys=[])  # fmt: skip
        assert key_needs(withheld) == ["寝たきり"]
    roster = bundle(sheets)[1]
    assert "人工呼吸器" in roster and "酸素" in roster


def test_the_english_roster_writes_its_needs_in_english(sheets):
    with translation.override("en"):
        english = [make_sheet("P-1", "Honmachi 1", mobility="Wheelchair",
                              medical_devices=["Ventilator", "Home oxygen"],
                              device_keys=["ventilator", "oxygen"])]  # fmt: skip
        assert key_needs(english[0]) == ["Wheelchair", "Ventilator", "Oxygen"]
    roster = " ".join(bundle(english, "en")[1:2])
    assert "Wheelchair" in roster and "Safe" in roster


def test_the_roster_type_is_12_pt_or_larger(sheets):
    pdf = render_bundle(neighbourhood="本町", association="本町町内会", sheets=sheets,
                        copy_for="officer")  # fmt: skip
    roster = PdfReader(io.BytesIO(pdf)).pages[1]
    sizes: list[float] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes.append(font_size * tm[0])

    roster.extract_text(visitor_text=visit)
    footer_size = 9
    assert min(size for size in sizes if size != footer_size) >= 12


def test_supporters_found_count_at_the_least_covered_time_of_day():
    night = SlotCover("weekday_night", "平日・夜", ["佐藤", "鈴木"], planned=True)
    day = SlotCover("weekend_day", "休日・昼", ["田中"], planned=True)
    unplanned = SlotCover("weekday_day", "平日・昼", [], planned=False)
    sheet = make_sheet("P-1", "本町1番", slots=[night, day, unplanned],
                       helpers=[helper("佐藤"), helper("鈴木"), helper("田中")])  # fmt: skip

    assert sheet.found == 1
    assert Counts.of([sheet]).some_found == 1
    assert Counts.of([sheet]).total == 1
