"""The family card by the phone: what it carries, in Japanese, English and やさしい日本語, on
one A6 page in type no smaller than 9 pt."""

from dataclasses import replace

import pytest
from django.utils import translation

from printouts.card import (
    DROPPED_FIRST,
    SMALLEST_BODY,
    WORDS,
    card_language,
    fitted_card,
    render_family_card,
    render_family_cards,
)
from printouts.easy_japanese import EASY, KANJI
from printouts.sheets import Destination, Helper, PlanSheet, plan_sheet
from tests.printouts.test_card_ruby import Run, runs_of
from tests.printouts.test_printouts import flat, pages_of, text_of

pytestmark = pytest.mark.django_db

# The footer's two lines lie below this height (points from the page's foot).
FOOTER_TOP = 12 * 2.835


def helper(name: str, kana: str, phone: str, state: str) -> Helper:
    return Helper(name=name, kana=kana, phone=phone, address="", roles=["evacuation"],
                  distance_m=80, state=state, location=None)  # fmt: skip


def full_sheet(person, lang: str = "ja") -> PlanSheet:
    """Two agreed supporters and a candidate, a hazard to flee and one to sit out at home,
    devices, three contacts and every office's number."""
    with translation.override("ja" if lang == "easy" else lang):
        sheet = plan_sheet(person)
    flood = Destination(
        hazard="洪水", shelter="本町福祉会館", address="支えあい市本町二丁目4番1号",
        kind="福祉避難所", distance_m=420, location=None, hazard_key="flood", in_area=True,
    )  # fmt: skip
    quake = Destination(
        hazard="地震", shelter="本町小学校", address="支えあい市本町一丁目8番2号",
        kind="指定避難所", distance_m=650, location=None, hazard_key="earthquake",
    )  # fmt: skip
    return replace(
        sheet,
        helpers=[
            helper("佐藤 一郎", "サトウ イチロウ", "080-3333-4444", "agreed"),
            helper("高橋 和子", "タカハシ カズコ", "090-9999-0000", "agreed"),
            helper("伊藤 健", "イトウ ケン", "", "proposed"),
        ],
        destinations=[flood, quake],
        contacts=[
            ("山田 一郎", "長男", "090-1111-2222"),
            ("山田 美咲", "長女", "080-5555-6666"),
            ("鈴木 正", "友人", "070-7777-8888"),
        ],
        medical_devices=["在宅酸素", "吸引器"],
        city_office=("支えあい市 福祉課", "0123-45-6789"),
        association=("本町町内会", "0123-45-1111"),
        commissioner=("小林 幸子", "0123-45-2222"),
    )


def body_runs(pdf: bytes) -> list[Run]:
    return [run for run in runs_of(pdf) if run.y > FOOTER_TOP]


# --- what it carries ------------------------------------------------------------------------


def test_the_card_carries_what_a_family_needs_by_the_phone(town):
    sheet = full_sheet(town["hanako"])
    pdf = render_family_card(sheet)
    text = text_of(pdf)

    assert pages_of(pdf) == 1
    for expected in (
        "山田花子", "支えあい市本町1番1号", "119番に電話したら伝えます",
        "警戒レベル3「高齢者等避難」が出たら", "【洪水】本町福祉会館（ゆっくり歩いて約13分）",
        "支えあい市本町二丁目4番1号", "在宅避難ができます。危ないときの避難先：本町小学校",
        "佐藤一郎080-3333-4444", "高橋和子090-9999-0000",
        "お願いしている方（まだ返事がありません）：伊藤健",
        "山田一郎（長男）090-1111-2222", "鈴木正（友人）070-7777-8888",
        "市役所：支えあい市福祉課0123-45-6789", "自治会・町内会：本町町内会0123-45-1111",
        "医療機器と予備バッテリー：在宅酸素、吸引器", "薬：降圧剤", "電源：予備バッテリー（8時間）",
    ):  # fmt: skip
        assert flat(expected) in text, expected


def test_a_candidate_is_named_without_a_phone(town):
    asked = helper("伊藤 健", "イトウ ケン", "090-0000-0001", "asked")
    sheet = replace(full_sheet(town["hanako"]), helpers=[asked])
    text = text_of(render_family_card(sheet))

    assert (
        flat("お願いしている方（まだ返事がありません）：伊藤健") in text
        and "090-0000-0001" not in text
    )
    assert flat("支援者はまだ決まっていません。下の連絡先に電話してください。") in text


