"""Columns of the public file formats (interfaces.md): one description serves the importer,
which reads English keys or Japanese labels, and the exporter, which writes the keys."""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from registry.importers.cells import Cell, CellError, ParsedCells, Text
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

    def parse_all(self, raws: Sequence[str]) -> ParsedCells:
        """`parse` of each cell of the column."""
        stripped = [raw.strip() for raw in raws]
        if all(stripped):
            return self.cell.parse_all(stripped)
        filled = [position for position, raw in enumerate(stripped) if raw]
        parsed = self.cell.parse_all([stripped[position] for position in filled])
        values = [None if self.required else self.default] * len(stripped)
        for position, value in zip(filled, parsed.values, strict=True):
            values[position] = value
        errors = {filled[index]: error for index, error in parsed.errors.items()}
        if self.required:
            empty = CellError(_("required, but empty"))
            errors.update((position, empty) for position, raw in enumerate(stripped) if not raw)
        return ParsedCells(values, errors)


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
        """Every row's values, and the problems of its cells. Column by column: each column's
        cells are parsed together (see Cell.parse_all); a cell that cannot be read leaves its
        key out of the row's values and gives a problem, in the order of lines and columns."""
        positions = self.locate(table.header)
        if not table.rows:
            raise UnusableFile.because(_("the file has a header but no rows"), line=2)
        width = len(table.header)
        # (row, column) orders the problems as reading the file cell by cell would.
        found: list[tuple[int, int, Problem]] = []
        numbers: list[int] = []  # of the kept rows, in table.rows
        lines: list[int] = []
        kept: list[list[str]] = []
        for number, (line, cells) in enumerate(table.rows):
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                too_many = lazy_text(
                    _("%(count)s values, but the header has %(width)s columns"),
                    count=len(cells),
                    width=width,
                )
                found.append((number, -1, Problem(line, "", too_many)))
                continue
            numbers.append(number)
            lines.append(line)
            kept.append(cells if len(cells) >= width else cells + [""] * (width - len(cells)))
        # The header's columns, whatever each row's length (the shorter rows were padded).
        cells_by_position = list(zip(*kept, strict=False))[:width] if kept else [()] * width
        keys = self.keys
        values_by_column: list[list[Any]] = []
        failed: list[tuple[int, int, CellError]] = []  # (index into kept, into columns, why)
        for order, column in enumerate(self.columns):
            index = positions.get(column.key)
            if index is None and column.kept_when_absent:
                values_by_column.append([None] * len(kept))
                continue
            raws = cells_by_position[index] if index is not None else [""] * len(kept)
            parsed = column.parse_all(raws)
            values_by_column.append(parsed.values)
            failed += [(position, order, error) for position, error in parsed.errors.items()]
        rows = [
            Row(line, dict(zip(keys, values, strict=True)))
            for line, values in zip(lines, zip(*values_by_column, strict=True), strict=True)
        ]
        for position, order, error in failed:
            row, key = rows[position], keys[order]
            del row.values[key]
            found.append((numbers[position], order, Problem(row.line, key, error.message)))
        found.sort(key=lambda item: (item[0], item[1]))
        return rows, [problem for _number, _order, problem in found]

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
