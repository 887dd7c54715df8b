"""Dates as Japanese paper writes them: the era (和暦) beside the ISO date, since a family reads
their own birth date as 昭和10年4月26日 rather than 1935-04-26. Standard library only."""

import datetime as dt

# Each era's first day (the day the new era name took effect), latest first.
ERAS: tuple[tuple[dt.date, str], ...] = (
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1912, 7, 30), "大正"),
    (dt.date(1868, 10, 23), "明治"),
)


def wareki(day: dt.date) -> str | None:
    """The date in the Japanese era calendar, e.g. 令和8年11月28日; an era's first year is
    written 元年 (令和元年5月1日). None before 明治, which no one on paper was born in.

    Month and day are the Gregorian ones, as in every modern use: before 明治6年 (1873) the
    Japanese calendar was lunisolar, a difference no living person's date meets."""
    for start, era in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            written = "元" if year == 1 else str(year)
            return f"{era}{written}年{day.month}月{day.day}日"
    return None


def iso_and_wareki(day: dt.date) -> str:
    """The ISO date with the era date beside it in full-width brackets, as Japanese paper
    writes a date a family reads: 2026-11-28（令和8年11月28日）."""
    era = wareki(day)
    return f"{day.isoformat()}（{era}）" if era else day.isoformat()