def test_a_card_with_nothing_planned_says_so_and_keeps_the_emergency_numbers(town):
    with translation.override("ja"):
        sheet = replace(plan_sheet(town["alone"]), helpers=[], destinations=[], contacts=[])
    text = text_of(render_family_card(sheet))

    assert flat("避難先はまだ決まっていません。") in text
    # Nobody below to call but 119 and 110: the card does not send the family to them.
    assert flat("支援者はまだいません。") in text and "下の連絡先" not in text
    assert flat("消防・救急119") in text and flat("警察110") in text
    assert "市役所" not in text and "持ち出すもの" not in text


def test_a_hazard_without_a_shelter_says_none_is_planned(town):
    sheet = full_sheet(town["hanako"])
    sheet = replace(sheet, destinations=[replace(sheet.destinations[0], shelter="", address="")])

    assert flat("【洪水】避難先はまだ決まっていません。") in text_of(render_family_card(sheet))


def test_an_office_without_a_number_is_left_out(town):
    sheet = replace(full_sheet(town["hanako"]), commissioner=("小林 幸子", ""))

    assert "小林" not in text_of(render_family_card(sheet))


@pytest.mark.parametrize(
    ("lang", "withheld"),
    [
        ("ja", "健康に関する情報は、この写しには記載していません。"),
        ("en", "Health details are not included in this copy."),
        ("easy", "体のことはこのカードに書いていません。"),
    ],
)
def test_a_copy_without_health_details_says_they_are_withheld(town, lang, withheld):
    with translation.override("ja" if lang == "easy" else lang):
        sheet = plan_sheet(town["hanako"], copy_for="commissioner")
    pdf = render_family_card(sheet, lang)
    base = "".join(run.text for run in body_runs(pdf) if run.size >= SMALLEST_BODY)

    assert not sheet.health_shown
    assert flat(withheld) in flat(base)
    assert "降圧剤" not in base and "酸素" not in base


def test_the_english_card_speaks_english(town):
    pdf = render_family_card(full_sheet(town["hanako"], "en"), "en")
    text = text_of(pdf)

    for expected in ("When disaster comes", "Home address: say it when you call 119",
                     "alert level 3", "Who comes", "about 13 min at a slow pace",
                     "Staying at home is possible", "City office", "Phone numbers"):  # fmt: skip
        assert flat(expected) in text, expected
    assert "、" not in text.replace("在宅酸素、吸引器", "")


# --- one page, type no smaller than 9 pt ----------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "easy", "en"])
def test_a_full_card_keeps_to_one_page_without_going_below_nine_points(town, lang):
    sheet = full_sheet(town["hanako"], lang)
    with translation.override("ja" if lang == "easy" else lang):
        fit = fitted_card(sheet, lang)
    pdf = render_family_card(sheet, lang)

    assert pages_of(pdf) == 1
    assert not fit.shrunk and fit.body >= 9
    # Lines are dropped in the order written down, the first ones first.
    assert fit.dropped == DROPPED_FIRST[: len(fit.dropped)]
    # Ruby aside, nothing on the card is drawn smaller than 9 pt.
    sizes = {run.size for run in body_runs(pdf)}
    assert min(size for size in sizes if size > 6) >= 9 - 0.01


def test_a_card_with_little_on_it_is_set_large(town):
    with translation.override("ja"):
        sheet = replace(plan_sheet(town["alone"]), helpers=[], contacts=[])
    fit = fitted_card(sheet, "ja")

    assert fit.body >= 13 and fit.dropped == ()


def test_a_card_that_cannot_fit_is_drawn_smaller_on_its_one_page(town):
    sheet = full_sheet(town["hanako"])
    contacts = [(f"連絡先 {n}番目の人", "親戚", f"090-0000-00{n:02}") for n in range(12)]
    sheet = replace(sheet, contacts=contacts)
    with translation.override("ja"):
        fit = fitted_card(sheet, "ja")
    pdf = render_family_card(sheet)

    assert fit.shrunk and fit.dropped == DROPPED_FIRST
    assert pages_of(pdf) == 1
    assert all(phone in text_of(pdf) for _n, _r, phone in contacts)


# --- やさしい日本語 ---------------------------------------------------------------------------


