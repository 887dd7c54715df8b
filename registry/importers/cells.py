"""Cell values: parsing what cities write (and formatting it back the same way for export).

Each cell type parses a stripped, non-empty string and raises CellError with a message for the
`LINE: column: message` report; empty cells are handled by the column (default or required).
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from registry.importers.problems import lazy_text
from registry.models.fields import JAPAN_LAT, JAPAN_LON


class CellError(ValueError):
    """A cell that cannot be read; `message` is put into words when shown."""

    def __init__(self, message: StrPromise) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def normalise(raw: str) -> str:
    """Full-width digits, letters and half-width katakana to their usual forms."""
    return unicodedata.normalize("NFKC", raw).strip()


class Cell:
    # A column whose cells repeat a few values (codes, yes/no, dates) is parsed once per
    # distinct value: at city scale that is most of the time spent reading a file.
    repeats = False

    def parse(self, raw: str) -> Any:
        return raw

    def parse_all(self, raws: Sequence[str]) -> "ParsedCells":
        """`parse` of each cell of a column."""
        if self.repeats:
            return self._parse_repeating(raws)
        parse = self.parse
        values: list[Any] = []
        errors: dict[int, CellError] = {}
        append = values.append
        for position, raw in enumerate(raws):
            try:
                append(parse(raw))
            except CellError as error:
                append(None)
                errors[position] = error
        return ParsedCells(values, errors)

    def _parse_repeating(self, raws: Sequence[str]) -> "ParsedCells":
        known: dict[str, Any] = {}
        failed: dict[str, CellError] = {}
        parse = self.parse
        for raw in dict.fromkeys(raws):
            try:
                known[raw] = parse(raw)
            except CellError as error:
                known[raw] = None
                failed[raw] = error
        values = [known[raw] for raw in raws]
        if any(type(value) is list for value in known.values()):
            # Each row gets a list of its own, as parsing cell by cell gives.
            values = [value.copy() if type(value) is list else value for value in values]
        errors = (
            {position: failed[raw] for position, raw in enumerate(raws) if raw in failed}
            if failed
            else {}
        )
        return ParsedCells(values, errors)

    def format(self, value: Any) -> str:
        return "" if value is None else str(value)


@dataclass(frozen=True)
class ParsedCells:
    """A column's values, in the order of its cells; a cell that cannot be read has None for
    its value and its error under its position in `errors`."""

    values: list[Any]
    errors: dict[int, CellError]


class Text(Cell):
    def __init__(self, max_length: int = 200) -> None:
        self.max_length = max_length

    def parse(self, raw: str) -> str:
        if len(raw) > self.max_length:
            raise CellError(lazy_text(_("longer than %(max)s characters"), max=self.max_length))
        return raw

    def parse_all(self, raws: Sequence[str]) -> ParsedCells:
        if max(map(len, raws), default=0) <= self.max_length:
            return ParsedCells(list(raws), {})  # every cell is its own value
        return super().parse_all(raws)


class Kana(Cell):
    _pattern = re.compile(r"[ぁ-ゖァ-ヺー・ 　]*")

    def parse(self, raw: str) -> str:
        value = normalise(raw)
        if not self._pattern.fullmatch(value):
            raise CellError(
                lazy_text(_("%(value)s is not kana (hiragana or katakana)"), value=repr(raw))
            )
        return value


class Phone(Cell):
    # Digits, spaces, +, - and (), with at least one digit.
    _pattern = re.compile(r"[+() -]*[0-9][0-9+() -]*")

    def parse(self, raw: str) -> str:
        # ASCII text is its own NFKC form and holds no long-vowel mark.
        if raw.isascii():
            value = raw.strip()
        else:
            # A long-vowel mark typed for a hyphen is the commonest slip in Japanese phone
            # numbers.
            value = normalise(raw).replace("ー", "-").replace("‐", "-")
        if not self._pattern.fullmatch(value):
            raise CellError(
                lazy_text(
                    _("%(value)s is not a phone number (digits, spaces, +, - and ())"),
                    value=repr(raw),
                )
            )
        return value


class Email(Cell):
    def __init__(self, max_length: int = 254) -> None:
        self.max_length = max_length

    def parse(self, raw: str) -> str:
        # Full-width letters and ＠ typed with a Japanese input method are the usual slip.
        value = normalise(raw)
        try:
            validate_email(value)
        except ValidationError:
            raise CellError(
                lazy_text(_("%(value)s is not an e-mail address"), value=repr(raw))
            ) from None
        if len(value) > self.max_length:
            raise CellError(lazy_text(_("longer than %(max)s characters"), max=self.max_length))
        return value


class Key(Cell):
    repeats = True

    def __init__(self, keys: Iterable[str], aliases: dict[str, str] | None = None) -> None:
        self.keys = list(keys)
        self.aliases = aliases or {}

    def parse(self, raw: str) -> str:
        value = normalise(raw)
        value = self.aliases.get(value, value.lower())
        if value not in self.keys:
            raise CellError(
                lazy_text(
                    _("unknown value %(value)s; expected one of %(keys)s"),
                    value=repr(raw),
                    keys=", ".join(self.keys),
                )
            )
        return value


class KeyList(Cell):
    """Several keys in one cell, separated by `;`. `pattern` admits keys of a form (language:xx)."""

    repeats = True

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
                raise CellError(
                    lazy_text(
                        _("unknown value %(value)s; expected %(keys)s"),
                        value=repr(part.strip()),
                        keys=", ".join(self.keys),
                    )
                )
            values.append(value)
        return values

    def format(self, value: Any) -> str:
        return ";".join(value or [])


class Boolean(Cell):
    repeats = True

    TRUE = {"yes", "1", "true", "はい", "y", "○"}
    FALSE = {"no", "0", "false", "いいえ", "n", "×"}

    def parse(self, raw: str) -> bool:
        value = normalise(raw).lower()
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise CellError(lazy_text(_("%(value)s is not yes or no"), value=repr(raw)))

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
            raise CellError(
                lazy_text(_("%(value)s is not a whole number"), value=repr(raw))
            ) from None
        if self.minimum is not None and number < self.minimum:
            raise CellError(
                lazy_text(
                    _("%(number)s is less than %(minimum)s"), number=number, minimum=self.minimum
                )
            )
        if self.maximum is not None and number > self.maximum:
            raise CellError(
                lazy_text(
                    _("%(number)s is more than %(maximum)s"), number=number, maximum=self.maximum
                )
            )
        return number


class Coordinate(Cell):
    def __init__(self, axis: str) -> None:
        self.axis = axis
        self.low, self.high = JAPAN_LAT if axis == "latitude" else JAPAN_LON

    def parse(self, raw: str) -> float:
        try:
            # ASCII text is its own NFKC form (and float() reads past spaces itself).
            number = float(raw if raw.isascii() else normalise(raw))
        except ValueError:
            raise CellError(
                lazy_text(_("%(value)s is not a number in decimal degrees"), value=repr(raw))
            ) from None
        if not self.low <= number <= self.high:
            template = (
                _("latitude %(number)s is outside Japan (%(low)s to %(high)s)")
                if self.axis == "latitude"
                else _("longitude %(number)s is outside Japan (%(low)s to %(high)s)")
            )
            raise CellError(
                lazy_text(
                    template,
                    number=str(number),
                    low=format(self.low, "g"),
                    high=format(self.high, "g"),
                )
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

    repeats = True  # a city's people share their birthdays a few times each

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
                raise _not_a_real_date(raw, error) from None
        template = (
            _("%(value)s is not a date (YYYY-MM-DD or a Japanese era date)")
            if self.era
            else _("%(value)s is not a date (YYYY-MM-DD)")
        )
        raise CellError(lazy_text(template, value=repr(raw)))

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
        raise _not_a_real_date(raw, error) from None
    end = ERAS[index + 1].start if index + 1 < len(ERAS) else None
    if day < era.start or (end and day >= end):
        raise CellError(
            lazy_text(_("%(value)s is not within the %(era)s era"), value=repr(raw), era=era.name)
        )
    return day


def _not_a_real_date(raw: str, error: ValueError) -> CellError:
    # Python's own reason ("day is out of range for month") stays in English.
    return CellError(
        lazy_text(
            _("%(value)s is not a real date (%(reason)s)"), value=repr(raw), reason=str(error)
        )
    )
