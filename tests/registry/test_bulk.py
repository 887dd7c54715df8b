"""COPY writes lists of plain words as array literals: the rows in the table are exactly what
psycopg's own adaptation of the lists gives."""

import pytest
from django.db import connection

from registry.bulk import copy_rows

pytestmark = pytest.mark.django_db

LISTS: list[list[str | None] | None] = [
    [],
    ["physical_disability_1"],
    ["oxygen", "dialysis", "ventilator"],
    ["a.b", "c:d", "e-f", "G7"],
    ["NULL"],  # the word, not a null element
    ["null", "x"],
    ["with space", "x"],
    ['quo"te'],
    ["comma,inside"],
    ["{brace}"],
    ["back\\slash"],
    ["二丁目"],
    [""],
    [None, "x"],
    None,
]


def test_it_writes_lists_exactly_as_psycopg_would():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copied (n int, words text[])")
        cursor.execute("CREATE TEMPORARY TABLE inserted (n int, words text[])")
        for n, words in enumerate(LISTS):
            cursor.execute("INSERT INTO inserted VALUES (%s, %s)", [n, words])
    copy_rows("copied", ["n", "words"], [(n, words) for n, words in enumerate(LISTS)])

    with connection.cursor() as cursor:
        cursor.execute(
            "(SELECT n, words FROM copied EXCEPT SELECT n, words FROM inserted) "
            "UNION ALL (SELECT n, words FROM inserted EXCEPT SELECT n, words FROM copied)"
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT words FROM copied ORDER BY n")
        assert [row[0] for row in cursor.fetchall()] == LISTS
