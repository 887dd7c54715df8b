"""What reviewers saw on rendered paper: cards that spill, bundles that do not name their
scenario, a roster in the wrong order, English broken mid-word."""

import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.utils import translation
from pypdf import PdfReader

from planner.scenario import Scenario
from planner.services import plan_run_create
from printouts.bundle import render_bundle
from printouts.card import render_family_cards
from printouts.maps import STATUS_COLOURS
from printouts.plan_pdf import render_plan
from printouts.services import neighbourhood_sheets
from printouts.sheets import bundle_people
from registry.models import EmergencyContact, Person
from registry.ordering import natural_key
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)
from tests.printouts.test_copies import WITHHELD
from tests.printouts.test_printouts import flat, pages_of, text_of

pytestmark = pytest.mark.django_db

# Addresses that text order puts wrong: 11番13号 before 11番1号, 1番5号 after 19番18号.
# Free text holds no 「、」 or full-width bracket, so that an English copy holds none at all.
ADDRESSES = [
    "支えあい市本町三丁目11番13号 サンシャインコーポ本町東第二号棟1203号室",
    "支えあい市本町三丁目19番18号 グリーンハイツ本町",
    "支えあい市本町三丁目11番1号 ひまわり荘202号室",
    "支えあい市本町三丁目１番５号 本町東団地三号棟",
]


@pytest.fixture
def crowded():
    """A neighbourhood of four people with long names and addresses, three contacts each,
    two supporters each, and shelters for two hazards."""
    area = make_neighbourhood(
        code="N7", name="本町三丁目東地区", association="本町三丁目東地区自治会連合会",
        geom=square(-900, -900, 900, 900),
    )  # fmt: skip
    for number, address in enumerate(ADDRESSES, start=1):
        person = make_person(
            external_id=f"P-{number}", name=f"長谷川 左衛門之助 {'一二三四'[number - 1]}",
            address=address, kana="ハセガワ サエモンノスケ", location=at(40 * number, 0),
            neighbourhood=area, mobility="wheelchair", medication="降圧剤 睡眠導入剤",
            medical_devices=["oxygen"], power_backup="予備バッテリー 8時間",
        )  # fmt: skip
        for position, relation in enumerate(("長男の妻", "次女", "ケアマネジャー"), start=1):
            EmergencyContact.objects.create(
                person=person, position=position, relation=relation,
                name=f"長谷川 美代子{number}{position}", phone="090-1111-2222",
            )  # fmt: skip
    for number in range(1, 9):
        make_supporter(
            external_id=f"S-{number}", name=f"佐々木 宗一郎{number}", neighbourhood=area,
            address="支えあい市本町三丁目12番4号 本町グランドハイツ805号室",
            phone="080-3333-4444", location=at(40 * number, 30),
            available=["weekday_night", "weekday_day"], can_push_wheelchair=True,
        )  # fmt: skip
    make_shelter(external_id="F-1", name="支えあい市立本町第二小学校 体育館",
                 location=at(0, 400), hazards=["flood"], kind="welfare_shelter",
                 barrier_free=True)  # fmt: skip
    make_shelter(external_id="L-1", name="本町三丁目地区コミュニティセンター",
                 location=at(0, -400), hazards=["landslide"], kind="welfare_shelter",
                 barrier_free=True)  # fmt: skip
    plan_run_create(scenario=Scenario("landslide", "weekday_day"), performed_by="test")
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    return area


