"""MLIT's 位置参照情報 (the national address reference), read as published: a Shift_JIS
(CP932) CSV with every field quoted and CRLF line ends, or the zip it comes in (14000-19.0a.zip
holding 14_2020.csv). UTF-8, with or without BOM, is read too. Two levels, told apart by the
header:

- 街区レベル (`block`): one point per 街区 (住居表示 areas) or 地番 (elsewhere);
- 大字・町丁目レベル (`town`): one point per 大字 or 町丁目.

A prefecture's block file holds about a million rows, so the file is read as a stream into
compact tuples (names shared, not copied, from row to row) and written with COPY. Importing a
file again replaces the points of the cities it holds, at its level only: the block and town
levels of a city live side by side. Rows marked as history (更新前履歴フラグ 1: the place as it
was before a change) are skipped and counted.
"""

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from registry.addresses.normalise import block_key, town_key
from registry.bulk import copy_rows
from registry.importers.cells import CellError, Coordinate
from registry.importers.problems import InvalidRows, Problem, UnusableFile, lazy_text
from registry.importers.staging import Counts
from registry.importers.writing import Outcome, Parsed, point_ewkt
from registry.models import AddressLevel, AddressPoint
from registry.models.fields import JAPAN_LAT, JAPAN_LON

BLOCK_HEADER = (
    "都道府県名", "市区町村名", "大字・丁目名", "小字・通称名", "街区符号・地番", "座標系番号",
    "Ｘ座標", "Ｙ座標", "緯度", "経度", "住居表示フラグ", "代表フラグ", "更新前履歴フラグ",
    "更新後履歴フラグ",
)  # fmt: skip
TOWN_HEADER = (
    "都道府県コード", "都道府県名", "市区町村コード", "市区町村名", "大字町丁目コード",
    "大字町丁目名", "緯度", "経度", "原典資料コード", "大字・字・丁目区分コード",
)  # fmt: skip
HEADERS = {AddressLevel.BLOCK: BLOCK_HEADER, AddressLevel.TOWN: TOWN_HEADER}

# The columns this module reads, by the name it uses, at each level.
BLOCK_COLUMNS = {
    "prefecture": "都道府県名", "city": "市区町村名", "town": "大字・丁目名",
    "koaza": "小字・通称名", "block": "街区符号・地番", "lat": "緯度", "lon": "経度",
    "residential": "住居表示フラグ", "representative": "代表フラグ", "history": "更新前履歴フラグ",
}  # fmt: skip
TOWN_COLUMNS = {
    "prefecture": "都道府県名", "city": "市区町村名", "town": "大字町丁目名",
    "town_code": "大字町丁目コード", "lat": "緯度", "lon": "経度",
}  # fmt: skip

COPY_COLUMNS = (
    "level", "prefecture", "city", "town", "koaza", "block", "town_key", "block_key",
    "residential", "representative", "town_code", "location", "record_id",
)  # fmt: skip
# One row as COPY writes it, without the import's id (added at write).
PointRow = tuple[str, str, str, str, str, str, str, str, bool, bool, str, str]

# Enough of the file to tell its encoding; a multi-byte character cut at the end is allowed.
SAMPLE_BYTES = 1 << 16
UTF8_BOM = b"\xef\xbb\xbf"


def _field_length(name: str) -> int:
    field = AddressPoint._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


LENGTHS = {name: _field_length(name) for name in ("prefecture", "city", "town", "koaza", "block")}


@dataclass(frozen=True)
class AddressFile(Parsed[PointRow]):
    """A checked address file: its level, the cities it holds and the history rows left out."""

    level: str
    cities: frozenset[tuple[str, str]]  # (prefecture, city)
    history: int


# --- opening: a CSV or a zip holding one, in UTF-8 or CP932 -------------------------------


def _open_binary(stack: ExitStack, path: Path, member: str | None) -> IO[bytes]:
    if member is None:
        return stack.enter_context(path.open("rb"))
    archive = stack.enter_context(zipfile.ZipFile(path))
    return stack.enter_context(archive.open(member))


