"""Cell values: parsing what cities write (and formatting it back the same way for export).

Each cell type parses a stripped, non-empty string and raises CellError with a message for the
`LINE: column: message` report; empty cells are handled by the column (default or required).
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from registry.models.fields import JAPAN_LAT, JAPAN_LON


class CellError(ValueError):
    pass


def normalise(raw: str) -> str:
    """Full-width digits, letters and half-width katakana to their usual forms."""
    return unicodedata.normalize("NFKC", raw).strip()


class Cell:
    def parse(self, raw: str) -> Any:
        return raw

    def format(self, value: Any) -> str:
        return "" if value is None else str(value)


class Text(Cell):
    def __init__(self, max_length: int = 200) -> None:
        self.max_length = max_length

    def parse(self, raw: str) -> str:
        if len(raw) > self.max_length:
            raise CellError(f"longer than {self.max_length} characters")
        return raw


class Kana(Cell):
    _pattern = re.compile(r"[ぁ-ゖァ-ヺー・ 　]*")

    def parse(self, raw: str) -> str:
        value = normalise(raw)
        if not self._pattern.fullmatch(value):
            raise CellError(f"{raw!r} is not kana (hiragana or katakana)")
        return value


class Phone(Cell):
    _pattern = re.compile(r"[0-9+() -]+")

    def parse(self, raw: str) -> str:
        # A long-vowel mark typed for a hyphen is the commonest slip in Japanese phone numbers.
        value = normalise(raw).replace("ー", "-").replace("‐", "-")
        if not self._pattern.fullmatch(value) or not any(ch.isdigit() for ch in value):
            raise CellError(f"{raw!r} is not a phone number (digits, spaces, +, - and ())")
        return value


class Key(Cell):
    def __init__(self, keys: Iterable[str], aliases: dict[str, str] | None = None) -> None:
        self.keys = list(keys)
        self.aliases = aliases or {}

    def parse(self, raw: str) -> str:
        value = normalise(raw)
        value = self.aliases.get(value, value.lower())
        if value not in self.keys:
            raise CellError(f"unknown value {raw!r}; expected one of {', '.join(self.keys)}")
        return value


class KeyList(Cell):
    """Several keys in one cell, separated by `;`. `pattern` admits keys of a form (language:xx)."""

    def __init__(self, keys: Iterable[str], pattern: str | None = None) -> None:
        self.keys = list(keys)
        self.pattern = re.compile(pattern) if pattern else None

    def parse(self, raw: str) -> list[str]:
        values: list[str] = []
        for part in normalise(raw).split(";"):
            value = part.strip().lower()
            if not value or value in values:
                continue
            if value not in self.keys and not (self.pattern and self.pattern.fullmatch(value)):
                expected = ", ".join(self.keys)
                raise CellError(f"unknown value {part.strip()!r}; expected {expected}")
            values.append(value)
        return values

    def format(self, value: Any) -> str:
        return ";".join(value or [])


class Boolean(Cell):
    TRUE = {"yes", "1", "true", "はい", "y", "○"}
    FALSE = {"no", "0", "false", "いいえ", "n", "×"}

    def parse(self, raw: str) -> bool:
        value = normalise(raw).lower()
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise CellError(f"{raw!r} is not yes or no")

    def format(self, value: Any) -> str:
        return "yes" if value else "no"


class Integer(Cell):
    def __init__(self, minimum: int | None = None, maximum: int | None = None) -> None:
        self.minimum, self.maximum = minimum, maximum

    def parse(self, raw: str) -> int:
        value = normalise(raw).replace(",", "")
        try:
            number = int(value)
        except ValueError:
            raise CellError(f"{raw!r} is not a whole number") from None
        if self.minimum is not None and number < self.minimum:
            raise CellError(f"{number} is less than {self.minimum}")
        if self.maximum is not None and number > self.maximum:
            raise CellError(f"{number} is more than {self.maximum}")
        return number


class Coordinate(Cell):
    def __init__(self, axis: str) -> None:
        self.axis = axis
        self.low, self.high = JAPAN_LAT if axis == "latitude" else JAPAN_LON

    def parse(self, raw: str) -> float:
        try:
            number = float(normalise(raw))
        except ValueError:
            raise CellError(f"{raw!r} is not a number in decimal degrees") from None
        if not self.low <= number <= self.high:
            raise CellError(
                f"{self.axis} {number} is outside Japan ({self.low:g} to {self.high:g})"
            )
        return number

    def format(self, value: Any) -> str:
        # The shortest text that reads back as exactly the same number: no drift on a round trip.
        return "" if value is None else repr(float(value))


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: dt.date


# Japanese eras from Meiji on, with the day each began (dates of birth reach back that far).
ERAS = (
    Era("明治", "M", dt.date(1868, 1, 25)),
    Era("大正", "T", dt.date(1912, 7, 30)),
    Era("昭和", "S", dt.date(1926, 12, 25)),
    Era("平成", "H", dt.date(1989, 1, 8)),
    Era("令和", "R", dt.date(2019, 5, 1)),
)
# 2024-04-01, and 2024/4/1 as spreadsheets write it; a time after it is ignored.
_WESTERN_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?")
_ERA_DATE = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*(?P<year>元|\d{1,2})\s*[年./-]\s*"
    r"(?P<month>\d{1,2})\s*[月./-]\s*(?P<day>\d{1,2})\s*日?",
    re.IGNORECASE,
)


class Date(Cell):
    """ISO dates (also with slashes); with `era=True` also Japanese era dates: 昭和20年1月2日,
    平成元年1月8日, S20.1.2."""

    def __init__(self, era: bool = False) -> None:
        self.era = era

    def parse(self, raw: str) -> dt.date:
        value = normalise(raw)
        match = _ERA_DATE.fullmatch(value) if self.era else None
        if match:
            return _era_date(raw, match)
        match = _WESTERN_DATE.fullmatch(value)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError as error:
                raise CellError(f"{raw!r} is not a real date ({error})") from None
        expected = "YYYY-MM-DD or a Japanese era date" if self.era else "YYYY-MM-DD"
        raise CellError(f"{raw!r} is not a date ({expected})")

    def format(self, value: Any) -> str:
        return "" if value is None else value.isoformat()


def _era_date(raw: str, match: re.Match[str]) -> dt.date:
    key = match["era"].upper()
    index = next(i for i, era in enumerate(ERAS) if key in (era.name, era.letter))
    era = ERAS[index]
    year = 1 if match["year"] == "元" else int(match["year"])
    try:
        day = dt.date(era.start.year + year - 1, int(match["month"]), int(match["day"]))
    except ValueError as error:
        raise CellError(f"{raw!r} is not a real date ({error})") from None
    end = ERAS[index + 1].start if index + 1 < len(ERAS) else None
    if day < era.start or (end and day >= end):
        raise CellError(f"{raw!r} is not within the {era.name} era")
    return day