def page_texts(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def words_of(pdf: bytes) -> str:
    """The text with each run of white space made one space: a word cut at the end of a line
    reads as two words here, where `flat` would join it again."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


# --- the family card keeps to its page -----------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("copy_for", ["commissioner", "officer"])
def test_each_family_card_of_a_neighbourhood_keeps_to_its_one_page(crowded, copy_for, lang):
    """Long names and addresses, three contacts, two supporters and two shelters, and for the
    commissioner the line that health details are withheld: still one card a page."""
    _people, sheets = neighbourhood_sheets(crowded, copy_for=copy_for, lang=lang)
    pdf = render_family_cards(sheets, lang)

    assert len(sheets) == 4
    assert pages_of(pdf) == len(sheets)
    for sheet, text in zip(sheets, page_texts(pdf), strict=True):
        assert flat(sheet.name) in text and "119" in text
        assert all(flat(name) in text and phone in text for name, _r, phone in sheet.contacts)
        assert all(flat(helper.name) in text for helper in sheet.helpers)
        if copy_for == "commissioner" and lang == "ja":
            assert flat(WITHHELD) in text
    assert (copy_for == "commissioner") == (not sheets[0].health_shown)


# --- the bundle names its scenario -----------------------------------------------------------


def bundle(area, sheets, lang="ja", copy_for="officer") -> bytes:
    return render_bundle(neighbourhood=area.name, association=area.association, sheets=sheets,
                         copy_for=copy_for, lang=lang)  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "cover", "roster"),
    [
        (
            "ja",
            "想定した災害・時間帯：崖崩れ、土石流及び地滑り / 平日・昼、洪水 / 平日・夜",
            "名簿（崖崩れ、土石流及び地滑り / 平日・昼、洪水 / 平日・夜）",
        ),
        (
            "en",
            "Scenario planned: Landslide, debris flow and slope failure / Weekday daytime, "
            "Flood / Weekday night",
            "Roster: Landslide, debris flow and slope failure / Weekday daytime, Flood / Weekday "
            "night",
        ),
    ],
)
def test_the_bundle_names_its_scenario_on_the_cover_and_the_roster(crowded, lang, cover, roster):
    _people, sheets = neighbourhood_sheets(crowded, copy_for="association", lang=lang)

    pages = page_texts(bundle(crowded, sheets, lang, "association"))

    assert flat(cover) in pages[0]
    assert flat(roster) in pages[1]


def test_a_bundle_of_sheets_from_several_scenarios_names_each(crowded):
    _people, sheets = neighbourhood_sheets(crowded, copy_for="officer", lang="ja")
    landslide = "崖崩れ、土石流及び地滑り / 平日・昼"
    sheets[0] = replace(sheets[0], scenarios=["洪水 / 平日・夜"])
    sheets[1:] = [replace(sheet, scenarios=[landslide]) for sheet in sheets[1:]]

    pages = page_texts(bundle(crowded, sheets))

    both = flat(f"洪水 / 平日・夜、{landslide}")
    assert flat("想定した災害・時間帯：") + both in pages[0]
    assert flat("名簿（") + both + "）" in pages[1]


# --- the roster's order ---------------------------------------------------------------------


def test_it_compares_the_numbers_in_addresses_and_ids_as_numbers():
    addresses = ["本町11番13号", "本町19番18号", "本町11番1号", "本町１番５号", "本町2番"]
    ids = ["P-10", "P-9", "P-100", "Q-1"]

    assert sorted(addresses, key=natural_key) == [
        "本町１番５号", "本町2番", "本町11番1号", "本町11番13号", "本町19番18号",
    ]  # fmt: skip
    assert sorted(ids, key=natural_key) == ["P-9", "P-10", "P-100", "Q-1"]
    kanji = ["本町十丁目1番", "本町三丁目二十番", "本町三丁目三番", "本町2丁目", "一宮1番"]
    assert sorted(kanji, key=natural_key) == [
        "一宮1番", "本町2丁目", "本町三丁目三番", "本町三丁目二十番", "本町十丁目1番",
    ]  # fmt: skip


def test_the_roster_lists_people_by_address_as_one_walks_the_streets(crowded):
    # A second household at 11番1号: the ID decides, compared as a number too.
    for external_id in ("P-10", "P-9"):
        make_person(external_id=external_id, name=f"同居 {external_id}", address=ADDRESSES[2],
                    location=at(0, 20), neighbourhood=crowded)  # fmt: skip
    expected = ["P-4", "P-3", "P-9", "P-10", "P-1", "P-2"]

    people = bundle_people(Person.objects.filter(neighbourhood=crowded), "officer")
    _people, sheets = neighbourhood_sheets(crowded, copy_for="officer", lang="ja")
    # The roster's rows are tall (name, kana and phone; needs; a tick box): two pages.
    roster = "".join(page_texts(bundle(crowded, sheets))[1:3])

    assert [person.external_id for person in people] == expected
    assert [sheet.person_id for sheet in sheets] == expected
    at_in_roster = [roster.index(flat(address)) for address in
                    (ADDRESSES[3], ADDRESSES[2], ADDRESSES[0], ADDRESSES[1])]  # fmt: skip
    assert at_in_roster == sorted(at_in_roster)


# --- English on paper ---------------------------------------------------------------------


def test_the_english_plan_keeps_words_whole_and_writes_english_punctuation(crowded):
    _people, sheets = neighbourhood_sheets(crowded, copy_for="officer", lang="en")
    sheet = next(sheet for sheet in sheets if any(
        "check_safety" in helper.roles for helper in sheet.helpers))  # fmt: skip

    words = words_of(render_plan(sheet, "en", "officer"))

    for expected in ("Neighbourhood", "Checking safety", "How warnings reach them",
                     "Why support is needed", "(Welfare shelter)", "(power backup:"):  # fmt: skip
        assert expected in words, expected
    assert "、" not in words
    assert "（" not in words and "）" not in words


def test_the_english_card_and_roster_write_english_punctuation(crowded):
    _people, sheets = neighbourhood_sheets(crowded, copy_for="officer", lang="en")

    card, roster = (
        words_of(render_family_cards(sheets[:1], "en")),
        words_of(bundle(crowded, sheets, "en")),
    )

    name, relation, _phone = sheets[0].contacts[0]
    assert f"{name} ({relation})" in card
    assert "、" not in card and "（" not in card
    assert ", ".join(helper.name for helper in sheets[0].helpers) in roster
    assert "、" not in roster


def test_the_japanese_plan_keeps_its_own_punctuation(crowded):
    _people, sheets = neighbourhood_sheets(crowded, copy_for="officer", lang="ja")
    sheet = next(sheet for sheet in sheets if len(sheet.helpers[0].roles) > 1)

    text = text_of(render_plan(sheet, "ja", "officer"))

    assert flat("（福祉避難所）") in text
    assert flat("在宅酸素（電源の確保：予備バッテリー 8時間）") in text
    assert flat("情報伝達、安否確認") in text


def test_the_overview_map_colours_people_as_the_neighbourhood_page_does():
    """Paper and screen must never say opposite things with the same colour."""

    script = Path(__file__).resolve().parents[2] / "pages/static/pages/neighbourhood-map.js"
    table = re.search(r"const colours = (\{[^}]*\})", script.read_text())
    assert table is not None
    on_screen = json.loads(re.sub(r"(\w+):", r'"\1":', table.group(1)))
    for status in ("covered", "partial", "uncovered"):
        assert STATUS_COLOURS[status].hexval().lower() == "0x" + on_screen[status][1:].lower()


def test_the_overview_legend_names_each_status(town):
    with translation.override("ja"):
        _people, sheets = neighbourhood_sheets(town["area"], copy_for="officer", lang="ja")
        text = text_of(render_bundle(neighbourhood="本町", association="本町町内会",
                                     sheets=sheets, copy_for="officer"))  # fmt: skip

    overview = text[text.index("全体地図") :]
    for label in ("対応済み", "一部対応", "未対応", "未計画"):
        assert flat(label) in flat(overview), label
