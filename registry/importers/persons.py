"""persons.csv / .xlsx: the list of people needing support, keyed by the city's `id`."""

from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.access import persons_visible_to
from registry.importers.cells import (
    Boolean,
    Coordinate,
    Date,
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
from registry.models import EmergencyContact, Person
from registry.models.choices import (
    CommunicationNeed,
    ConsentState,
    MedicalDevice,
    Mobility,
    PersonStatus,
    Reason,
    Sex,
)

LEAVING_STATUSES = (PersonStatus.MOVED, PersonStatus.DECEASED, PersonStatus.INSTITUTIONALISED)

# Who to call about a device or a treatment. Added after cities began to send the list, so a
# file without these columns keeps what is recorded (an empty cell still clears it).
MEDICAL_CONTACT_COLUMNS = (
    ("doctor", "かかりつけ医", Text(100)),
    ("doctor_phone", "かかりつけ医電話番号", Phone()),
    ("nurse", "訪問看護", Text(100)),
    ("nurse_phone", "訪問看護電話番号", Phone()),
    ("device_supplier", "機器業者", Text(100)),
    ("device_supplier_phone", "機器業者電話番号", Phone()),
)
MEDICAL_CONTACTS = tuple(key for key, _label, _cell in MEDICAL_CONTACT_COLUMNS)

SCHEMA = Schema(
    (
        Column("id", "識別番号", Text(64), required=True),
        Column("name", "氏名", Text(100), required=True),
        Column("kana", "フリガナ", Kana(), default=""),
        Column("birth_date", "生年月日", Date(era=True), required=True),
        Column(
            "sex",
            "性別",
            Key(Sex.values, {"男": "male", "女": "female", "男性": "male", "女性": "female"}),
            required=True,
        ),
        Column("address", "住所", Text(200), required=True),
        Column("phone", "電話番号", Phone(), default=""),
        # Optional once the address reference is loaded: registry/importers/placing.py.
        Column("lat", "緯度", Coordinate("latitude")),
        Column("lon", "経度", Coordinate("longitude")),
        PLACED_COLUMN,
        Column("neighbourhood", "町内会", Text(32)),
        Column("reasons", "避難支援等を必要とする事由", KeyList(Reason.values), required=True),
        Column("mobility", "移動", Key(Mobility.values), required=True),
        Column("lives_alone", "独居", Boolean(), default=False),
        Column("medical_devices", "医療機器", KeyList(MedicalDevice.values), default=[]),
        Column(
            "communication",
            "情報伝達",
            KeyList(CommunicationNeed.values, pattern=r"language:[a-z]{2,3}"),
            default=[],
        ),
        Column("consent", "同意", Key(ConsentState.values), required=True),
        Column("consent_date", "同意日", Date()),
        Column("status", "状態", Key(PersonStatus.values), default=PersonStatus.ACTIVE.value),
        Column("emergency_contact_name", "緊急連絡先氏名", Text(100), default=""),
        Column("emergency_contact_relation", "緊急連絡先続柄", Text(50), default=""),
        Column("emergency_contact_phone", "緊急連絡先電話番号", Phone(), default=""),
        Column("notes", "備考", Text(2000), default=""),
        *(
            Column(key, label, cell, default="", kept_when_absent=True)
            for key, label, cell in MEDICAL_CONTACT_COLUMNS
        ),
    )
)

CONTACT_TABLE = EmergencyContact._meta.db_table
UPSERT = Upsert(
    table=Person._meta.db_table,
    key="external_id",
    columns=(
        ("name", "text"),
        ("kana", "text"),
        ("birth_date", "date"),
        ("sex", "text"),
        ("address", "text"),
        ("phone", "text"),
        ("location", "geography"),
        ("placed", "text"),
        ("neighbourhood_id", "bigint"),
        ("reasons", "varchar(32)[]"),
        ("mobility", "text"),
        ("lives_alone", "boolean"),
        ("medical_devices", "varchar(32)[]"),
        ("communication", "varchar(32)[]"),
        ("consent", "text"),
        ("consent_date", "date"),
        ("status", "text"),
        ("notes", "text"),
        *((key, "text") for key in MEDICAL_CONTACTS),
    ),
    kept_when_null=dict.fromkeys(MEDICAL_CONTACTS, "''"),
    staging_only=(("ec_name", "text"), ("ec_relation", "text"), ("ec_phone", "text")),
    # Fields Sasaeai keeps beyond the city's list start empty and are never overwritten.
    on_insert={
        "created_at": "now()",
        "status_date": "%(today)s",
        "power_backup": "''",
        "medication": "''",
        "mobility_aids": "''",
        "care_while_moving": "''",
        "place_in_home": "''",
        "consent_basis": "''",
    },
    on_update={
        "status_date": "CASE WHEN t.status IS DISTINCT FROM s.status "
        "THEN %(today)s ELSE t.status_date END"
    },
    on_write={"updated_at": "now()", "last_import_id": "%(import_id)s"},
    extra_join=f"LEFT JOIN {CONTACT_TABLE} c ON c.person_id = t.id AND c.position = 1",
    extra_differs="ROW(s.ec_name, s.ec_relation, s.ec_phone) IS DISTINCT FROM "
    "ROW(COALESCE(c.name, ''), COALESCE(c.relation, ''), COALESCE(c.phone, ''))",
)


def read(path: Path, options: dict[str, Any]) -> Parsed[Row]:
    table = read_table(path)
    check_coordinate_columns(set(SCHEMA.locate(table.header)))
    rows, problems = SCHEMA.parse(table)
    problems += duplicates(rows, "id") + unknown_neighbourhoods(rows)
    for row in rows:
        values = row.values
        if values.get("reasons") == []:
            problems.append(Problem(row.line, "reasons", _("give at least one reason code")))
        contact = [
            values.get(f"emergency_contact_{part}") for part in ("name", "relation", "phone")
        ]
        if any(contact) and not (contact[0] and contact[2]):
            missing = "emergency_contact_name" if not contact[0] else "emergency_contact_phone"
            problems.append(
                Problem(row.line, missing, _("an emergency contact needs a name and a phone"))
            )
    problems += place_homes(placeable(rows, problems), Person)
    if problems:
        raise InvalidRows(sorted(problems, key=lambda problem: problem.line))
    return Parsed(table_format(table), rows)


def write(parsed: Parsed[Row], import_id: int, options: dict[str, Any]) -> Outcome:
    codes = known_neighbourhoods()
    stage_rows(
        UPSERT,
        (
            (
                v["id"], v["name"], v["kana"], v["birth_date"], v["sex"], v["address"], v["phone"],
                point_ewkt(v["lon"], v["lat"]), v["placed"], codes.get(v["neighbourhood"] or ""),
                v["reasons"],
                v["mobility"], v["lives_alone"], v["medical_devices"], v["communication"],
                v["consent"], v["consent_date"], v["status"], v["notes"],
                *(v[key] for key in MEDICAL_CONTACTS),
                v["emergency_contact_name"], v["emergency_contact_relation"],
                v["emergency_contact_phone"],
            )
            for v in (row.values for row in parsed.rows)
        ),
    )  # fmt: skip
    place_staged_homes(UPSERT)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {UPSERT.stage} s JOIN {UPSERT.table} t USING (external_id) "
            "WHERE t.status <> ALL(%(leaving)s) AND s.status = ANY(%(leaving)s)",
            {"leaving": [str(status) for status in LEAVING_STATUSES]},
        )
        left_list = cursor.fetchone()[0]
    counts = count_changes(UPSERT)
    # The city's day, not the server's: a status changed at 8 a.m. in Tokyo is dated that day.
    changed = write_changes(UPSERT, {"import_id": import_id, "today": timezone.localdate()})
    _write_contacts(changed)
    note = placed_note(parsed.rows)
    return Outcome(counts, left_list=left_list, notes=[note] if note else [])


