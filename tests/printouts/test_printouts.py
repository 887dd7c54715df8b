"""Printouts read back with pypdf: what families, supporters and associations find on paper."""

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pypdf import PdfReader

from planner.agreements import pair_state, pair_step
from planner.models import SupporterAssignment
from printouts import fonts
from printouts.bundle import render_bundle
from printouts.card import render_family_card
from printouts.plan_pdf import render_plan
from printouts.sheets import bundle_people, plan_sheet
from registry.models import Person

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    """All the text, with white space dropped: table cells wrap lines anywhere in Japanese."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return flat(text)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def agree(person):
    """The person's supporters said yes (in person, at the door)."""
    for assignment in SupporterAssignment.objects.filter(person=person).select_related("supporter"):
        if pair_state(person, assignment.supporter) != "agreed":
            pair_step(person=person, supporter=assignment.supporter, step="agree", user=None)


def sheet(person, lang="ja"):
    with translation.override(lang):
        return plan_sheet(person)


def test_it_prints_a_plan_a_family_can_read(town):
    pdf = render_plan(sheet(town["hanako"]))
    text = text_of(pdf)

    assert 1 <= pages_of(pdf) <= 2
    for expected in (
        "個別避難計画書", "山田 花子", "ヤマダ ハナコ", "佐藤 一郎", "080-3333-4444",
        "本町福祉会館",
        "山田 一郎", "090-1111-2222", "降圧剤", "予備バッテリー（8時間）", "1階の寝室",
        "法的な義務や責任を負うことはありません", "取扱注意（個人情報）", "ページ 1 / ",
        "情報伝達", "ゆっくり歩いて約",
    ):  # fmt: skip
        assert flat(expected) in text, expected


def test_it_prints_the_same_layout_in_english(town):
    text = text_of(render_plan(sheet(town["hanako"], "en"), "en"))

    for heading in (
        "Individual evacuation plan",
        "The person",
        "Supporters",
        "Where to go",
        "What to take",
    ):
        assert flat(heading) in text
    assert flat("no legal duty or liability") in text
    assert flat("Confidential: personal information") in text
    assert flat("山田 花子") in text  # names stay as they are


def test_it_shows_a_missing_supporter_plainly(town):
    text = text_of(render_plan(sheet(town["alone"])))

    assert flat("支援者が未定です（1人のうち1人）") in text
    assert flat("自治会で探しています") in text


def test_it_leaves_people_without_consent_out_of_the_association_copy(town):
    area = town["area"]

    def bundle(copy_for):
        people = bundle_people(Person.objects.filter(neighbourhood=area), copy_for)
        with translation.override("ja"):
            sheets = [plan_sheet(p) for p in people]
        return render_bundle(
            neighbourhood=area.name, association=area.association, sheets=sheets, copy_for=copy_for
        )

    association, officer = bundle("association"), bundle("officer")

    association_text, officer_text = text_of(association), text_of(officer)
    assert flat("秘密 多恵") not in association_text and flat("ヒミツ タエ") not in association_text
    assert flat("支えあい市本町2番2号") not in association_text
    assert flat("秘密 多恵") in officer_text
    assert "自治会用" in association_text and "市職員用" in officer_text
    assert "名簿" in association_text and "全体地図" in association_text
    # Cover, roster and overview map, then each person's plan.
    plans = sum(pages_of(render_plan(sheet(p))) for p in (town["hanako"], town["alone"]))
    assert pages_of(association) == 3 + plans
    total = pages_of(association)
    assert all(flat(f"ページ {n} / {total}") in flat(page.extract_text()) for n, page in
               enumerate(PdfReader(io.BytesIO(association)).pages, start=1))  # fmt: skip


def test_it_prints_a_family_card_to_keep_by_the_phone(town):
    # The card lists a supporter with a phone once they agreed (before, only as a candidate).
    agree(town["hanako"])
    pdf = render_family_card(sheet(town["hanako"]))
    page = PdfReader(io.BytesIO(pdf)).pages[0]

    assert pages_of(pdf) == 1
    assert (
        round(float(page.mediabox.width)) == 298 and round(float(page.mediabox.height)) == 420
    )  # A6
    text = page.extract_text()
    for expected in (
        "災害のときは",
        "佐藤 一郎",
        "080-3333-4444",
        "本町福祉会館",
        "119",
        "090-1111-2222",
    ):
        assert expected in text


