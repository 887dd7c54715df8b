"""Bulk writes with PostgreSQL's COPY: tens of thousands of rows a second where inserts row by
row manage a few thousand. Used wherever a city's worth of rows is written at once."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY the rows into the table's columns, in the current transaction."""
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