def _write_contacts(changed: list[str]) -> None:
    """The file's emergency contact is the first one; later ones are kept in Sasaeai."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {CONTACT_TABLE} c USING {UPSERT.table} t "
            "WHERE c.person_id = t.id AND c.position = 1 AND t.external_id = ANY(%s)",
            [changed],
        )
        cursor.execute(
            f"INSERT INTO {CONTACT_TABLE} (person_id, position, name, relation, phone) "
            f"SELECT t.id, 1, s.ec_name, s.ec_relation, s.ec_phone FROM {UPSERT.stage} s "
            f"JOIN {UPSERT.table} t USING (external_id) "
            "WHERE s.ec_name <> '' AND t.external_id = ANY(%s)",
            [changed],
        )


def export_rows(user: Any = None) -> list[dict[str, Any]]:
    """Everyone, or (for a user) the people that user may see, with health details left empty
    where the user may not see them."""
    from registry.access import HEALTH_FIELDS, health_visible_ids

    people = list(
        (Person.objects.all() if user is None else persons_visible_to(user))
        .select_related("neighbourhood")
        .order_by("external_id")
    )
    # One query for the whole export rather than one per person.
    health = health_visible_ids(user, people)
    contacts = {c.person_id: c for c in EmergencyContact.objects.filter(position=1).order_by()}
    rows = []
    for person in people:
        contact = contacts.get(person.pk)
        if person.pk not in health:
            for name in HEALTH_FIELDS:
                setattr(person, name, [] if isinstance(getattr(person, name), list) else "")
        rows.append(
            {
                "id": person.external_id,
                "name": person.name,
                "kana": person.kana,
                "birth_date": person.birth_date,
                "sex": person.sex,
                "address": person.address,
                "phone": person.phone,
                "lat": person.location.y,
                "lon": person.location.x,
                "placed": person.placed,
                "neighbourhood": person.neighbourhood.code if person.neighbourhood else "",
                "reasons": person.reasons,
                "mobility": person.mobility,
                "lives_alone": person.lives_alone,
                "medical_devices": person.medical_devices,
                "communication": person.communication,
                "consent": person.consent,
                "consent_date": person.consent_date,
                "status": person.status,
                "emergency_contact_name": contact.name if contact else "",
                "emergency_contact_relation": contact.relation if contact else "",
                "emergency_contact_phone": contact.phone if contact else "",
                "notes": person.notes,
                **{key: getattr(person, key) for key in MEDICAL_CONTACTS},
            }
        )
    return rows
