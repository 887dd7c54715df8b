"""Address normalisation: the spellings that cities' resident systems and MLIT's 位置参照情報
use for the same place come out as one key."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.addresses.normalise import (
    PREFECTURES,
    Parsed,
    block_key,
    kanji_number,
    normalise,
    parse,
    town_key,
)

CITIES = ["秦野市", "千代田区", "北葛飾郡杉戸町", "久喜市", "札幌市中央区", "大和郡山市"]

_DIGITS = "〇一二三四五六七八九"


def kanji(number: int) -> str:
    """How a number is written in kanji in an address: 十二, 二十三, 千二百三十四."""
    if number == 0:
        return "〇"
    text = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        count, number = divmod(number, value)
        if count:
            text += ("" if count == 1 else _DIGITS[count]) + unit
    return text + (_DIGITS[number] if number else "")


def full_width(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "０１２３４５６７８９"))


@pytest.mark.parametrize(
    "written",
    [
        "3丁目12番5号",
        "3丁目12-5",
        "三丁目12番地5",
        "三丁目十二番五号",
        "３丁目１２番５号",
        "3丁目12番地の5",
        "3丁目12の5",
        "3丁目12－5",
        "3丁目12―5",
        "3丁目12‐5",
        "3丁目12ー5",
        "3丁目12−5",
        "3丁目12—5",
        "3丁目 12番 5号",
        "3丁目　12-5",
        "3丁12-5",
        "3丁目-12-5",
    ],
)
def test_it_writes_the_numbers_of_a_chome_address_one_way(written):
    assert normalise(written) == "3丁目12-5"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("12番地の5", "12-5"),
        ("十二番地の五", "12-5"),
        ("１２番地５", "12-5"),
        ("12番", "12"),
        ("十二番", "12"),
        ("二十三号", "23"),
        ("一〇五番地", "105"),
        ("百番地", "100"),
        ("千二百三十四番地の五", "1234-5"),
        ("3-12-5", "3-12-5"),
        ("３ー１２ー５", "3-12-5"),
    ],
)
def test_it_makes_numbers_arabic_and_separators_hyphens(written, expected):
    assert normalise(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("東京都千代田区霞が関１丁目", "東京都千代田区霞ケ関1丁目"),
        ("東京都千代田区霞ヶ関一丁目", "東京都千代田区霞ケ関1丁目"),
        ("東京都千代田区霞ケ関1丁目", "東京都千代田区霞ケ関1丁目"),
        ("世田谷区自由が丘二丁目", "世田谷区自由ケ丘2丁目"),
        ("一ノ瀬", "一の瀬"),
        ("ﾎﾝﾁｮｳﾊｲﾂ", "ホンチョウハイツ"),
        ("Ａ棟ｂ", "A棟B"),
        ("〒257-0035 神奈川県秦野市本町 3-12-5", "神奈川県秦野市本町3-12-5"),
    ],
)
def test_it_unifies_ke_ga_no_widths_and_spaces(written, expected):
    assert normalise(written) == expected


@pytest.mark.parametrize(
    "name",
    [
        "千代田区一番町",
        "世田谷区三軒茶屋",
        "八王子市",
        "千代田区九段南",
        "十日町市",
        "新宿区百人町",
    ],
)
def test_it_leaves_numerals_inside_names_alone(name):
    assert normalise(name) == name


def test_it_keeps_the_rooms_and_the_building_after_the_numbers():
    assert normalise("本町3丁目12番5号 本町ハイツ101号室") == "本町3丁目12-5-本町ハイツ101号室"


def test_it_reads_sapporo_blocks_as_numbers_on_both_sides():
    assert normalise("北一条西二丁目") == normalise("北1条西2丁目") == "北1条西2丁目"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十三", 23),
        ("百", 100),
        ("百五", 105),
        ("一〇五", 105),
        ("千", 1000),
        ("千二百三十四", 1234),
        ("二千十", 2010),
        ("一万二百", 10200),
    ],
)
def test_it_reads_kanji_numerals(numeral, value):
    assert kanji_number(numeral) == value


@pytest.mark.parametrize(
    ("published", "key"),
    [
        ("本町三丁目", "本町3丁目"),
        ("霞が関一丁目", "霞ケ関1丁目"),
        ("霞ヶ関一丁目", "霞ケ関1丁目"),
        ("大字本郷", "本郷"),
        ("本郷", "本郷"),
        ("菖蒲町大字菖蒲", "菖蒲町菖蒲"),
        ("字西原", "西原"),
        ("一番町", "一番町"),
        ("北一条西二丁目", "北1条西2丁目"),
    ],
)
def test_it_keys_towns_without_oaza(published, key):
    assert town_key(published) == key


@pytest.mark.parametrize(
    ("published", "key"),
    [
        ("12", "12"),
        ("１２", "12"),
        ("十二", "12"),
        ("012", "12"),
        ("12番", "12"),
        ("1234", "1234"),
        ("1234-5", "1234"),
        ("1234番地の5", "1234"),
        ("一〇五", "105"),
        ("", ""),
    ],
)
def test_it_keys_a_block_or_lot_by_its_first_number(published, key):
    assert block_key(published) == key


@pytest.mark.parametrize(
    "address",
    [
        "神奈川県秦野市本町三丁目12番5号",
        "秦野市本町3丁目12-5",
        "神奈川県秦野市本町３丁目１２－５",
        "本町3丁目12番地の5",
        "本町 三丁目 十二番 五号",
    ],
)
def test_it_parses_a_chome_address_with_or_without_prefecture_and_city(address):
    parsed = parse(address, PREFECTURES, CITIES)
    assert (parsed.town_key, parsed.block_key, parsed.rest) == ("本町3丁目", "12", "5")
    if "秦野市" in address:
        assert parsed.city == "秦野市"
    else:
        assert parsed.city is None
    assert parsed.prefecture == ("神奈川県" if "神奈川県" in address else None)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("埼玉県久喜市大字菖蒲123番地", Parsed("埼玉県", "久喜市", "菖蒲", "123", "")),
        ("大字本郷1234番地", Parsed(None, None, "本郷", "1234", "")),
        ("本郷1234-5", Parsed(None, None, "本郷", "1234", "5")),
        ("本郷千二百三十四番地の五", Parsed(None, None, "本郷", "1234", "5")),
        ("本郷字北原1234", Parsed(None, None, "本郷字北原", "1234", "")),
    ],
)
def test_it_parses_lot_number_addresses(address, expected):
    assert parse(address, PREFECTURES, CITIES) == expected


def test_it_keeps_numbers_that_belong_to_the_town_name():
    parsed = parse("東京都千代田区一番町12-3 ABCビル", PREFECTURES, CITIES)
    assert parsed == Parsed("東京都", "千代田区", "一番町", "12", "3ABCビル")
    sapporo = parse("札幌市中央区北1条西2丁目3番地", PREFECTURES, CITIES)
    assert sapporo == Parsed(None, "札幌市中央区", "北1条西2丁目", "3", "")


def test_it_finds_a_city_of_a_gun_with_or_without_the_gun():
    with_gun = parse("埼玉県北葛飾郡杉戸町清地二丁目1番1号", PREFECTURES, CITIES)
    without = parse("杉戸町清地2丁目1-1", PREFECTURES, CITIES)
    assert with_gun.city == without.city == "北葛飾郡杉戸町"
    assert (with_gun.town_key, with_gun.block_key) == (without.town_key, without.block_key)
    assert without.town_key == "清地2丁目"


def test_a_city_with_gun_in_its_name_is_not_cut_there():
    assert parse("奈良県大和郡山市北郡山町1", PREFECTURES, CITIES).city == "大和郡山市"
    assert parse("山市1", PREFECTURES, CITIES).city is None


def test_it_parses_an_address_without_numbers_as_a_town():
    assert parse("秦野市本町三丁目", PREFECTURES, CITIES) == Parsed(
        None, "秦野市", "本町3丁目", "", ""
    )


# Text made of what addresses are made of, in every width and spelling.
ADDRESS_TEXT = st.text(
    alphabet=st.sampled_from(
        list("0123456789０１２３４５６７８９〇一二三四五六七八九十百千")
        + list("丁目番地号のノ之-－―‐ー−ヶケがカ 　大字本町霞関郷北条線室ハイツAａ〒")
    ),
    max_size=30,
)


@given(ADDRESS_TEXT)
def test_it_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@given(
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=1, max_value=2999),
    st.integers(min_value=1, max_value=99),
)
def test_a_number_in_kanji_full_or_half_width_gives_the_same_key(chome, block, house):
    spellings = {
        normalise(f"本町{kanji(chome)}丁目{kanji(block)}番{kanji(house)}号"),
        normalise(f"本町{full_width(chome)}丁目{full_width(block)}番地の{full_width(house)}"),
        normalise(f"本町{chome}丁目{block}-{house}"),
    }
    assert spellings == {f"本町{chome}丁目{block}-{house}"}
    assert block_key(kanji(block)) == block_key(full_width(block)) == str(block)
    assert town_key(f"本町{kanji(chome)}丁目") == f"本町{chome}丁目"
