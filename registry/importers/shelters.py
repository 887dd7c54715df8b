"""Shelters in three formats, told apart by their header (or `--format`):

- `sasaeai`: Sasaeai's own columns (interfaces.md), which the exporter writes;
- `gsi-emergency`: the GSI designated emergency evacuation sites (指定緊急避難場所, files ending
  `_2`), with one column per hazard holding `1` or nothing;
- `gsi-shelter`: the GSI designated shelters (指定避難所, files ending `_1`), where
  `受入対象者` marks a welfare shelter.

The GSI files lack columns Sasaeai keeps (capacity, barrier-free, and for shelters the hazard
designations): those are left as they are on existing shelters and start empty on new ones.
"""

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from registry.importers.cells import (
    Boolean,
    Cell,
    CellError,
    Coordinate,
    Integer,
    Key,
    KeyList,
    Text,
)
from registry.importers.columns import Column, Row, Schema, duplicates
from registry.importers.problems import InvalidRows, UnusableFile, lazy_text
from registry.importers.staging import Upsert, count_changes, stage_rows, write_changes
from registry.importers.tables import Table, read_table
from registry.importers.writing import Outcome, Parsed, point_ewkt
from registry.models import Shelter
from registry.models.choices import HazardKind, ShelterKind

FORMATS = ("sasaeai", "gsi-emergency", "gsi-shelter")

# The GSI's column headings for the eight hazards, in the order of its files.
GSI_HAZARD_COLUMNS = {
    HazardKind.FLOOD: "洪水",
    HazardKind.LANDSLIDE: "崖崩れ、土石流及び地滑り",
    HazardKind.STORM_SURGE: "高潮",
    HazardKind.EARTHQUAKE: "地震",
    HazardKind.TSUNAMI: "津波",
    HazardKind.LARGE_FIRE: "大規模な火事",
    HazardKind.INLAND_FLOOD: "内水氾濫",
    HazardKind.VOLCANO: "火山現象",
}


class Flag(Cell):
    """A GSI hazard flag: `1` when designated, empty when not."""

    def parse(self, raw: str) -> bool:
        if raw.strip() in ("1", "１"):
            return True
        raise CellError(
            lazy_text(_("%(value)s is not a hazard flag (1 or empty)"), value=repr(raw))
        )


_IDENTITY = (
    Column("id", "共通ID", Text(64), required=True),
    Column("name", "施設・場所名", Text(200), required=True),
    Column("address", "住所", Text(200), required=True),
)
_POSITION = (
    Column("lat", "緯度", Coordinate("latitude"), required=True),
    Column("lon", "経度", Coordinate("longitude"), required=True),
)

SASAEAI = Schema(
    (
        *_IDENTITY,
        *_POSITION,
        Column(
            "kind",
            "種別",
            Key(
                ShelterKind.values,
                {
                    "指定緊急避難場所": "emergency_site",
                    "指定避難所": "shelter",
                    "福祉避難所": "welfare_shelter",
                },
            ),
            required=True,
        ),
        Column("capacity", "想定収容人数", Integer(minimum=0)),
        Column("hazards", "災害種別", KeyList(HazardKind.values), required=True),
        Column("barrier_free", "バリアフリー", Boolean(), default=False),
        Column("accepts", "受入対象者", Text(200), default=""),
    )
)
GSI_EMERGENCY = Schema(
    (
        *_IDENTITY,
        *(Column(kind, label, Flag(), default=False) for kind, label in GSI_HAZARD_COLUMNS.items()),
        *_POSITION,
    ),
    ignored=frozenset({"NO", "都道府県名及び市町村名", "指定避難所との住所同一", "備考"}),
)
GSI_SHELTER = Schema(
    (
        *_IDENTITY,
        Column("accepts", "受入対象者", Text(200), default=""),
        *_POSITION,
    ),
    ignored=frozenset(
        {
            "NO",
            "都道府県名及び市町村名",
            "指定緊急避難場所との住所同一",
            "その他市町村長が必要と認める事項",
            "備考",
        }
    ),
)
SCHEMAS = {"sasaeai": SASAEAI, "gsi-emergency": GSI_EMERGENCY, "gsi-shelter": GSI_SHELTER}

