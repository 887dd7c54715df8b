"""Write the registry out in the same columns the importers read (interfaces.md), so that an
export imported again changes nothing. CSV is UTF-8 with a byte-order mark, which Japanese
Excel needs to show the text; GeoJSON puts the same columns in each point's properties."""

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from registry.importers import persons, shelters, supporters
from registry.importers.cells import Integer
from registry.importers.columns import Schema

FORMATS = ("csv", "xlsx", "geojson")
EXPORTS: dict[str, tuple[Schema, Callable[[Any], list[dict[str, Any]]]]] = {
    "persons": (persons.SCHEMA, persons.export_rows),
    "supporters": (supporters.SCHEMA, supporters.export_rows),
    "shelters": (shelters.SASAEAI, shelters.export_rows),
}


def export(kind: str, file_format: str, user: Any = None) -> bytes:
    """The registry in the importer's columns; for a user, only what that user may see
    (registry.access), as every page does."""
    schema, rows = EXPORTS[kind]
    records = rows(user)
    if file_format == "csv":
        return _csv(schema, records)
    if file_format == "xlsx":
        return _xlsx(schema, records)
    if file_format == "geojson":
        return _geojson(schema, records)
    raise ValueError(f"unknown export format {file_format!r}")


def _csv(schema: Schema, records: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(schema.keys)
    writer.writerows(schema.format(record) for record in records)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(schema: Schema, records: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(schema.keys)
    # Counts stay numbers, so that the sheet sorts and sums; everything else is text, so that
    # Excel never turns an ID or a date into something else, nor rounds a coordinate to the
    # 15 digits it keeps of a number (which would move a home on the next import).
    numeric = {c.key for c in schema.columns if isinstance(c.cell, Integer)}
    for record in records:
        sheet.append(
            [
                record.get(column.key) if column.key in numeric else text
                for column, text in zip(schema.columns, schema.format(record), strict=True)
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _geojson(schema: Schema, records: list[dict[str, Any]]) -> bytes:
    features = []
    for record in records:
        properties = dict(zip(schema.keys, schema.format(record), strict=True))
        lon, lat = record["lon"], record["lat"]
        del properties["lat"], properties["lon"]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": properties,
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")
