"""Reading the address reference from the database for matching."""

from collections.abc import Collection

from django.db.models import FloatField, Func

from registry.addresses.matching import Reference, ReferenceRow
from registry.models import AddressPoint


def load_reference(cities: Collection[str] | None = None) -> Reference:
    """The reference of the given cities (市区町村名 as published), or of every city loaded.
    One query; the coordinates come out as numbers (ST_X, ST_Y) rather than as a geometry
    object per row, which would cost more than the matching itself."""
    points = AddressPoint.objects.all()
    if cities is not None:
        points = points.filter(city__in=list(cities))
    rows = points.annotate(
        lon=Func("location", function="ST_X", output_field=FloatField()),
        lat=Func("location", function="ST_Y", output_field=FloatField()),
    ).values_list(
        "city",
        "level",
        "town_key",
        "block_key",
        "lon",
        "lat",
        "town",
        "block",
        "koaza",
        "residential",
        "representative",
    )
    return Reference(ReferenceRow(*row) for row in rows.iterator(chunk_size=10_000))
