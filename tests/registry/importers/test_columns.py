"""Schema.parse reads column by column: what it gives must be what reading cell by cell gave."""

import datetime as dt
import gc
from typing import Any

from django.utils import translation

from registry.importers.cells import Boolean, Date, Key, KeyList, Text
from registry.importers.collector import collector_paused
from registry.importers.columns import Column, Schema
from registry.importers.tables import Table

SCHEMA = Schema(
    (
        Column("id", "識別番号", Text(4), required=True),
        Column("born", "生年月日", Date(era=True), required=True),
        Column("kind", "種別", Key(["a", "b"])),
        Column("tags", "タグ", KeyList(["x", "y"]), default=[]),
        Column("alone", "独居", Boolean(), default=False),
        Column("extra", "追加", Text(10), default="", kept_when_absent=True),
    )
)


def parse(
    header: list[str], rows: list[list[str]]
) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    table = Table(header, [(line, cells) for line, cells in enumerate(rows, start=2)], "utf-8")
    parsed, problems = SCHEMA.parse(table)
    with translation.override("en"):
        said = [str(problem) for problem in problems]
    return [(row.line, row.values) for row in parsed], said


def test_it_gives_problems_in_the_order_of_lines_then_columns():
    header = ["id", "born", "kind", "tags", "alone"]
    rows, problems = parse(
        header,
        [
            ["toolong", "S20.1.2", "c", "x;z", "maybe"],
            ["P2", "", "a", "x", "yes", "surplus"],
            ["P3", "1950-02-30", "", "", ""],
        ],
    )

    assert problems == [
        "2: id: longer than 4 characters",
        "2: kind: unknown value 'c'; expected one of a, b",
        "2: tags: unknown value 'z'; expected x, y",
        "2: alone: 'maybe' is not yes or no",
        "3: -: 6 values, but the header has 5 columns",
        "4: born: '1950-02-30' is not a real date (day is out of range for month)",
    ]
    # A cell that cannot be read leaves its key out of the row; the rest are read.
    assert rows == [
        (2, {"born": dt.date(1945, 1, 2), "extra": None}),
        (4, {"id": "P3", "kind": None, "tags": [], "alone": False, "extra": None}),
    ]


def test_it_gives_each_row_a_list_of_its_own():
    rows, problems = parse(["id", "born", "tags"], [["P1", "2000-01-01", "x"]] * 2)

    assert problems == []
    first, second = rows[0][1]["tags"], rows[1][1]["tags"]
    assert first == second == ["x"]
    assert first is not second


def test_it_reads_short_rows_as_empty_cells_and_says_a_missing_required_cell():
    rows, problems = parse(["id", "born", "kind", "extra"], [["P1"], ["P2", "2000-01-01", "b"]])

    assert problems == ["2: born: required, but empty"]
    assert rows[1] == (
        3,
        {
            "id": "P2",
            "born": dt.date(2000, 1, 1),
            "kind": "b",
            "tags": [],
            "alone": False,
            "extra": "",
        },
    )


def test_it_reports_a_file_whose_every_row_has_too_many_values():
    rows, problems = parse(["id", "born"], [["P1", "2000-01-01", "x"]])

    assert rows == []
    assert problems == ["2: -: 3 values, but the header has 2 columns"]


def test_the_collector_resumes_after_the_last_pause_and_stays_off_if_it_was():
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()

    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
