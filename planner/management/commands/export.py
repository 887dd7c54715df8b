"""`python manage.py export persons|supporters|shelters|plans [--format F] [--out FILE]`.

The registry in the columns the importer reads (csv, xlsx, geojson), or the current issued
plans for the city's records (json, csv). It lives with the planner because plans do."""

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from planner.exports import PLAN_FORMATS, export_plans
from registry.audit import audit_record
from registry.exports import EXPORTS, FORMATS, export
from registry.models import AuditAction


class Command(BaseCommand):
    help = "Write the registry out in the columns the importer reads (to stdout without --out)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[*EXPORTS, "plans"])
        parser.add_argument(
            "--format", choices=sorted({*FORMATS, *PLAN_FORMATS}), default=None,
            help="csv (the default), xlsx or geojson; plans: json (the default) or csv",
        )  # fmt: skip
        parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--user", help="export only what this Sasaeai user may see")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user {options['user']}: no such user", returncode=2)
        kind = options["kind"]
        file_format = options["format"] or ("json" if kind == "plans" else "csv")
        allowed = PLAN_FORMATS if kind == "plans" else FORMATS
        if file_format not in allowed:
            raise CommandError(
                f"--format {file_format}: {kind} are exported as {', '.join(allowed)}",
                returncode=2,
            )
        if kind == "plans":
            data = export_plans(file_format, user)
        else:
            data = export(kind, file_format, user)
        audit_record(
            action=AuditAction.EXPORT, model="planner.planversion" if kind == "plans" else kind,
            user=user, detail={"format": file_format},
        )  # fmt: skip
        out = Path(options["out"]) if options["out"] else None
        if out is None:
            if file_format == "xlsx" and sys.stdout.isatty():
                raise CommandError("an XLSX export needs --out FILE", returncode=2)
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        # Written beside the target and renamed, so that a failed export never leaves half a file.
        partial = out.with_name(f".{out.name}.partial")
        try:
            partial.write_bytes(data)
            partial.replace(out)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"{out}: {error.strerror}", returncode=2) from None
        self.stderr.write(f"Wrote {out} ({len(data):,} bytes).")