def _csv_member(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [
                info.filename
                for info in archive.infolist()
                if not info.is_dir() and info.filename.lower().endswith(".csv")
            ]
    except (zipfile.BadZipFile, OSError) as error:
        raise UnusableFile.because(
            lazy_text(_("not readable as a zip file: %(error)s"), error=str(error))
        ) from None
    if len(names) != 1:
        raise UnusableFile.because(
            lazy_text(
                _("the zip file must hold exactly one CSV file; it holds %(count)s"),
                count=len(names),
            )
        )
    return names[0]


def _encoding(sample: bytes) -> str:
    if not sample.strip():
        raise UnusableFile.because(_("the file is empty"))
    if b"\x00" in sample[:4096]:
        raise UnusableFile.because(_("this is not a text file (it holds binary data)"))
    if sample.startswith(UTF8_BOM):
        return "utf-8-sig"
    try:
        # final=False: the sample may end inside a character.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp932"
    return "utf-8"


@contextmanager
def _text(path: Path) -> Iterator[tuple[IO[str], str]]:
    """The file (or the CSV inside the zip) as text, and how it was stored."""
    with path.open("rb") as handle:
        zipped = handle.read(4) == b"PK\x03\x04"
    member = _csv_member(path) if zipped else None
    with ExitStack() as stack:
        encoding = _encoding(_open_binary(stack, path, member).read(SAMPLE_BYTES))
    stored = f"{'zipped csv' if zipped else 'csv'} ({encoding.removesuffix('-sig')})"
    with ExitStack() as stack:
        binary = _open_binary(stack, path, member)
        yield stack.enter_context(io.TextIOWrapper(binary, encoding=encoding, newline="")), stored


# --- the header ----------------------------------------------------------------------------


def _name(cell: str) -> str:
    """A header cell compared without width or spaces (Ｘ座標 and X座標 are one column)."""
    return unicodedata.normalize("NFKC", cell).strip()


def _locate(header: list[str]) -> tuple[str, dict[str, int]]:
    """The level the header is of, and where each published column is; exit 2 otherwise."""
    names = [_name(cell) for cell in header]
    if _name("街区符号・地番") in names:
        level = AddressLevel.BLOCK
    elif _name("大字町丁目コード") in names:
        level = AddressLevel.TOWN
    else:
        raise UnusableFile.because(
            _(
                "not an MLIT address reference (位置参照情報): the header is neither the "
                "街区 (block) level's nor the 大字・町丁目 (town) level's"
            ),
            line=1,
        )
    published = {_name(label): label for label in HEADERS[level]}
    positions: dict[str, int] = {}
    problems = []
    for index, (cell, name) in enumerate(zip(header, names, strict=True)):
        if name not in published:
            problems.append(Problem(1, cell, _("unknown column")))
        elif published[name] in positions:
            problems.append(
                Problem(1, cell, lazy_text(_("column %(key)s appears twice"), key=cell))
            )
        else:
            positions[published[name]] = index
    for label in HEADERS[level]:
        if label not in positions:
            missing = lazy_text(_("required column missing (%(label)s)"), label=label)
            problems.append(Problem(1, label, missing))
    if problems:
        raise UnusableFile(problems)
    return level, positions


# --- the rows ------------------------------------------------------------------------------


class _RowReader:
    """Turns cells into a PointRow, collecting problems; keeps one copy of each repeated name
    and key (a prefecture's file repeats a few thousand town names a million times)."""

    def __init__(
        self,
        level: str,
        positions: dict[str, int],
    ) -> None:
        self.level = level
        columns = BLOCK_COLUMNS if level == AddressLevel.BLOCK else TOWN_COLUMNS
        self.labels = columns
        self.at = {name: positions[label] for name, label in columns.items()}
        self.shared: dict[str, str] = {}
        self.town_keys: dict[str, str] = {}
        self.block_keys: dict[str, str] = {}
        self.latitude, self.longitude = Coordinate("latitude"), Coordinate("longitude")
        self.problems: list[Problem] = []
        self.history = 0

    def _text(self, cells: list[str], line: int, name: str, required: bool = True) -> str:
        raw = cells[self.at[name]].strip()
        if not raw and required:
            self.problems.append(Problem(line, self.labels[name], _("required, but empty")))
        elif len(raw) > LENGTHS[name]:
            self.problems.append(
                Problem(
                    line,
                    self.labels[name],
                    lazy_text(_("longer than %(max)s characters"), max=LENGTHS[name]),
                )
            )
        return self.shared.setdefault(raw, raw)

    def _flag(self, cells: list[str], line: int, name: str) -> bool:
        raw = cells[self.at[name]]
        value = raw if raw in ("0", "1") else unicodedata.normalize("NFKC", raw).strip()
        if value in ("0", "1"):
            return value == "1"
        self.problems.append(
            Problem(
                line,
                self.labels[name],
                lazy_text(_("%(value)s is not a flag (0 or 1)"), value=repr(raw)),
            )
        )
        return False

    def _coordinate(self, cells: list[str], line: int, name: str) -> float:
        raw = cells[self.at[name]]
        low, high = JAPAN_LAT if name == "lat" else JAPAN_LON
        try:
            number = float(raw)
        except ValueError:
            number = float("nan")
        if low <= number <= high:
            return number
        # The slow way only for what the fast way refused: full-width digits, or a problem.
        try:
            return float((self.latitude if name == "lat" else self.longitude).parse(raw))
        except CellError as error:
            self.problems.append(Problem(line, self.labels[name], error.message))
            return 0.0

    def read(self, line: int, cells: list[str]) -> PointRow | None:
        """The row as written, or None for a history row (counted) or a row with problems."""
        before = len(self.problems)
        block_level = self.level == AddressLevel.BLOCK
        if block_level and self._flag(cells, line, "history"):
            self.history += 1
            return None
        prefecture = self._text(cells, line, "prefecture")
        city = self._text(cells, line, "city")
        town = self._text(cells, line, "town")
        lat = self._coordinate(cells, line, "lat")
        lon = self._coordinate(cells, line, "lon")
        if block_level:
            koaza = self._text(cells, line, "koaza", required=False)
            block = self._text(cells, line, "block")
            residential = self._flag(cells, line, "residential")
            representative = self._flag(cells, line, "representative")
            town_code = ""
        else:
            koaza, block, residential, representative = "", "", False, True
            town_code = cells[self.at["town_code"]].strip()
            if not (town_code.isascii() and town_code.isdigit() and len(town_code) <= 16):
                self.problems.append(
                    Problem(
                        line,
                        self.labels["town_code"],
                        lazy_text(
                            _("%(value)s is not a town code (digits)"), value=repr(town_code)
                        ),
                    )
                )
        if len(self.problems) > before:
            return None
        town_normalised = self.town_keys.get(town)
        if town_normalised is None:
            town_normalised = self.town_keys[town] = town_key(town)
        block_normalised = self.block_keys.get(block) if block else ""
        if block_normalised is None:
            block_normalised = self.block_keys[block] = block_key(block)
        return (
            self.level, prefecture, city, town, koaza, block, town_normalised, block_normalised,
            residential, representative, town_code, point_ewkt(lon, lat),
        )  # fmt: skip


def _rows(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Rows with the file line they start on, skipping blank lines."""
    line = reader.line_num + 1
    for cells in reader:
        if any(cells):
            yield line, cells
        line = reader.line_num + 1


def read(path: Path, options: dict[str, Any]) -> AddressFile:
    with _text(path) as (text, stored):
        reader = csv.reader(text, strict=True)
        try:
            header = next(reader, [])
            level, positions = _locate(header)
            width = len(header)
            rows_reader = _RowReader(level, positions)
            rows: list[PointRow] = []
            lines = 0
            for line, cells in _rows(reader):
                lines += 1
                if len(cells) != width:
                    rows_reader.problems.append(
                        Problem(
                            line,
                            "",
                            lazy_text(
                                _("%(count)s values, but the header has %(width)s columns"),
                                count=len(cells),
                                width=width,
                            ),
                        )
                    )
                    continue
                row = rows_reader.read(line, cells)
                if row is not None:
                    rows.append(row)
        except csv.Error as error:
            raise UnusableFile.because(
                lazy_text(_("not readable as CSV: %(error)s"), error=str(error)),
                line=reader.line_num,
            ) from None
        except UnicodeDecodeError:
            raise UnusableFile.because(
                _("the file is neither UTF-8 nor Shift_JIS (CP932) text"), line=reader.line_num
            ) from None
    if not lines:
        raise UnusableFile.because(_("the file has a header but no rows"), line=2)
    if rows_reader.problems:
        raise InvalidRows(rows_reader.problems)
    return AddressFile(
        file_format=f"mlit-{level}, {stored}",
        rows=rows,
        level=level,
        cities=frozenset((row[1], row[2]) for row in rows),
        history=rows_reader.history,
    )


def write(parsed: AddressFile, import_id: int, options: dict[str, Any]) -> Outcome:
    table = AddressPoint._meta.db_table
    prefectures, cities = zip(*sorted(parsed.cities), strict=True) if parsed.cities else ((), ())
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE level = %s AND (prefecture, city) IN "
            "(SELECT * FROM unnest(%s::text[], %s::text[]))",
            [parsed.level, list(prefectures), list(cities)],
        )
        replaced = cursor.rowcount
    copy_rows(table, COPY_COLUMNS, ((*row, import_id) for row in parsed.rows))
    with connection.cursor() as cursor:
        # Matching follows at once: the planner needs the new rows counted.
        cursor.execute(f"ANALYZE {table}")
    level_name = (
        _("block (街区)") if parsed.level == AddressLevel.BLOCK else _("town (大字・町丁目)")
    )
    notes: list[StrOrPromise] = [
        lazy_text(
            _("%(level)s level: %(points)s points for %(cities)s cities (%(replaced)s replaced)"),
            level=level_name,
            points=f"{len(parsed.rows):,}",
            cities=f"{len(parsed.cities):,}",
            replaced=f"{replaced:,}",
        )
    ]
    if parsed.history:
        notes.append(
            lazy_text(
                _("%(count)s history rows skipped (更新前履歴フラグ 1)"),
                count=f"{parsed.history:,}",
            )
        )
    return Outcome(Counts(len(parsed.rows), 0, 0), deleted=replaced, notes=notes)
