"""Run an import: read and check the whole file, then write it in one transaction and record
where the records came from. Nothing is written unless every row is valid."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise, StrPromise

from registry.audit import audit_record
from registry.importers import addresses, areas, persons, shelters, supporters
from registry.importers.collector import collector_paused
from registry.importers.problems import InvalidRows, Problem, lazy_text
from registry.importers.staging import Counts
from registry.importers.writing import Outcome, Parsed
from registry.models import AuditAction, ImportKind, ImportRecord


class Reader(Protocol):
    def __call__(self, path: Path, options: dict[str, Any]) -> Parsed[Any]: ...


class Writer(Protocol):
    def __call__(self, parsed: Any, import_id: int, options: dict[str, Any]) -> Outcome: ...


@dataclass(frozen=True)
class Importer:
    read: Reader
    write: Writer


IMPORTERS: dict[str, Importer] = {
    ImportKind.PERSONS: Importer(persons.read, persons.write),
    ImportKind.SUPPORTERS: Importer(supporters.read, supporters.write),
    ImportKind.SHELTERS: Importer(shelters.read, shelters.write),
    ImportKind.HAZARDS: Importer(areas.read_hazards, areas.write_hazards),
    ImportKind.NEIGHBOURHOODS: Importer(areas.read_neighbourhoods, areas.write_neighbourhoods),
    ImportKind.ADDRESSES: Importer(addresses.read, addresses.write),
}

Progress = Callable[[str], None]

# The kind as a summary names it: the command's own word in English (its public output),
# a word a clerk uses in Japanese.
KIND_IN_SUMMARY: dict[str, StrPromise] = {
    ImportKind.PERSONS: pgettext_lazy("import summary", "persons"),
    ImportKind.SUPPORTERS: pgettext_lazy("import summary", "supporters"),
    ImportKind.SHELTERS: pgettext_lazy("import summary", "shelters"),
    ImportKind.HAZARDS: pgettext_lazy("import summary", "hazards"),
    ImportKind.NEIGHBOURHOODS: pgettext_lazy("import summary", "neighbourhoods"),
    ImportKind.ADDRESSES: pgettext_lazy("import summary", "addresses"),
}


@dataclass(frozen=True)
class ImportResult:
    kind: str
    file_name: str
    file_format: str
    rows: int
    counts: Counts
    deleted: int
    left_list: int
    dry_run: bool
    record: ImportRecord | None
    notes: list[StrOrPromise] = field(default_factory=list)

    def summary(self) -> str:
        """One line in the active language (the command prints it in English)."""
        head = gettext("Dry run, nothing written") if self.dry_run else gettext("Imported")
        parts = [
            gettext("%(count)s created") % {"count": f"{self.counts.created:,}"},
            gettext("%(count)s updated") % {"count": f"{self.counts.updated:,}"},
            gettext("%(count)s unchanged") % {"count": f"{self.counts.unchanged:,}"},
        ]
        if self.deleted:
            parts.append(gettext("%(count)s deleted") % {"count": f"{self.deleted:,}"})
        if self.left_list:
            parts.append(
                gettext("%(count)s left the list (moved, deceased or institutionalised)")
                % {"count": f"{self.left_list:,}"}
            )
        return gettext(
            "%(head)s: %(kind)s from %(file)s (%(format)s), %(rows)s rows: %(parts)s."
        ) % {
            "head": head,
            "kind": KIND_IN_SUMMARY.get(self.kind, self.kind),
            "file": self.file_name,
            "format": self.file_format,
            "rows": f"{self.rows:,}",
            "parts": pgettext("list separator", ", ").join(parts),
        }


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    kind: str,
    path: Path,
    *,
    dry_run: bool = False,
    performed_by: str,
    user: User | None = None,
    options: dict[str, Any] | None = None,
    file_name: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import `path` as `kind`. Raises UnusableFile (exit 2) or InvalidRows (exit 1), having
    written nothing, when anything is wrong."""
    say = progress or (lambda message: None)
    importer = IMPORTERS[kind]
    options = dict(options or {})
    name = file_name or path.name
    options.setdefault("source", name)
    started = timezone.now()
    say(f"reading {name}")
    with collector_paused():
        parsed = importer.read(path, options)
    rows, file_format = len(parsed.rows), parsed.file_format
    say(f"{rows:,} rows valid; writing")
    try:
        with transaction.atomic():
            record = ImportRecord.objects.create(
                kind=kind,
                file_format=file_format,
                file_name=name[:255],
                checksum=file_checksum(path),
                user=user,
                performed_by=performed_by[:150],
                started_at=started,
                finished_at=started,
                rows=rows,
                created=0,
                updated=0,
                unchanged=0,
            )
            with collector_paused():
                outcome = importer.write(parsed, record.pk, options)
            record.created, record.updated = outcome.counts.created, outcome.counts.updated
            record.unchanged, record.deleted = outcome.counts.unchanged, outcome.deleted
            record.left_list, record.finished_at = outcome.left_list, timezone.now()
            record.save()
            if dry_run:
                transaction.set_rollback(True)
    except (IntegrityError, DatabaseError) as error:
        # The checks above mirror the database's rules; should one slip past, the database
        # still refuses, and the whole import is rolled back.
        # PostgreSQL's own words stay as the server says them.
        refused = lazy_text(
            _("the database refused the data: %(error)s"), error=str(error).splitlines()[0]
        )
        raise InvalidRows([Problem(0, "", refused)]) from None
    if not dry_run:
        audit_record(
            action=AuditAction.IMPORT, model=kind, user=user,
            detail={"import": record.pk, "created": outcome.counts.created,
                    "updated": outcome.counts.updated},
        )  # fmt: skip
    return ImportResult(
        kind=kind,
        file_name=name,
        file_format=file_format,
        rows=rows,
        counts=outcome.counts,
        deleted=outcome.deleted,
        left_list=outcome.left_list,
        dry_run=dry_run,
        record=None if dry_run else record,
        notes=outcome.notes,
    )
