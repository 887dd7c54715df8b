"""Helpers shared by the importers' write steps."""

from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from registry.importers.columns import Row
from registry.importers.problems import Problem, lazy_text
from registry.importers.staging import Counts, Upsert
from registry.importers.tables import Table
from registry.models import Neighbourhood
from registry.services import neighbourhood_of_point_sql


@dataclass(frozen=True)
class Parsed[T]:
    """A whole file, checked: what format it was read as, and its rows or features."""

    file_format: str
    rows: list[T]


@dataclass(frozen=True)
class Outcome:
    counts: Counts
    deleted: int = 0
    left_list: int = 0
    notes: list[StrOrPromise] = field(default_factory=list)  # put into words when shown


def known_neighbourhoods() -> dict[str, int]:
    """Neighbourhood code → id."""
    return dict(Neighbourhood.objects.values_list("code", "pk"))


def point_ewkt(lon: float, lat: float) -> str:
    # repr keeps every digit, so a coordinate survives export and import unchanged.
    return f"SRID=4326;POINT({lon!r} {lat!r})"


def unknown_neighbourhoods(rows: list[Row]) -> list[Problem]:
    codes = known_neighbourhoods()
    return [
        Problem(
            row.line,
            "neighbourhood",
            lazy_text(_("unknown neighbourhood code %(code)s"), code=repr(code)),
        )
        for row in rows
        if (code := row.values.get("neighbourhood")) and code not in codes
    ]


def place_staged_homes(upsert: Upsert) -> None:
    """Fill an empty neighbourhood from the home before comparing, so that importing the
    same file again finds nothing changed."""
    point = f"{upsert.stage}.location"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {upsert.stage} SET neighbourhood_id = {neighbourhood_of_point_sql(point)} "
            "WHERE neighbourhood_id IS NULL"
        )


def table_format(table: Table) -> str:
    return "xlsx" if table.encoding == "xlsx" else f"csv ({table.encoding})"
