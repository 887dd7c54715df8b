"""Tabular files (CSV in UTF-8 or Shift_JIS/CP932, XLSX) read into header + numbered rows."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from registry.importers.problems import UnusableFile, lazy_text

# Tried in order: a UTF-8 file always decodes as UTF-8, and CP932 is what Japanese
# spreadsheets and welfare systems write when they do not write UTF-8.
ENCODINGS = ("utf-8-sig", "cp932")


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    encoding: str


def read_table(path: Path) -> Table:
    data = path.read_bytes()
    if not data.strip():
        raise UnusableFile.because(_("the file is empty"))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path)
    text, encoding = _decode(data)
    return _read_csv(text, encoding)


def _decode(data: bytes) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        raise UnusableFile.because(_("this is not a text file (it holds binary data)"))
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    raise UnusableFile.because(_("the file is neither UTF-8 nor Shift_JIS (CP932) text"))


def _looks_like_text(text: str) -> bool:
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
    return control == 0


def _read_csv(text: str, encoding: str) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        numbered = _numbered(reader)
        header_line, header = next(numbered, (1, []))
        rows = list(numbered)
    except csv.Error as error:
        raise UnusableFile.because(
            lazy_text(_("not readable as CSV: %(error)s"), error=str(error)), line=reader.line_num
        ) from None
    header = [cell.strip() for cell in header]
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        raise UnusableFile.because(
            _("the header is one single column: the file must be comma-separated"),
            line=header_line,
        )
    return Table(header, rows, encoding)


def _numbered(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Rows with the file line they start on, skipping blank lines."""
    line = 1
    for row in reader:
        if any(cell.strip() for cell in row):
            yield line, row
        line = reader.line_num + 1


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnusableFile.because(
            lazy_text(_("not readable as an XLSX workbook: %(error)s"), error=str(error))
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if value is None else _cell_text(value) for value in values]
            if any(cell.strip() for cell in cells):
                rows.append((number, cells))
    finally:
        workbook.close()
    if not rows:
        raise UnusableFile.because(_("the first sheet is empty"))
    return Table([cell.strip() for cell in rows[0][1]], rows[1:], "xlsx")


def _cell_text(value: object) -> str:
    """Spreadsheet values as the text a CSV would hold (dates as ISO, whole numbers bare)."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
