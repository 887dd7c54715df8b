"""`python manage.py import persons|supporters|shelters|hazards|neighbourhoods|addresses|roads
FILE`.

It lives with the streets (`routes`), the highest layer whose files it reads; the registry's
kinds go through the registry's importers as before."""

import getpass
import time
from pathlib import Path
from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from registry.importers.problems import ImportFailed
from registry.importers.service import IMPORTERS, ImportResult, import_file
from registry.importers.shelters import FORMATS as SHELTER_FORMATS
from registry.models.choices import HazardKind
from routes.importer import import_roads


class Command(BaseCommand):
    help = (
        "Import a file into the registry. Every row is checked first; if any is invalid, "
        "each problem is printed as LINE: column: message and nothing is written (exit 1). "
        "An unusable file or argument exits 2."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[*IMPORTERS, "roads"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--format", choices=SHELTER_FORMATS, help="shelters: the file's format")
        parser.add_argument("--hazard", choices=HazardKind.values, help="hazards: the hazard kind")
        parser.add_argument("--level", type=int, help="hazards: one level for every area (1-6)")
        parser.add_argument("--source", help="hazards: the source name (default: the file name)")
        parser.add_argument("--user", help="the Sasaeai user this import is recorded for")

    # What the command prints is a public contract read by cities' scripts (interfaces.md):
    # English, word for word, whatever language Sasaeai shows its pages in. Django runs
    # commands in the default language (Japanese) unless told otherwise.
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        if options["kind"] == "hazards" and not options["hazard"]:
            raise CommandError("import hazards needs --hazard KIND", returncode=2)
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user {options['user']}: no such user", returncode=2)
        if options["kind"] == "roads":
            self._roads(path, dry_run=options["dry_run"])
            return
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"  [{time.perf_counter() - started:5.1f} s] {message}")
            self.stdout.flush()

        extra = {
            key: options[key] for key in ("format", "hazard", "level", "source") if options[key]
        }
        try:
            result = import_file(
                options["kind"],
                path,
                dry_run=options["dry_run"],
                performed_by=user.get_username() if user else getpass.getuser(),
                user=user,
                options=extra,
                progress=progress,
            )
        except ImportFailed as failure:
            self._fail(path, failure)
        self._notes_and_summary(result)

    def _roads(self, path: Path, *, dry_run: bool) -> None:
        try:
            result = import_roads(path, dry_run=dry_run)
        except ImportFailed as failure:
            self._fail(path, failure)
        self.stdout.write(self.style.SUCCESS(result.summary()))

    def _fail(self, path: Path, failure: ImportFailed) -> NoReturn:
        for problem in failure.problems:
            self.stderr.write(str(problem))
        count = len(failure.problems)
        raise CommandError(
            f"{path.name}: {count} problem{'s' if count != 1 else ''}; nothing was written.",
            returncode=failure.exit_code,
        ) from None

    def _notes_and_summary(self, result: ImportResult) -> None:
        for note in result.notes:
            self.stdout.write(f"  note: {note}")
        self.stdout.write(self.style.SUCCESS(result.summary()))