_COLUMNS = (
    ("name", "text"),
    ("address", "text"),
    ("location", "geography"),
    ("kind", "text"),
    ("capacity", "integer"),
    ("hazards", "varchar(32)[]"),
    ("barrier_free", "boolean"),
    ("accepts", "text"),
)
_ON_INSERT = {"notes": "''"}
_ON_WRITE = {"last_import_id": "%(import_id)s"}
UPSERTS = {
    "sasaeai": Upsert(
        Shelter._meta.db_table, "external_id", _COLUMNS, on_insert=_ON_INSERT, on_write=_ON_WRITE
    ),
    "gsi-emergency": Upsert(
        Shelter._meta.db_table,
        "external_id",
        _COLUMNS,
        on_insert=_ON_INSERT,
        on_write=_ON_WRITE,
        insert_only=frozenset({"kind", "capacity", "barrier_free", "accepts"}),
    ),
    "gsi-shelter": Upsert(
        Shelter._meta.db_table,
        "external_id",
        _COLUMNS,
        on_insert=_ON_INSERT,
        on_write=_ON_WRITE,
        insert_only=frozenset({"capacity", "hazards", "barrier_free"}),
    ),
}


def detect_format(table: Table) -> str:
    header = {cell.strip() for cell in table.header}
    if "共通ID" in header and "洪水" in header and "地震" in header:
        return "gsi-emergency"
    if "共通ID" in header and "指定緊急避難場所との住所同一" in header:
        return "gsi-shelter"
    return "sasaeai"


def read(path: Path, options: dict[str, Any]) -> Parsed[Row]:
    table = read_table(path)
    file_format = options.get("format") or detect_format(table)
    if file_format not in SCHEMAS:
        raise UnusableFile.because(
            lazy_text(
                _("unknown shelter format %(format)s; use %(formats)s"),
                format=repr(file_format),
                formats=", ".join(FORMATS),
            )
        )
    rows, problems = SCHEMAS[file_format].parse(table)
    problems += duplicates(rows, "id")
    if problems:
        raise InvalidRows(problems)
    return Parsed(file_format, rows)


def _record(file_format: str, values: dict[str, Any]) -> tuple[Any, ...]:
    if file_format == "gsi-emergency":
        kind, capacity, barrier_free, accepts = ShelterKind.EMERGENCY_SITE.value, None, False, ""
        hazards = [hazard for hazard in GSI_HAZARD_COLUMNS if values[hazard]]
    elif file_format == "gsi-shelter":
        accepts = values["accepts"]
        kind = ShelterKind.WELFARE_SHELTER.value if accepts else ShelterKind.SHELTER.value
        capacity, hazards, barrier_free = None, [], False
    else:
        kind, capacity, hazards = values["kind"], values["capacity"], values["hazards"]
        barrier_free, accepts = values["barrier_free"], values["accepts"]
    return (
        values["id"], values["name"], values["address"], point_ewkt(values["lon"], values["lat"]),
        kind, capacity, hazards, barrier_free, accepts,
    )  # fmt: skip


def write(parsed: Parsed[Row], import_id: int, options: dict[str, Any]) -> Outcome:
    upsert = UPSERTS[parsed.file_format]
    stage_rows(upsert, (_record(parsed.file_format, row.values) for row in parsed.rows))
    counts = count_changes(upsert)
    write_changes(upsert, {"import_id": import_id})
    notes: list[StrOrPromise] = []
    undesignated = Shelter.objects.filter(hazards=[]).count()
    if undesignated:
        notes.append(
            lazy_text(
                _(
                    "%(count)s shelters are designated for no hazard and are never chosen as a "
                    "destination until their hazards are set"
                ),
                count=undesignated,
            )
        )
    unknown_capacity = Shelter.objects.filter(capacity__isnull=True).count()
    if unknown_capacity:
        notes.append(
            lazy_text(
                _("%(count)s shelters have no known capacity (treated as no limit)"),
                count=unknown_capacity,
            )
        )
    return Outcome(counts, notes=notes)


def export_rows(user: Any = None) -> list[dict[str, Any]]:
    """Shelters hold no personal data: the same for everyone."""
    return [
        {
            "id": s.external_id,
            "name": s.name,
            "address": s.address,
            "lat": s.location.y,
            "lon": s.location.x,
            "kind": s.kind,
            "capacity": s.capacity,
            "hazards": s.hazards,
            "barrier_free": s.barrier_free,
            "accepts": s.accepts,
        }
        for s in Shelter.objects.order_by("external_id")
    ]
