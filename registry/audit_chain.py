"""Checking the audit log's hash chain: each entry's hash covers its content and the previous
entry's hash, so that an entry altered or removed, even by a database superuser who disabled
the append-only triggers, breaks the chain from that entry on.

The database writes the hashes (migration 0008's trigger); this module recomputes them in the
same canonical form: a JSON array of the previous hash, id, time in UTC to the microsecond,
user id, actor, role, action, record type, record ids, emergency id and detail, rendered as
PostgreSQL's jsonb renders it (", " between items, unicode as is, null for none). The detail is
read as jsonb's own text, which is canonical (keys ordered and unique, numbers as stored), and
never re-serialised here, where numbers and key order would come out otherwise.

A chain checked alone cannot tell that its newest entries were removed: the head written at
each backup (the newest entry's id and hash) can, when the check is given it."""

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast

from registry.models import AuditEntry

GENESIS = "0" * 64
COLUMNS = (
    "id", "prev_hash", "hash", "at", "user_id", "actor", "role", "action", "model",
    "object_ids", "emergency_id", "detail_text",
)  # fmt: skip


@dataclass(frozen=True)
class Head:
    """The newest entry when a backup was taken; none when the log was empty."""

    id: int | None
    hash: str

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "hash": self.hash}) + "\n"

    @classmethod
    def read(cls, path: Path) -> "Head":
        """A head file as written at backup; ValueError names what is wrong with it."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            head = cls(id=data["id"], hash=data["hash"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}: not a head file ({error})") from None
        if not (head.id is None or isinstance(head.id, int)) or not _is_hash(head.hash):
            raise ValueError(f"{path}: not a head file (expected an id and a sha256 hash)")
        return head


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: Head
    # Empty when the chain holds; otherwise the first break, naming the entry.
    problem: str = ""
    entry_id: int | None = None

    @property
    def holds(self) -> bool:
        return not self.problem


def canonical(row: dict[str, Any]) -> str:
    """An entry's canonical text, as migration 0008's registry_auditentry_hash() builds it."""
    items = [
        _json(row["prev_hash"]),
        _json(row["id"]),
        _json(_utc(row["at"])),
        _json(row["user_id"]),
        _json(row["actor"]),
        _json(row["role"]),
        _json(row["action"]),
        _json(row["model"]),
        _json(row["object_ids"]),
        _json(row["emergency_id"]),
        row["detail_text"],
    ]
    return "[" + ", ".join(items) + "]"


def entry_hash(row: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(row).encode("utf-8")).hexdigest()


def chain_rows(chunk_size: int = 2000) -> Iterator[dict[str, Any]]:
    """Every entry in chain order, streamed; the detail as the database's jsonb text."""
    rows = (
        AuditEntry.objects.order_by("id")
        .annotate(detail_text=Cast("detail", TextField()))
        .values_list(*COLUMNS)
    )
    for values in rows.iterator(chunk_size=chunk_size):
        yield dict(zip(COLUMNS, values, strict=True))


def chain_verify(*, head: Head | None = None) -> ChainReport:
    """Walk the chain from its first entry; stop at the first entry altered or removed."""
    count, prev_id, prev_hash = 0, None, GENESIS
    head_seen = head is None or head.id is None
    for row in chain_rows():
        if row["prev_hash"] != prev_hash:
            after = f"entry {prev_id}" if prev_id is not None else "the start of the log"
            return _broken(
                count, row["id"],
                f"entry {row['id']} does not follow {after}: an entry between them was "
                f"removed, or {after} was altered",
            )  # fmt: skip
        if entry_hash(row) != row["hash"]:
            return _broken(
                count, row["id"], f"entry {row['id']} was altered: its hash does not match it"
            )
        if head is not None and row["id"] == head.id:
            if row["hash"] != head.hash:
                return _broken(
                    count, row["id"],
                    f"entry {row['id']} is not the entry the head names: its hash differs",
                )  # fmt: skip
            head_seen = True
        count, prev_id, prev_hash = count + 1, row["id"], row["hash"]
    newest = Head(id=prev_id, hash=prev_hash)
    if not head_seen and head is not None:
        return ChainReport(
            entries=count, head=newest, entry_id=head.id,
            problem=f"entry {head.id}, the newest at the backup, was removed "
            f"(the log now ends at entry {prev_id}): the newest entries were removed",
        )  # fmt: skip
    return ChainReport(entries=count, head=newest)


def _broken(count: int, entry_id: int, problem: str) -> ChainReport:
    return ChainReport(entries=count, head=Head(None, GENESIS), problem=problem, entry_id=entry_id)


def _json(value: object) -> str:
    # Python's escapes agree with PostgreSQL's escape_json with ensure_ascii off: \" \\ \b \f
    # \n \r \t and \u00xx (lower-case hex) for the other control characters, nothing else.
    return json.dumps(value, ensure_ascii=False)


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _is_hash(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )
