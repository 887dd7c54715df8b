"""`python manage.py print_plans --out DIR [--neighbourhood CODE] [--person ID] [--lang ja|en]
[--copy-for association|officer]`."""

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from printouts.fonts import FontMissing, register_fonts
from printouts.services import print_neighbourhoods, print_person
from registry.models import Neighbourhood, Person


class Command(BaseCommand):
    help = "Write PDFs of the latest plans: neighbourhood bundles, or one person's plan and card."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--neighbourhood", help="one neighbourhood's bundle (its code)")
        parser.add_argument("--person", help="one person's plan and family card (their ID)")
        parser.add_argument("--lang", choices=["ja", "en"], default="ja")
        parser.add_argument("--copy-for", choices=["association", "officer"], default="association")
        parser.add_argument("--user", help="print only what this Sasaeai user may see")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        try:
            register_fonts()
        except FontMissing as error:
            raise CommandError(str(error), returncode=2) from None
        out.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"  [{time.perf_counter() - started:5.1f} s] {message}")
            self.stdout.flush()

        lang, copy_for = options["lang"], options["copy_for"]
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user {options['user']}: no such user", returncode=2)
        people = Person.objects.all() if user is None else Person.objects.visible_to(user)
        if options["person"]:
            person = people.filter(external_id=options["person"]).first()
            if person is None:
                raise CommandError(f"no person with ID {options['person']!r}", returncode=2)
            written = print_person(person, out, lang=lang, copy_for=copy_for, user=user)
        else:
            areas = Neighbourhood.objects.order_by("code")
            if options["neighbourhood"]:
                areas = areas.filter(code=options["neighbourhood"])
                if not areas.exists():
                    raise CommandError(
                        f"no neighbourhood with code {options['neighbourhood']!r}", returncode=2
                    )
            written = print_neighbourhoods(
                list(areas), out, lang=lang, copy_for=copy_for, progress=progress, user=user
            )
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} PDF file(s) to {out}."))
