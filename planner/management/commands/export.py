"""`python manage.py export persons|supporters|shelters|plans|routes [--format F] [--out FILE]`.

The registry in the columns the importer reads (csv, xlsx, geojson), the current issued plans
for the city's records (json, csv), or the walking routes of one scenario's latest run
(`routes --hazard KIND --slot SLOT [--neighbourhood CODE]`, geojson). It lives with the
planner because plans do."""

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from planner.exports import PLAN_FORMATS, export_plans
from planner.route_exports import ROUTE_FORMATS, NoRun, export_routes
from registry.audit import audit_record
from registry.exports import EXPORTS, FORMATS, export
from registry.models import AuditAction
from registry.models.choices import HazardKind, TimeSlot

# The default format and the formats of the kinds that are not the registry's.
FORMATS_OF = {"plans": ("json", PLAN_FORMATS), "routes": ("geojson", ROUTE_FORMATS)}


class Command(BaseCommand):
    help = "Write the registry out in the columns the importer reads (to stdout without --out)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[*EXPORTS, "plans", "routes"])
        parser.add_argument(
            "--format", choices=sorted({*FORMATS, *PLAN_FORMATS, *ROUTE_FORMATS}), default=None,
            help="csv (the default), xlsx or geojson; plans: json (the default) or csv; "
            "routes: geojson",
        )  # fmt: skip
        parser.add_argument("--hazard", choices=HazardKind.values, help="routes: the hazard")
        parser.add_argument("--slot", choices=TimeSlot.values, help="routes: the time slot")
        parser.add_argument("--neighbourhood", help="routes: only this neighbourhood's people")
        parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--user", help="export only what this Sasaeai user may see")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user {options['user']}: no such user", returncode=2)
        kind = options["kind"]
        default, allowed = FORMATS_OF.get(kind, ("csv", FORMATS))
        file_format = options["format"] or default
        if file_format not in allowed:
            raise CommandError(
                f"--format {file_format}: {kind} are exported as {', '.join(allowed)}",
                returncode=2,
            )
        detail = {"format": file_format}
        if kind == "plans":
            data = export_plans(file_format, user)
        elif kind == "routes":
            data = self._routes(options, user)
            detail.update(hazard=options["hazard"], slot=options["slot"])
        else:
            data = export(kind, file_format, user)
        model = {"plans": "planner.planversion", "routes": "planner.shelterassignment"}
        audit_record(
            action=AuditAction.EXPORT, model=model.get(kind, kind), user=user, detail=detail,
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

    def _routes(self, options: dict[str, Any], user: Any) -> bytes:
        missing = [f"--{name}" for name in ("hazard", "slot") if not options[name]]
        if missing:
            raise CommandError(f"routes need {' and '.join(missing)}", returncode=2)
        try:
            return export_routes(options["hazard"], options["slot"], options["neighbourhood"], user)
        except NoRun as error:
            raise CommandError(str(error), returncode=2) from None
