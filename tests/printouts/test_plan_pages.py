"""The individual plan's pages as a reader finds them: which version it is or that it is a
draft, who may be called, candidates kept apart from supporters who agreed, every key in words,
the person named on every page, and a place for each of them to sign."""

import datetime as dt
import io
import re
from dataclasses import replace
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import translation
from pypdf import PdfReader

from printouts.plan_pdf import render_plan
from printouts.sheets import Destination, Helper, PlanSheet, SlotCover, plan_sheet
from registry.models import EmergencyContact, Person
from tests.factories import make_person
from tests.printouts.test_printouts import flat, text_of

pytestmark = pytest.mark.django_db

CANDIDATE = "候補（未承諾）"
HOME = Point(139.70, 35.68, srid=4326)


def page_texts(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def spaced(pdf: bytes) -> str:
    """The text with each run of white space made one space, so that words stay apart."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


def helper(name: str, state: str, phone: str = "", address: str = "", **more: Any) -> Helper:
    made = Helper(name=name, kana="", phone=phone, address=address, roles=["check_safety"],
                  distance_m=120, state=state, location=None, slots=["weekday_night"])  # fmt: skip
    return replace(made, **more)


def sheet_of(person: Person, lang: str = "ja", **fields) -> PlanSheet:
    with translation.override(lang):
        return replace(plan_sheet(person), **fields)


@pytest.fixture
def everything():
    """A person with every field the plan prints filled in, as the registry keeps them."""
    person = make_person(
        external_id="P-77", name="長谷川 左衛門之助", kana="ハセガワ サエモンノスケ",
        address="支えあい市本町三丁目11番13号", location=HOME, mobility="wheelchair",
        reasons=["care_level_3", "physical_disability_2"], medical_devices=["oxygen"],
        communication=["hearing", "language:vi"], medication="降圧剤", power_backup="8時間",
        place_in_home="1階の寝室", lives_alone=True, mobility_aids="車いす",
        care_while_moving="段差で介助", phone="03-1234-5678",
    )  # fmt: skip
    EmergencyContact.objects.create(person=person, name="長谷川 美代子", relation="長男の妻",
                                    phone="090-1111-2222")  # fmt: skip
    return person


def issued(person: Person, lang: str = "ja", **fields) -> PlanSheet:
    """The person's plan as an issued version with four supporters, three hazards, every time
    of day, medical and neighbourhood contacts: more than a page."""
    slots = {
        "ja": ["平日・昼", "平日・夜", "休日・昼", "休日・夜"],
        "en": ["Weekday daytime", "Weekday night", "Weekend daytime", "Weekend night"],
    }
    keys = ["weekday_day", "weekday_night", "weekend_day", "weekend_night"]
    values = {
        "draft": False, "version": 2, "plan_date": dt.date(2026, 4, 1),
        "issued_by": "防災課 山本", "review_date": dt.date(2027, 3, 31),
        "helpers": [
            helper("佐々木 宗一郎", "agreed", "080-3333-4444", "本町12番4号",
                   roles=["inform", "check_safety", "guide"], slots=keys[:2]),
            helper("高橋 美咲", "agreed", "090-5555-6666", "本町3番1号", slots=keys[2:]),
            helper("伊藤 健太", "asked", roles=["guide"]),
            helper("渡辺 直子", "proposed", roles=["inform"], slots=["weekday_day"]),
        ],
        "destinations": [
            Destination("洪水", "本町第二小学校", "本町四丁目1番1号", "指定避難所", 620, None,
                        "flood", True, "3.0–5.0 m"),
            Destination("崖崩れ", "本町コミュニティセンター", "本町20番2号", "福祉避難所", 450,
                        None, "landslide"),
            Destination("高潮", "", "", "", 0, None, "storm_surge", True),
        ],
        "slots": [SlotCover(key, label, ["佐々木 宗一郎"] if key in keys[:2] else [],
                            key != "weekend_night")
                  for key, label in zip(keys, slots[lang], strict=True)],
        "changes": ["支援者を追加：高橋 美咲"], "runs": ["#41 洪水 / 平日・夜"],
        "language": "vi", "doctor": ("本町クリニック", "03-2222-3333"),
        "nurse": ("本町訪問看護", "03-4444-5555"),
        "device_supplier": ("酸素サービス", "0120-000-111"),
        "consent_basis": "本人の同意（書面）", "association": ("本町自治会", "03-6666-7777"),
        "commissioner": ("民生 和子", "090-2222-3333"), "city_office": ("防災課", "03-0000-1111"),
    }  # fmt: skip
    values.update(fields)
    return sheet_of(person, lang, **values)


# --- candidates and supporters who agreed ----------------------------------------------------


@pytest.mark.parametrize("copy_for", ["association", "family"])
def test_a_candidates_phone_is_printed_only_once_they_agreed(town, copy_for):
    # As sheets.py hands a candidate to a copy other than the officer's: no contacts.
    candidate = helper("佐藤 一郎", "proposed")
    before = text_of(render_plan(sheet_of(town["hanako"], helpers=[candidate]), "ja", copy_for))
    agreed = replace(candidate, state="agreed", phone="080-3333-4444", address="本町1番2号")
    after = text_of(render_plan(sheet_of(town["hanako"], helpers=[agreed]), "ja", copy_for))

    assert flat("佐藤 一郎") in before and flat(CANDIDATE) in before
    assert "080-3333-4444" not in before
    assert "080-3333-4444" in after and flat("本町1番2号") in after
    assert flat(CANDIDATE) not in after


def test_the_officer_copy_shows_a_candidates_contacts_marked_and_an_asked_one_pending(town):
    candidates = [
        helper("伊藤 健太", "asked", "070-1212-3434", "本町8番8号"),
        helper("渡辺 直子", "proposed", "080-5656-7878", "本町9番2号"),
    ]

    text = text_of(render_plan(sheet_of(town["hanako"], helpers=candidates), "ja", "officer"))

    assert "070-1212-3434" in text and "080-5656-7878" in text
    assert text.count(flat(CANDIDATE)) == 2
    assert text.count("依頼中") == 1
    # Candidates do not sign: only the person's own signature line.
    signatures = text[text.index("署名欄") :]
    assert flat("伊藤 健太") not in signatures and flat("山田 花子") in signatures


# --- version, draft and review ---------------------------------------------------------------


def test_a_draft_says_so_on_every_page_and_an_issued_plan_names_its_version(everything):
    draft = render_plan(issued(everything, draft=True, version=None))
    final = render_plan(issued(everything))

    draft_pages, final_pages = page_texts(draft), page_texts(final)
    assert len(draft_pages) >= 2
    assert flat("個別避難計画書（案）") in draft_pages[0]
    assert all("案" in page for page in draft_pages)  # the watermark
    assert "v2" in final_pages[0] and flat("2026-04-01") in final_pages[0]
    assert flat("防災課 山本") in final_pages[0]
    assert not any("案" in page for page in final_pages)
    assert "v2" not in "".join(draft_pages)


def test_an_overdue_review_is_flagged_and_a_due_one_is_not(everything):
    overdue = text_of(render_plan(issued(everything, review_overdue=True)))
    due = text_of(render_plan(issued(everything)))

    assert "見直し期限切れ" in overdue
    assert flat("2027-03-31（令和9年3月31日）までに見直す予定でした") in overdue
    assert "見直し期限切れ" not in due


def test_what_changed_is_listed_when_there_is_something(everything):
    changed = text_of(render_plan(issued(everything)))
    first = text_of(render_plan(issued(everything, version=1, changes=[])))

    assert flat("この版での変更点") in changed and flat("支援者を追加：高橋 美咲") in changed
    assert flat("この版での変更点") not in first


# --- every page names the person -------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_each_page_after_the_first_names_the_person_and_their_id(everything, lang):
    pages = page_texts(render_plan(issued(everything, lang), lang))

    assert len(pages) >= 2
    for page in pages[1:]:
        assert flat("長谷川 左衛門之助") in page and "P-77" in page


# --- no raw code on paper --------------------------------------------------------------------

RAW_KEY = re.compile(r"(?<![A-Za-z])[a-z]+_[a-z_]+")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("copy_for", ["officer", "commissioner"])
def test_no_raw_key_reaches_paper(everything, lang, copy_for):
    text = spaced(render_plan(issued(everything, lang), lang, copy_for))

    assert RAW_KEY.findall(text) == []
    assert "language:" not in text
    keys = ("weekday_night", "care_level_3", "check_safety", "storm_surge", "physical_disability")
    for key in keys:
        assert key not in text


def test_a_needed_language_and_the_household_are_in_words(everything):
    text = text_of(render_plan(issued(everything)))
    english = spaced(render_plan(issued(everything, "en"), "en"))

    assert "ベトナム語" in text and "一人暮らし" in text
    assert "Vietnamese" in english and "Lives alone" in english


# --- destinations, contacts, health ----------------------------------------------------------


def test_each_hazard_has_its_row_with_the_homes_place_in_it(everything):
    text = text_of(render_plan(issued(everything)))

    assert flat("区域内（3.0–5.0 m）") in text
    assert flat("区域外：在宅避難も可（避難所は予備）") in text
    assert flat("この災害の避難先はまだ決まっていません") in text
    assert flat("支援者がいない時間帯：休日・昼") in text
    assert flat("まだ計画していない時間帯：休日・夜") in text


def test_whom_to_call_and_the_medical_contacts_are_printed(everything):
    text = text_of(render_plan(issued(everything)))

    for expected in ("本町自治会", "03-6666-7777", "民生 和子", "090-2222-3333", "03-0000-1111",
                     "かかりつけ医", "本町クリニック", "03-2222-3333", "0120-000-111"):  # fmt: skip
        assert flat(expected) in text, expected


def test_a_copy_without_health_details_says_so_and_prints_no_medical_contact(everything):
    withheld = issued(everything, health_shown=False, doctor=("", ""), nurse=("", ""),
                      device_supplier=("", ""), medical_devices=[], medication="")  # fmt: skip

    text = text_of(render_plan(withheld, "ja", "commissioner"))

    assert flat("健康に関する情報は、この写しには記載していません") in text
    assert "かかりつけ医" not in text and "03-2222-3333" not in text


# --- signatures ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_person_and_each_agreed_supporter_have_a_place_to_sign_on_one_page(everything, lang):
    pages = page_texts(render_plan(issued(everything, lang), lang))
    heading = "署名欄" if lang == "ja" else "Signatures"

    last = next(page for page in pages if flat(heading) in page)
    signatures = last[last.index(flat(heading)) :]
    for name in ("長谷川 左衛門之助", "佐々木 宗一郎", "高橋 美咲"):
        assert flat(name) in signatures, name
    for candidate in ("伊藤 健太", "渡辺 直子"):
        assert flat(candidate) not in signatures, candidate


def test_a_plan_prints_the_same_whether_its_paragraphs_are_parsed_afresh_or_shared(town):
    """Paragraphs of the same text and style share their parsed markup (printing speed): the
    second plan, built from shared fragments, reads exactly as the first."""
    from printouts import plan_cells
    from printouts.sheets import plan_sheet

    with translation.override("ja"):
        sheet = plan_sheet(town["hanako"])
    plan_cells._PARSED.clear()
    fresh = [page.extract_text() for page in PdfReader(io.BytesIO(render_plan(sheet))).pages]
    assert plan_cells._PARSED
    shared = [page.extract_text() for page in PdfReader(io.BytesIO(render_plan(sheet))).pages]

    assert shared == fresh


def test_the_map_legend_names_the_hazard_of_its_shaded_area(town):
    with translation.override("ja"):
        sheet = plan_sheet(town["hanako"])

    assert flat("災害想定区域（洪水）") in text_of(render_plan(sheet))


@pytest.mark.parametrize("contacts", [0, 6, 9, 12, 15, 18])
def test_the_closing_note_is_on_the_page_of_the_signatures(town, contacts):
    with translation.override("ja"):
        sheet = plan_sheet(town["hanako"])
    sheet = replace(
        sheet, contacts=[(f"家族{n}", "長男", "090-0000-0000") for n in range(contacts)]
    )
    pages = page_texts(render_plan(sheet))

    [closing] = [n for n, text in enumerate(pages) if "責任を負うことはありません" in text]
    assert "責任を負うことはありません" in pages[closing] and "署名欄" in pages[closing]
    assert "避難支援者は" in pages[closing]
