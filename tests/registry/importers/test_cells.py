"""Cell parsing: what cities actually write in their files.

Messages are read as the `import` command prints them, with translations off; the last tests
read the same errors in Japanese, as the admin's import page shows them."""

import datetime as dt
import re

import pytest
from django.utils import translation

from registry.importers.cells import (
    Boolean,
    CellError,
    Coordinate,
    Date,
    Integer,
    Kana,
    KeyList,
    Phone,
)

ERA = Date(era=True)


@pytest.fixture(autouse=True)
def as_the_command_prints():
    with translation.override(None):
        yield


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1945-01-02", dt.date(1945, 1, 2)),
        ("1945/1/2", dt.date(1945, 1, 2)),
        ("１９４５－０１－０２", dt.date(1945, 1, 2)),
        ("2024-04-01 00:00:00", dt.date(2024, 4, 1)),
        ("昭和20年1月2日", dt.date(1945, 1, 2)),
        ("昭和２０年１月２日", dt.date(1945, 1, 2)),
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("大正15年12月24日", dt.date(1926, 12, 24)),
        ("明治45年7月29日", dt.date(1912, 7, 29)),
        ("S20.1.2", dt.date(1945, 1, 2)),
        ("h1.1.8", dt.date(1989, 1, 8)),
    ],
)
def test_it_reads_western_and_japanese_era_dates(raw, expected):
    assert ERA.parse(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("昭和65年1月1日", "not within the 昭和 era"),
        ("平成元年1月7日", "not within the 平成 era"),
        ("令和元年4月30日", "not within the 令和 era"),
        ("昭和20年2月30日", "not a real date"),
        ("2023-02-29", "not a real date"),
        ("昭和二十年一月二日", "not a date"),
        ("yesterday", "not a date (YYYY-MM-DD or a Japanese era date)"),
    ],
)
def test_it_explains_dates_it_cannot_read(raw, message):
    with pytest.raises(CellError, match=re.escape(message)):
        ERA.parse(raw)


def test_it_reads_era_dates_only_where_allowed():
    with pytest.raises(CellError, match=r"not a date \(YYYY-MM-DD\)"):
        Date().parse("昭和20年1月2日")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("北緯35度", "'北緯35度' is not a number in decimal degrees"),
        ("135.5", "latitude 135.5 is outside Japan (20 to 46)"),
        ("-35.36", "latitude -35.36 is outside Japan"),
    ],
)
def test_it_refuses_latitudes_that_are_not_in_japan(raw, message):
    with pytest.raises(CellError, match=re.escape(message)):
        Coordinate("latitude").parse(raw)


def test_it_keeps_every_digit_of_a_coordinate_through_a_round_trip():
    cell = Coordinate("longitude")
    value = 139.32000000000002
    assert cell.parse(cell.format(value)) == value
    assert cell.parse("１３９．３２") == 139.32


def test_it_reads_the_usual_ways_of_saying_yes_and_no():
    cell = Boolean()
    assert [cell.parse(v) for v in ("yes", "1", "TRUE", "はい", "ｙｅｓ")] == [True] * 5
    assert [cell.parse(v) for v in ("no", "0", "false", "いいえ")] == [False] * 4
    with pytest.raises(CellError, match="'maybe' is not yes or no"):
        cell.parse("maybe")


def test_it_reads_lists_of_keys_and_names_the_unknown_one():
    cell = KeyList(["hearing", "visual", "cognitive"], pattern=r"language:[a-z]{2,3}")
    assert cell.parse("hearing; language:vi ;hearing；visual") == [
        "hearing",
        "language:vi",
        "visual",
    ]
    with pytest.raises(CellError, match="unknown value 'telepathy'; expected hearing"):
        cell.parse("hearing;telepathy")


def test_it_tidies_phone_numbers_and_kana():
    assert Phone().parse("０４６３ー１１ー２２３３") == "0463-11-2233"
    with pytest.raises(CellError, match="not a phone number"):
        Phone().parse("ask the neighbour")
    assert Kana().parse("ﾔﾏﾀﾞ ﾊﾅｺ") == "ヤマダ ハナコ"
    with pytest.raises(CellError, match="not kana"):
        Kana().parse("山田")


def test_it_puts_a_cell_error_into_words_when_shown():
    with pytest.raises(CellError) as caught:
        Integer().parse("abc")

    with translation.override("ja"):
        assert str(caught.value) == "'abc' は整数ではありません"
    with translation.override("en"):
        assert str(caught.value) == "'abc' is not a whole number"
    assert str(caught.value) == "'abc' is not a whole number"


@pytest.mark.parametrize(
    ("cell", "raw", "japanese"),
    [
        (Coordinate("latitude"), "135.5", "緯度 135.5 は日本の範囲外です（20～46）"),
        (ERA, "昭和65年1月1日", "'昭和65年1月1日' は昭和の期間にない日付です"),
        (Boolean(), "maybe", "'maybe' は「はい」か「いいえ」として読めません"),
        (
            KeyList(["hearing", "visual"]),
            "telepathy",
            "'telepathy' は使えない値です。次の値を使ってください：hearing, visual",
        ),
    ],
)
def test_it_explains_cells_in_japanese(cell, raw, japanese):
    with translation.override("ja"), pytest.raises(CellError) as caught:
        cell.parse(raw)

    with translation.override("ja"):
        assert str(caught.value) == japanese
