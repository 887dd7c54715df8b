"""`python manage.py print_plans --out DIR [--neighbourhood CODE] [--person ID] [--lang ja|en]
[--copy-for association|commissioner|officer|family] [--user NAME] [--hazard KIND --slot SLOT]`.

With `--user`, the user's role decides the copy (an officer may ask for another one); without
it, the command prints for the city office, and `--copy-for` decides. With `--hazard` and
`--slot`, each plan comes from the latest finished run of that scenario."""

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from printouts.fonts import FontMissing, register_fonts
from printouts.services import print_neighbourhoods, print_person
from printouts.sheets import NotInCopy
from registry.access import Copy, copy_for_reader, persons_for_copy
from registry.models import Neighbourhood
from registry.models.choices import HazardKind, TimeSlot


class Command(BaseCommand):
    help = "Write PDFs of the latest plans: neighbourhood bundles, or one person's plan and card."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--neighbourhood", help="one neighbourhood's bundle (its code)")
        parser.add_argument("--person", help="one person's plan and family card (their ID)")
        parser.add_argument("--lang", choices=["ja", "en"], default="ja")
        parser.add_argument(
            "--copy-for",
            choices=[copy.value for copy in Copy],
            default=Copy.ASSOCIATION.value,
            help="whom the copy is for, when printing for the city office (without --user)",
        )
        parser.add_argument("--user", help="print only what this Sasaeai user may see")
        parser.add_argument("--hazard", choices=HazardKind.values, help="the scenario's hazard")
        parser.add_argument("--slot", choices=TimeSlot.values, help="the scenario's time slot")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        hazard, slot = options["hazard"], options["slot"]
        if (hazard is None) != (slot is None):
            raise CommandError("--hazard and --slot name a scenario together", returncode=2)
        try:
            register_fonts()
        except FontMissing as error:
            raise CommandError(str(error), returncode=2) from None
        out.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"  [{time.perf_counter() - started:5.1f} s] {message}")
            self.stdout.flush()

        lang = options["lang"]
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user {options['user']}: no such user", returncode=2)
        try:
            copy = copy_for_reader(user, options["copy_for"])
        except PermissionDenied:
            raise CommandError(
                f"--user {options['user']}: this role prints no personal data", returncode=2
            ) from None
        scenario = {"hazard": hazard, "slot": slot}
        if options["person"]:
            person = persons_for_copy(user, copy).filter(external_id=options["person"]).first()
            if person is None:
                raise CommandError(f"no person with ID {options['person']!r}", returncode=2)
            try:
                written = print_person(person, out, lang=lang, copy_for=copy, user=user, **scenario)
            except NotInCopy as error:
                raise CommandError(str(error), returncode=2) from None
        else:
            if copy == Copy.FAMILY:
                raise CommandError("--copy-for family prints one --person", returncode=2)
            areas = Neighbourhood.objects.order_by("code")
            if options["neighbourhood"]:
                areas = areas.filter(code=options["neighbourhood"])
                if not areas.exists():
                    raise CommandError(
                        f"no neighbourhood with code {options['neighbourhood']!r}", returncode=2
                    )
            written = print_neighbourhoods(
                list(areas), out, lang=lang, copy_for=copy, progress=progress, user=user,
                **scenario,
            )  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} PDF file(s) to {out}."))
