"""Bulk writes with PostgreSQL's COPY: tens of thousands of rows a second where inserts row by
row manage a few thousand. Used wherever a city's worth of rows is written at once."""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

# Array elements that need no quotes in an array literal (nor escaping in COPY's text format).
_PLAIN = re.compile(r"[A-Za-z0-9_.:-]+")


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY the rows into the table's columns, in the current transaction."""
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([_literal(cell) if type(cell) is list else cell for cell in row])


def _literal(cells: list[Any]) -> Any:
    """A list of plain words as PostgreSQL's array literal ({a,b}), which COPY reads as the
    column's array type: three times faster than psycopg adapting the list (a city's import
    writes 300,000 lists of codes). Anything else is left to psycopg."""
    for cell in cells:
        if type(cell) is not str or not _PLAIN.fullmatch(cell) or cell.upper() == "NULL":
            return cells
    return "{" + ",".join(cells) + "}"
