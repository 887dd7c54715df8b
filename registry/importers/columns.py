"""Columns of the public file formats (interfaces.md): one description serves the importer,
which reads English keys or Japanese labels, and the exporter, which writes the keys."""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from registry.importers.cells import Cell, CellError, Text
from registry.importers.problems import Problem, UnusableFile, lazy_text
from registry.importers.tables import Table


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Japanese header cities use
    cell: Cell = field(default_factory=Text)
    required: bool = False
    default: Any = None
    # A file without the column leaves the record's value alone (None in the row); an empty
    # cell still gives the default. For columns added to a format after cities began to
    # send it: their older files must not wipe what was entered since.
    kept_when_absent: bool = False

    def parse(self, raw: str) -> Any:
        raw = raw.strip()
        if not raw:
            if self.required:
                raise CellError(_("required, but empty"))
            return self.default
        return self.cell.parse(raw)


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, Any]


def _header_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


@dataclass(frozen=True)
class Schema:
    columns: tuple[Column, ...]
    ignored: frozenset[str] = frozenset()  # header cells that are read past (GSI's NO, 備考)

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]

    def locate(self, header: list[str]) -> dict[str, int]:
        """Where each column is in the header; every header problem raises at once."""
        names: dict[str, Column] = {}
        for column in self.columns:
            names[_header_key(column.key)] = column
            names[_header_key(column.label)] = column
        ignored = {_header_key(name) for name in self.ignored}
        positions: dict[str, int] = {}
        problems = []
        for index, cell in enumerate(header):
            name = _header_key(cell)
            if not name or name in ignored:
                continue
            found = names.get(name)
            if found is None:
                problems.append(Problem(1, cell, _("unknown column")))
            elif found.key in positions:
                problems.append(
                    Problem(1, cell, lazy_text(_("column %(key)s appears twice"), key=found.key))
                )
            else:
                positions[found.key] = index
        for column in self.columns:
            if column.required and column.key not in positions:
                missing = lazy_text(_("required column missing (%(label)s)"), label=column.label)
                problems.append(Problem(1, column.key, missing))
        if problems:
            raise UnusableFile(problems)
        return positions

    def parse(self, table: Table) -> tuple[list[Row], list[Problem]]:
        positions = self.locate(table.header)
        if not table.rows:
            raise UnusableFile.because(_("the file has a header but no rows"), line=2)
        rows, problems = [], []
        width = len(table.header)
        for line, cells in table.rows:
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                too_many = lazy_text(
                    _("%(count)s values, but the header has %(width)s columns"),
                    count=len(cells),
                    width=width,
                )
                problems.append(Problem(line, "", too_many))
                continue
            values: dict[str, Any] = {}
            for column in self.columns:
                index = positions.get(column.key)
                if index is None and column.kept_when_absent:
                    values[column.key] = None
                    continue
                raw = cells[index] if index is not None and index < len(cells) else ""
                try:
                    values[column.key] = column.parse(raw)
                except CellError as error:
                    problems.append(Problem(line, column.key, error.message))
            rows.append(Row(line, values))
        return rows, problems

    def format(self, values: dict[str, Any]) -> list[str]:
        return [column.cell.format(values.get(column.key)) for column in self.columns]


def duplicates(rows: Iterable[Row], key: str) -> list[Problem]:
    """Every row whose key already appeared on an earlier line of the same file."""
    first: dict[Any, int] = {}
    problems = []
    for row in rows:
        value = row.values.get(key)
        if value is None:
            continue
        if value in first:
            again = lazy_text(
                _("%(value)s appears again (first on line %(line)s)"),
                value=repr(value),
                line=first[value],
            )
            problems.append(Problem(row.line, key, again))
        else:
            first[value] = row.line
    return problems
