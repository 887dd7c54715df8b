"""Helpers for import tests: files written by the test, the command run as cities run it,
and a fingerprint of the whole registry to prove that a failed import changed nothing."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command
from django.db import connection

from registry.models import (
    EmergencyContact,
    HazardArea,
    ImportRecord,
    Neighbourhood,
    Person,
    Shelter,
    Supporter,
)

PERSON_HEADER = [
    "id", "name", "kana", "birth_date", "sex", "address", "phone", "lat", "lon",
    "neighbourhood", "reasons", "mobility", "lives_alone", "medical_devices", "communication",
    "consent", "consent_date", "status", "emergency_contact_name",
    "emergency_contact_relation", "emergency_contact_phone", "notes",
]  # fmt: skip


def person_row(**values: str) -> dict[str, str]:
    row = {
        "id": "P-1",
        "name": "山田 花子",
        "kana": "ヤマダ ハナコ",
        "birth_date": "1940-05-06",
        "sex": "female",
        "address": "支えあい市本町1番1号",
        "phone": "0463-11-2233",
        "lat": "35.36",
        "lon": "139.32",
        "neighbourhood": "",
        "reasons": "care_level_3",
        "mobility": "needs_hand",
        "lives_alone": "yes",
        "medical_devices": "",
        "communication": "",
        "consent": "consented",
        "consent_date": "2025-04-01",
        "status": "active",
        "emergency_contact_name": "山田 一郎",
        "emergency_contact_relation": "長男",
        "emergency_contact_phone": "090-1111-2222",
        "notes": "",
    }
    row.update(values)
    return row


def csv_text(header: list[str], rows: list[dict[str, str]] | list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(key, "") for key in header] if isinstance(row, dict) else row)
    return buffer.getvalue()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_import(*args: Any, **options: Any) -> Run:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *[str(arg) for arg in args], stdout=out, stderr=err, **options)
    except CommandError as error:
        return Run(error.returncode, out.getvalue(), err.getvalue() + str(error))
    return Run(0, out.getvalue(), err.getvalue())


def fingerprint() -> dict[str, str]:
    """A digest of every registry table's rows, in id order."""
    digests = {}
    with connection.cursor() as cursor:
        for model in (
            Person,
            EmergencyContact,
            Supporter,
            Shelter,
            HazardArea,
            Neighbourhood,
            ImportRecord,
        ):
            table = model._meta.db_table
            rows = "md5(string_agg(t::text, '|' ORDER BY t.id))"
            cursor.execute(f"SELECT count(*) || ':' || coalesce({rows}, '') FROM {table} t")
            digests[table] = cursor.fetchone()[0]
    return digests