def test_it_embeds_the_font_as_a_subset(town):
    reader = PdfReader(io.BytesIO(render_plan(sheet(town["hanako"]))))
    resources: list[Any] = [page["/Resources"] for page in reader.pages]
    fonts_used = {str(font["/BaseFont"]) for found in resources for font in found["/Font"].values()}

    assert any("IPAexGothic" in name and "+" in name for name in fonts_used)


def test_it_says_clearly_when_the_font_is_missing(settings):
    settings.PRINTOUT_FONT = "/nonexistent/ipaexg.ttf"
    fonts.register_fonts.cache_clear()
    try:
        with pytest.raises(fonts.FontMissing, match="fonts-ipaexfont"):
            fonts.register_fonts()
    finally:
        fonts.register_fonts.cache_clear()


def test_it_prints_files_from_the_command(town, tmp_path: Path):
    out = io.StringIO()
    call_command("print_plans", out=str(tmp_path), person="P-1", stdout=out)
    assert "P-1 has no issued plan" in out.getvalue() and not list(tmp_path.iterdir())
    call_command("issue_plans", stdout=out)

    call_command("print_plans", out=str(tmp_path), neighbourhood="N1", stdout=out)
    call_command("print_plans", out=str(tmp_path), person="P-1", lang="en", stdout=out)

    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["bundle-N1-association-ja.pdf", "card-P-1.pdf", "plan-P-1.pdf"]
    assert flat("Individual evacuation plan") in text_of((tmp_path / "plan-P-1.pdf").read_bytes())
    with pytest.raises(CommandError, match="no person with ID 'P-9'") as excinfo:
        call_command("print_plans", out=str(tmp_path), person="P-9", stdout=out)
    assert excinfo.value.returncode == 2


def test_it_gathers_a_list_of_sheets_as_it_gathers_each_one(town):
    from printouts.sheets import plan_sheets

    people = [town["hanako"], town["secret"], town["alone"]]
    with translation.override("ja"):
        together = plan_sheets(people)
        one_by_one = [plan_sheet(person) for person in people]

    assert together == one_by_one
    assert [len(sheet.helpers) for sheet in together] == [1, 0, 0]


# --- paper that tells the truth: candidates and agreed supporters ---------------------------

SUPPORTER_PHONE, SUPPORTER_ADDRESS, CANDIDATE = (
    "080-3333-4444",
    "支えあい市本町1番2号",
    "候補（未承諾）",
)
# The card names a candidate in the family's words.
CARD_CANDIDATE = "お願いしている方（まだ返事がありません）"


def plan_and_card(person, copy_for):
    with translation.override("ja"):
        found = plan_sheet(person, copy_for=copy_for)
    return text_of(render_plan(found, "ja", copy_for)), text_of(render_family_card(found))


@pytest.mark.parametrize("copy_for", ["association", "commissioner", "family"])
def test_a_candidates_contacts_stay_off_paper_until_they_agree(town, copy_for):
    plan, card = plan_and_card(town["hanako"], copy_for)

    assert flat("佐藤 一郎") in plan and flat(CANDIDATE) in plan
    assert SUPPORTER_PHONE not in plan and SUPPORTER_PHONE not in card
    assert flat(SUPPORTER_ADDRESS) not in plan and flat(SUPPORTER_ADDRESS) not in card
    assert flat(CARD_CANDIDATE) in card  # named apart on the card, not as one who comes

    agree(town["hanako"])
    plan, card = plan_and_card(town["hanako"], copy_for)

    assert SUPPORTER_PHONE in plan and flat(SUPPORTER_ADDRESS) in plan and SUPPORTER_PHONE in card
    assert flat(CANDIDATE) not in plan and flat(CARD_CANDIDATE) not in card


def test_an_issued_plan_prints_a_supporters_phone_only_from_the_version_after_they_agreed(
    town, tmp_path: Path
):
    call_command("issue_plans", stdout=io.StringIO())
    agree(town["hanako"])
    call_command("print_plans", out=str(tmp_path), person="P-1", stdout=io.StringIO())
    v1 = text_of((tmp_path / "plan-P-1.pdf").read_bytes())

    call_command("issue_plans", stdout=io.StringIO())
    call_command("print_plans", out=str(tmp_path), person="P-1", stdout=io.StringIO())
    v2 = text_of((tmp_path / "plan-P-1.pdf").read_bytes())
    card = text_of((tmp_path / "card-P-1.pdf").read_bytes())

    # Version 1 was issued before the supporter agreed: frozen, it still names a candidate.
    assert SUPPORTER_PHONE not in v1 and flat(CANDIDATE) in v1
    assert SUPPORTER_PHONE in v2 and SUPPORTER_PHONE in card and flat(CANDIDATE) not in v2


