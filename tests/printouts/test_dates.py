"""The era dates (和暦) of Japanese paper: each era's first day, 元年, and the days before."""

import datetime as dt

import pytest

from printouts.dates import iso_and_wareki, wareki


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 28), "令和8年11月28日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1935, 4, 26), "昭和10年4月26日"),
        (dt.date(1926, 12, 25), "昭和元年12月25日"),
        (dt.date(1926, 12, 24), "大正15年12月24日"),
        (dt.date(1912, 7, 30), "大正元年7月30日"),
        (dt.date(1912, 7, 29), "明治45年7月29日"),
        (dt.date(1868, 10, 23), "明治元年10月23日"),
    ],
)
def test_it_writes_each_era_from_its_first_day(day, expected):
    assert wareki(day) == expected


def test_it_gives_no_era_before_meiji():
    assert wareki(dt.date(1868, 10, 22)) is None
    assert iso_and_wareki(dt.date(1868, 10, 22)) == "1868-10-22"


def test_it_writes_the_era_date_beside_the_iso_date():
    assert iso_and_wareki(dt.date(2026, 11, 28)) == "2026-11-28（令和8年11月28日）"