def test_the_easy_card_has_a_reading_above_every_kanji(town):
    pdf = render_family_card(full_sheet(town["hanako"], "easy"), "easy")
    runs = body_runs(pdf)
    body = [run for run in runs if run.size >= SMALLEST_BODY]
    ruby = [run for run in runs if run.size < SMALLEST_BODY]

    assert pages_of(pdf) == 1
    assert "".join(r.text for r in body).startswith("災害のとき：山田花子")
    for run in body:
        if not KANJI.search(run.text):
            continue
        above = [r for r in ruby if run.y < r.y <= run.y + run.size * 1.2
                 and run.x - run.size <= r.x <= run.x + run.size * len(run.text)]  # fmt: skip
        assert above, f"no reading above {run.text!r}"
    readings = "".join(r.text for r in ruby)
    # The person's name as the registry spells it, and the dictionary's words.
    for expected in ("やまだ", "はなこ", "さとう", "じゅうしょ", "けいかい", "ひなん", "でんわ"):
        assert expected in readings, expected


def test_the_easy_card_uses_its_own_plain_words(town):
    pdf = render_family_card(full_sheet(town["hanako"], "easy"), "easy")
    base = flat("".join(run.text for run in body_runs(pdf) if run.size >= SMALLEST_BODY))

    for expected in ("どこへにげますか", "だれが来ますか", "「警戒レベル3高齢者等避難」が出たら",
                     "大雨・洪水のとき：本町福祉会館（歩いて13分）", "080-3333-4444",
                     "くすり：降圧剤"):  # fmt: skip
        assert flat(expected) in base, expected
    assert "来てくれる人" not in base  # not the Japanese card's words


def test_easy_japanese_is_chosen_for_people_whose_needs_call_for_it(town):
    with translation.override("ja"):
        sheet = replace(plan_sheet(town["hanako"]), easy_japanese=True)
        plain = replace(sheet, easy_japanese=False)

    assert card_language(sheet, "ja") == "easy"
    assert card_language(sheet, "en") == "en" and card_language(plain, "ja") == "ja"
    cards = render_family_cards([sheet, plain], "ja", by_needs=True)
    first, second = ([run for run in runs_of(cards, page) if run.y > FOOTER_TOP] for page in (0, 1))
    assert any(run.text == "さいがい" for run in first)
    assert not any(run.size < SMALLEST_BODY for run in second)


def test_an_unknown_card_language_is_refused(town):
    with translation.override("ja"):
        sheet = plan_sheet(town["hanako"])
    with pytest.raises(ValueError, match="unknown card language: 'fr'"):
        render_family_card(sheet, "fr")


def test_the_easy_words_cover_every_line_of_the_card():
    assert set(EASY) == {*WORDS, "when"}


@pytest.mark.parametrize(
    ("lang", "supporter", "aids"),
    [
        ("ja", "佐藤一郎（平日夜、休日昼）080-3333-4444", "補助具：車いす"),
        ("en", "(weekday nights, weekends by day)", "Mobility aids: 車いす"),
        ("easy", "（平日の夜、土日の昼）", "歩くための道具：車いす"),
    ],
)
def test_an_agreed_supporter_shows_when_they_come_and_the_aids_are_to_take(
    town, lang, supporter, aids
):
    sheet = full_sheet(town["hanako"], lang)
    first = replace(sheet.helpers[0], slots=["weekday_night", "weekend_day"])
    sheet = replace(sheet, helpers=[first, *sheet.helpers[1:]], mobility_aids="車いす")
    pdf = render_family_card(sheet, lang)
    text = text_of(pdf) if lang != "easy" else base_text(pdf)

    assert pages_of(pdf) == 1
    assert flat(supporter) in flat(text), text
    assert flat(aids) in flat(text)


@pytest.mark.parametrize(
    ("lang", "candidate"),
    [
        ("ja", "お願いしている方（まだ返事がありません）"),
        ("en", "Asked to help (no answer yet)"),
        ("easy", "たのんでいる人（まだ返事がありません）"),
    ],
)
def test_a_candidate_is_named_in_family_words(town, lang, candidate):
    # Room for the candidate's line, which a full card in やさしい日本語 drops first.
    sheet = replace(full_sheet(town["hanako"], lang), contacts=[], commissioner=("", ""))
    pdf = render_family_card(sheet, lang)
    text = text_of(pdf) if lang != "easy" else base_text(pdf)

    assert flat(candidate) in flat(text) and "候補" not in text


def base_text(pdf: bytes) -> str:
    """An easy card's text without its readings (set smaller than any body text)."""
    return "".join(run.text for run in body_runs(pdf) if run.size >= SMALLEST_BODY - 0.01)
