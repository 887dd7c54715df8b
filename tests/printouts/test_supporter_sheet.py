"""A supporter's own sheet: the people they agreed to help, and no one else."""

import io
import re
from dataclasses import replace

from pypdf import PdfReader

from printouts.sheets import Destination, PlanSheet
from printouts.supporter_sheet import helped_by, supporter_sheet_pdf
from registry.models import Supporter
from tests.factories import at, supporter
from tests.printouts.test_bundle import helper, make_sheet


def example() -> tuple[Supporter, list[PlanSheet]]:
    """Sato agreed to help two people and is only a candidate for a third; a fourth is helped
    by someone else."""
    sato = supporter(external_id="S-1", name="佐藤 一郎", kana="サトウ イチロウ",
                     address="支えあい市本町1丁目5番1号", phone="080-3333-4444",
                     location=at(60, 40))  # fmt: skip
    landslide = Destination(
        hazard="崖崩れ、土石流及び地滑り", shelter="本町福祉会館",
        address="支えあい市本町3丁目4番1号", kind="福祉避難所", distance_m=650,
        location=at(-300, -250), hazard_key="landslide",
    )  # fmt: skip
    agreed = helper("佐藤 一郎", supporter_id="S-1", roles=["inform", "guide"],
                    slots=["weekday_night", "weekend_night"])  # fmt: skip
    sheets = [
        make_sheet("P-1", "支えあい市本町1丁目2番9号", name="山田 花子", kana="ヤマダ ハナコ",
                   phone="0465-11-1111", home=at(0, 0), helpers=[agreed]),
        make_sheet("P-2", "支えあい市本町1丁目2番10号", name="鈴木 次郎", kana="スズキ ジロウ",
                   phone="0465-22-2222", home=at(-40, 80), helpers=[agreed]),
        make_sheet("P-3", "支えあい市本町2丁目1番1号", name="候補 三郎", phone="0465-33-3333",
                   helpers=[replace(agreed, state="asked", phone="", address="")]),
        make_sheet("P-4", "支えあい市本町2丁目2番1号", name="他人 四郎", phone="0465-44-4444",
                   helpers=[helper("田中", supporter_id="S-2")]),
    ]  # fmt: skip
    sheets[1] = replace(sheets[1], destinations=[*sheets[1].destinations, landslide])
    return sato, sheets


def text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in pages))


def test_it_lists_only_the_people_whose_pair_is_agreed():
    sato, sheets = example()

    assert [sheet.person_id for sheet, _helper in helped_by(sato, sheets)] == ["P-1", "P-2"]
    printed = text(supporter_sheet_pdf(sato, sheets, "ja"))

    assert "山田花子" in printed and "鈴木次郎" in printed
    assert "候補三郎" not in printed and "0465-33-3333" not in printed
    assert "他人四郎" not in printed and "0465-44-4444" not in printed


def test_it_gives_addresses_phones_roles_times_and_destinations_in_words():
    sato, sheets = example()

    printed = text(supporter_sheet_pdf(sato, sheets, "ja"))

    for words in ("避難支援者用シート", "佐藤一郎", "080-3333-4444", "支えあい市本町1丁目2番9号",
                  "0465-11-1111", "情報伝達", "避難誘導", "平日・夜", "休日・夜", "本町小学校",
                  "本町福祉会館", "あなたの自宅", "避難支援者用", "警戒レベル3"):  # fmt: skip
        assert words in printed, words
    assert not re.search(r"[a-z]+_[a-z]+", printed), "a raw key on paper"


def test_it_fits_a_supporter_of_two_on_one_a4_page():
    sato, sheets = example()

    pdf = supporter_sheet_pdf(sato, sheets, "ja")

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= 2


def test_a_supporter_nobody_agreed_with_yet_gets_a_sheet_that_says_so():
    sato, sheets = example()

    printed = text(supporter_sheet_pdf(sato, sheets[2:], "ja"))

    assert "まだいません" in printed and "候補三郎" not in printed


def test_the_english_sheet_names_roles_and_times_in_english():
    sato, sheets = example()

    printed = text(supporter_sheet_pdf(sato, sheets, "en"))

    assert "Supporter'ssheet" in printed and "Weekdaynight" in printed
    assert "Guidingandmoving" in printed
