"""supporters.csv / .xlsx: the people who help, keyed by `id`."""

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from registry.access import supporters_visible_to
from registry.importers.cells import (
    Boolean,
    Coordinate,
    Email,
    Integer,
    Kana,
    Key,
    KeyList,
    Phone,
    Text,
)
from registry.importers.columns import Column, Row, Schema, duplicates
from registry.importers.placing import (
    PLACED_COLUMN,
    check_coordinate_columns,
    place_homes,
    placeable,
    placed_note,
)
from registry.importers.problems import InvalidRows, Problem
from registry.importers.staging import Upsert, count_changes, stage_rows, write_changes
from registry.importers.tables import read_table
from registry.importers.writing import (
    Outcome,
    Parsed,
    known_neighbourhoods,
    place_staged_homes,
    point_ewkt,
    table_format,
    unknown_neighbourhoods,
)
from registry.models import Supporter
from registry.models.choices import SupporterRole, TimeSlot

SCHEMA = Schema(
    (
        Column("id", "識別番号", Text(64), required=True),
        Column("name", "氏名", Text(100), required=True),
        Column("kana", "フリガナ", Kana(), default=""),
        Column("address", "住所", Text(200), required=True),
        Column("phone", "電話番号", Phone(), default=""),
        # Optional once the address reference is loaded: registry/importers/placing.py.
        Column("lat", "緯度", Coordinate("latitude")),
        Column("lon", "経度", Coordinate("longitude")),
        PLACED_COLUMN,
        Column("neighbourhood", "町内会", Text(32)),
        Column("role", "区分", Key(SupporterRole.values), default=SupporterRole.NEIGHBOUR.value),
        Column("capacity", "支援可能人数", Integer(minimum=0, maximum=100), default=1),
        Column("available", "対応可能時間帯", KeyList(TimeSlot.values), required=True),
        Column("can_push_wheelchair", "車いす介助", Boolean(), default=False),
        Column("can_carry", "搬送", Boolean(), default=False),
        Column("has_car", "車両", Boolean(), default=False),
        Column("birth_year", "生年", Integer(minimum=1900, maximum=2100)),
        # Added after cities began to send the format: an older file keeps the addresses.
        Column("email", "メールアドレス", Email(), default="", kept_when_absent=True),
    )
)

UPSERT = Upsert(
    table=Supporter._meta.db_table,
    key="external_id",
    columns=(
        ("name", "text"),
        ("kana", "text"),
        ("address", "text"),
        ("phone", "text"),
        ("location", "geography"),
        ("placed", "text"),
        ("neighbourhood_id", "bigint"),
        ("role", "text"),
        ("capacity", "smallint"),
        ("available", "varchar(32)[]"),
        ("can_push_wheelchair", "boolean"),
        ("can_carry", "boolean"),
        ("has_car", "boolean"),
        ("birth_year", "smallint"),
        ("email", "text"),
    ),
    kept_when_null={"email": "''"},
    on_insert={"created_at": "now()", "active": "true", "notes": "''"},
    on_write={"updated_at": "now()", "last_import_id": "%(import_id)s"},
)


def read(path: Path, options: dict[str, Any]) -> Parsed[Row]:
    table = read_table(path)
    check_coordinate_columns(set(SCHEMA.locate(table.header)))
    rows, problems = SCHEMA.parse(table)
    problems += duplicates(rows, "id") + unknown_neighbourhoods(rows)
    for row in rows:
        if row.values.get("available") == []:
            problems.append(Problem(row.line, "available", _("give at least one time slot")))
    problems += place_homes(placeable(rows, problems), Supporter)
    if problems:
        raise InvalidRows(sorted(problems, key=lambda problem: problem.line))
    return Parsed(table_format(table), rows)


def write(parsed: Parsed[Row], import_id: int, options: dict[str, Any]) -> Outcome:
    codes = known_neighbourhoods()
    stage_rows(
        UPSERT,
        (
            (
                v["id"], v["name"], v["kana"], v["address"], v["phone"],
                point_ewkt(v["lon"], v["lat"]), v["placed"], codes.get(v["neighbourhood"] or ""),
                v["role"],
                v["capacity"], v["available"], v["can_push_wheelchair"], v["can_carry"],
                v["has_car"], v["birth_year"], v["email"],
            )
            for v in (row.values for row in parsed.rows)
        ),
    )  # fmt: skip
    place_staged_homes(UPSERT)
    counts = count_changes(UPSERT)
    write_changes(UPSERT, {"import_id": import_id})
    note = placed_note(parsed.rows)
    return Outcome(counts, notes=[note] if note else [])


def export_rows(user: Any = None) -> list[dict[str, Any]]:
    supporters = Supporter.objects.all() if user is None else supporters_visible_to(user)
    return [
        {
            "id": s.external_id,
            "name": s.name,
            "kana": s.kana,
            "address": s.address,
            "phone": s.phone,
            "lat": s.location.y,
            "lon": s.location.x,
            "placed": s.placed,
            "neighbourhood": s.neighbourhood.code if s.neighbourhood else "",
            "role": s.role,
            "capacity": s.capacity,
            "available": s.available,
            "can_push_wheelchair": s.can_push_wheelchair,
            "can_carry": s.can_carry,
            "has_car": s.has_car,
            "birth_year": s.birth_year,
            "email": s.email,
        }
        for s in supporters.select_related("neighbourhood").order_by("external_id")
    ]
