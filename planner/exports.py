"""The current issued plans for the city's records (`export plans`): JSON, one object per
person, or CSV, one row per person, time slot and supporter. For a user, only the people that
user may see (registry.access); the plans name people and supporters by their IDs and hold no
health details."""

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from planner.models import PlanVersion
from planner.versions import current_versions
from registry.access import persons_visible_to
from registry.models import Person

PLAN_FORMATS = ("json", "csv")
CSV_COLUMNS = (
    "person", "version", "issued_at", "issued_by", "slot", "supporter", "state", "roles",
)  # fmt: skip


def plan_records(user: Any = None) -> list[dict[str, Any]]:
    """Each person's current version in the shape `export plans --format json` writes, by
    person ID."""
    people = Person.objects.all() if user is None else persons_visible_to(user)
    ids = dict(people.values_list("pk", "external_id"))
    versions = sorted(current_versions(ids).values(), key=lambda v: ids[v.person_id])
    return [_record(ids[version.person_id], version) for version in versions]


def _record(person: str, version: PlanVersion) -> dict[str, Any]:
    content = version.content
    return {
        "person": person,
        "version": version.number,
        "issued_at": timezone.localtime(version.issued_at).isoformat(timespec="seconds"),
        "issued_by": version.issuer,
        "slots": {
            slot: [
                {"supporter": e["supporter"], "state": e["state"], "roles": e["roles"]}
                for e in entries
            ]
            for slot, entries in content["slots"].items()
        },
        "hazards": {
            hazard: {key: entry[key] for key in ("shelter", "metres", "in_area", "level")}
            for hazard, entry in content["hazards"].items()
        },
    }


def _csv_rows(records: list[dict[str, Any]]) -> Iterator[list[Any]]:
    for record in records:
        head = [record["person"], record["version"], record["issued_at"], record["issued_by"]]
        rows = [
            [*head, slot, e["supporter"], e["state"], ";".join(e["roles"])]
            for slot, entries in record["slots"].items()
            for e in entries
        ]
        # A person without any supporter still has a row: no plan goes missing from the file.
        yield from rows or [[*head, "", "", "", ""]]


def export_plans(file_format: str, user: Any = None) -> bytes:
    records = plan_records(user)
    if file_format == "json":
        return json.dumps(records, ensure_ascii=False, indent=1).encode() + b"\n"
    if file_format == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(_csv_rows(records))
        return buffer.getvalue().encode("utf-8-sig")
    raise ValueError(f"unknown export format for plans {file_format!r}")
