"""Set-based writes: rows are copied into a temporary staging table, compared with the target
in SQL and written with one UPDATE and one INSERT. At city scale this takes seconds where a
save() per row takes many minutes, and it counts created, updated and unchanged exactly."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from registry.bulk import copy_rows


@dataclass(frozen=True)
class Counts:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class Upsert:
    table: str
    key: str
    # Columns written from the file, with their SQL types; they decide "changed or not".
    columns: Sequence[tuple[str, str]]
    # Columns in staging that are not written to the target (read by `extra_differs`).
    staging_only: Sequence[tuple[str, str]] = ()
    # Only for new rows, and for new or changed rows: column → SQL expression.
    on_insert: dict[str, str] = field(default_factory=dict)
    on_write: dict[str, str] = field(default_factory=dict)
    on_update: dict[str, str] = field(default_factory=dict)
    # Columns of the target to leave alone on update (the format carries them for new rows).
    insert_only: frozenset[str] = frozenset()
    # Columns where NULL in staging means "the file did not say": an update keeps the
    # target's value, an insert writes the SQL expression given here.
    kept_when_null: dict[str, str] = field(default_factory=dict)
    # More reasons to count a row as changed: a LEFT JOIN on the target `t` and a condition.
    extra_join: str = ""
    extra_differs: str = ""

    @property
    def stage(self) -> str:
        return f"stage_{self.table}"

    def _compared(self, alias: str, column: str, kind: str) -> str:
        # Geography has no exact equality operator: compare the binary forms.
        return f"ST_AsBinary({alias}.{column})" if kind == "geography" else f"{alias}.{column}"

    def _source(self, column: str) -> str:
        """The value a row of the file gives a column of an existing record."""
        return (
            f"COALESCE(s.{column}, t.{column})" if column in self.kept_when_null else f"s.{column}"
        )

    def _inserted(self, column: str) -> str:
        """The value a row of the file gives a column of a new record."""
        kept = self.kept_when_null.get(column)
        return f"COALESCE(s.{column}, {kept})" if kept is not None else f"s.{column}"

    def _differs(self) -> str:
        compared = [(c, k) for c, k in self.columns if c not in self.insert_only]
        source = ", ".join(
            self._source(c) if c in self.kept_when_null else self._compared("s", c, k)
            for c, k in compared
        )
        target = ", ".join(self._compared("t", c, k) for c, k in compared)
        condition = f"(ROW({source}) IS DISTINCT FROM ROW({target}))"
        return f"({condition} OR {self.extra_differs})" if self.extra_differs else condition


def stage_rows(upsert: Upsert, rows: Iterable[Sequence[Any]]) -> None:
    """Create the staging table (dropped at commit) and COPY the rows into it."""
    columns = [(upsert.key, "text"), *upsert.columns, *upsert.staging_only]
    definition = ", ".join(f"{name} {kind}" for name, kind in columns)
    # Numbered in the file's order as COPY fills the table: new records are inserted in it.
    definition += ", stage_order bigint GENERATED ALWAYS AS IDENTITY"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {upsert.stage}")
        cursor.execute(f"CREATE TEMPORARY TABLE {upsert.stage} ({definition}) ON COMMIT DROP")
    copy_rows(upsert.stage, [name for name, _ in columns], rows)
    with connection.cursor() as cursor:
        # The statements that follow join on the key only: its statistics (and the row count)
        # are what their plans need. Analysing every column, geography and arrays included,
        # took longer than all the comparing.
        cursor.execute(f"ANALYZE {upsert.stage} ({upsert.key})")
        # The target's too: statistics taken while it was empty (autovacuum after a wipe)
        # made the planner compare a city's rows with a nested loop of full scans, which ran
        # for many minutes when the same file came again.
        cursor.execute(f"ANALYZE {upsert.table} ({upsert.key})")
        # A city's rows make these statements look costly enough for JIT compilation, which
        # took longer than it saved (0.15 s on each); the setting ends with the transaction.
        cursor.execute("SET LOCAL jit = off")


def count_changes(upsert: Upsert) -> Counts:
    key, stage, table = upsert.key, upsert.stage, upsert.table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FILTER (WHERE t.{key} IS NULL),
                   count(*) FILTER (WHERE t.{key} IS NOT NULL AND {upsert._differs()}),
                   count(*)
            FROM {stage} s LEFT JOIN {table} t ON t.{key} = s.{key} {upsert.extra_join}
            """
        )
        created, updated, total = cursor.fetchone()
    return Counts(created, updated, total - created - updated)


def write_changes(upsert: Upsert, params: dict[str, Any]) -> list[str]:
    """Update the changed rows and insert the new ones; returns the keys of both. `params`
    fill %(name)s placeholders in the on_* expressions."""
    key, stage, table = upsert.key, upsert.stage, upsert.table
    updated_columns = [c for c, _ in upsert.columns if c not in upsert.insert_only]
    assignments = [f"{c} = {upsert._source(c)}" for c in updated_columns]
    assignments += [f"{c} = {expr}" for c, expr in {**upsert.on_write, **upsert.on_update}.items()]
    inserted = [c for c, _ in upsert.columns]
    insert_exprs = {**upsert.on_insert, **upsert.on_write}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH changed AS (
                SELECT s.{key} FROM {stage} s
                JOIN {table} t ON t.{key} = s.{key} {upsert.extra_join}
                WHERE {upsert._differs()}
            )
            UPDATE {table} t SET {", ".join(assignments)}
            FROM {stage} s WHERE s.{key} = t.{key} AND s.{key} IN (SELECT {key} FROM changed)
            RETURNING t.{key}
            """,
            params,
        )
        keys = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"""
            INSERT INTO {table} ({key}, {", ".join([*inserted, *insert_exprs])})
            SELECT s.{key},
                   {", ".join([*(upsert._inserted(c) for c in inserted), *insert_exprs.values()])}
            FROM {stage} s
            WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = s.{key})
            -- In the file's order. The sort also takes in every new row before the first is
            -- inserted: without it, once the target's statistics say it is empty (autovacuum
            -- after a wipe), the planner checks each row by scanning the target, which grows
            -- with each insert, and a city's first import took minutes instead of seconds.
            ORDER BY s.stage_order
            RETURNING {key}
            """,
            params,
        )
        keys += [row[0] for row in cursor.fetchall()]
    return keys
