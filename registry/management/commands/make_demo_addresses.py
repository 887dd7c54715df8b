"""Write the demo town's address reference and import it:
`python manage.py make_demo_addresses [--seed N] [--people N] ... [--out DIR] [--if-empty]`.

Give the same seed and counts as make_demo_town, so that the 番 points stand where that town's
people live."""

import getpass
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from registry.demo.addresses import demo_address_files
from registry.demo.town import build_town, count_argument
from registry.importers.problems import ImportFailed
from registry.importers.service import import_file
from registry.models import AddressPoint, ImportKind


class Command(BaseCommand):
    help = (
        "Write the demo town's address reference (MLIT 位置参照情報, block and town level, "
        "Shift_JIS) and import both files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--people", type=count_argument, default=600)
        parser.add_argument("--supporters", type=count_argument, default=350)
        parser.add_argument("--shelters", type=count_argument, default=30)
        parser.add_argument(
            "--out",
            type=Path,
            default=settings.VAR_DIR / "demo-addresses",
            help="where the two files are written (default: var/demo-addresses)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when an address reference is already loaded",
        )

    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and AddressPoint.objects.exists():
            self.stdout.write("An address reference is already loaded; it is left as it is.")
            return
        started = time.perf_counter()
        town = build_town(
            seed=options["seed"],
            people=options["people"],
            supporters=options["supporters"],
            shelters=options["shelters"],
        )
        for path in demo_address_files(town, options["out"]):
            self.stdout.write(f"  wrote {path}")
            try:
                result = import_file(ImportKind.ADDRESSES, path, performed_by=getpass.getuser())
            except ImportFailed as failure:
                raise CommandError(
                    f"{path.name}: {failure}", returncode=failure.exit_code
                ) from None
            for note in result.notes:
                self.stdout.write(f"  note: {note}")
            self.stdout.write(result.summary())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo address reference loaded (seed {options['seed']}) in "
                f"{time.perf_counter() - started:.1f} s."
            )
        )