def test_the_officer_copy_shows_a_candidates_contacts_marked_as_a_candidate(town):
    plan, card = plan_and_card(town["hanako"], "officer")

    assert SUPPORTER_PHONE in plan and flat(SUPPORTER_ADDRESS) in plan and flat(CANDIDATE) in plan
    # The card goes to the family whoever prints it: no candidate's phone there.
    assert SUPPORTER_PHONE not in card and flat(CARD_CANDIDATE) in card

    agree(town["hanako"])
    plan, card = plan_and_card(town["hanako"], "officer")

    assert SUPPORTER_PHONE in plan and flat(CANDIDATE) not in plan and SUPPORTER_PHONE in card


def test_the_roster_marks_candidates_and_the_bundle_keeps_their_phones_back(town):
    people = bundle_people(Person.objects.filter(neighbourhood=town["area"]), "association")
    with translation.override("ja"):
        sheets = [plan_sheet(p, copy_for="association") for p in people]
    text = text_of(render_bundle(neighbourhood="本町", association="本町町内会", sheets=sheets,
                                 copy_for="association"))  # fmt: skip

    assert flat(f"{CANDIDATE}：佐藤 一郎") in text
    assert SUPPORTER_PHONE not in text and flat(SUPPORTER_ADDRESS) not in text


def test_the_japanese_plan_writes_the_era_date_beside_the_iso_date(town):
    Person.objects.filter(pk=town["hanako"].pk).update(
        birth_date=dt.date(1935, 4, 26), consent_date=dt.date(2019, 5, 1)
    )
    town["hanako"].refresh_from_db()

    japanese = text_of(render_plan(sheet(town["hanako"])))
    english = text_of(render_plan(sheet(town["hanako"], "en"), "en"))

    assert flat("1935-04-26（昭和10年4月26日）") in japanese
    assert flat("2019-05-01（令和元年5月1日）") in japanese
    assert "1935-04-26" in english and "昭和" not in english and "令和" not in english


def test_the_plan_and_the_card_say_when_to_leave(town):
    """Everyone on the list leaves at alert level 3, before the general order at level 4."""
    japanese_plan = text_of(render_plan(sheet(town["hanako"])))
    japanese_card = render_family_card(sheet(town["hanako"]))
    with translation.override("en"):
        english = text_of(render_plan(plan_sheet(town["hanako"]), "en"))

    when = flat("警戒レベル3「高齢者等避難」が出たら、レベル4を待たずに避難を始めます。")
    assert when in flat(japanese_plan) and when in flat(text_of(japanese_card))
    assert pages_of(japanese_card) == 1
    assert flat("alert level 3") in english


def test_the_command_prints_a_supporters_own_sheet_of_the_people_they_agreed_to_help(
    town, tmp_path: Path
):
    call_command("issue_plans", stdout=io.StringIO())
    out = io.StringIO()
    call_command("print_plans", out=str(tmp_path), supporter="S-1", stdout=out)
    before = text_of((tmp_path / "supporter-S-1.pdf").read_bytes())

    agree(town["hanako"])
    call_command("issue_plans", stdout=io.StringIO())
    call_command("print_plans", out=str(tmp_path), supporter="S-1", stdout=out)
    after = text_of((tmp_path / "supporter-S-1.pdf").read_bytes())

    assert flat("山田 花子") not in before
    assert flat("山田 花子") in after and flat("支えあい市本町1番1号") in after
    with pytest.raises(CommandError, match="no supporter with ID 'S-9'"):
        call_command("print_plans", out=str(tmp_path), supporter="S-9", stdout=out)


def test_a_japanese_card_is_in_easy_japanese_for_someone_who_needs_it(town, tmp_path: Path):
    Person.objects.filter(pk=town["hanako"].pk).update(communication=["language:vi"])
    call_command("issue_plans", stdout=io.StringIO())

    call_command("print_plans", out=str(tmp_path), person="P-1", stdout=io.StringIO())

    card = text_of((tmp_path / "card-P-1.pdf").read_bytes())
    plan = text_of((tmp_path / "plan-P-1.pdf").read_bytes())
    assert flat("どこへ にげますか") in card
    assert "ベトナム語" in plan and "language:" not in plan
