"""`python manage.py print_plans --out DIR [--neighbourhood CODE] [--person ID] [--supporter ID]
[--lang ja|en|easy] [--copy-for association|commissioner|officer|family] [--user NAME] [--draft]`.

Prints each person's current issued plan (`issue_plans` issues them); people with none are
skipped and counted. With `--draft`, what an issue would freeze now, marked 案. With `--user`,
the user's role decides the copy (an officer may ask for another one); without it, the command
prints for the city office, and `--copy-for` decides. `--supporter` prints a supporter's own
sheet: the people they agreed to help. `--lang easy` prints family cards in
easy Japanese (やさしい日本語) and plans in Japanese."""

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from printouts.fonts import FontMissing, register_fonts
from printouts.services import (
    issued_only,
    print_neighbourhoods,
    print_person,
    print_supporter,
)
from printouts.sheets import NotInCopy
from registry.access import Copy, copy_for_reader, persons_for_copy, supporters_visible_to
from registry.models import Neighbourhood, Supporter
from registry.models.people import SHAREABLE_CONSENT


class Command(BaseCommand):
    help = "Write PDFs of the issued plans: neighbourhood bundles, or one person's plan and card."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--neighbourhood", help="one neighbourhood's bundle (its code)")
        parser.add_argument("--person", help="one person's plan and family card (their ID)")
        parser.add_argument("--supporter", help="one supporter's own sheet (their ID)")
        parser.add_argument("--lang", choices=["ja", "en", "easy"], default="ja")
        parser.add_argument(
            "--copy-for",
            choices=[copy.value for copy in Copy],
            default=Copy.ASSOCIATION.value,
            help="whom the copy is for, when printing for the city office (without --user)",
        )
        parser.add_argument("--user", help="print only what this Sasaeai user may see")
        parser.add_argument(
            "--draft", action="store_true", help="print what an issue would freeze, marked 案"
        )

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
        draft = options["draft"]
        if options["supporter"]:
            supporters = Supporter.objects.all() if user is None else supporters_visible_to(user)
            supporter = supporters.filter(external_id=options["supporter"]).first()
            if supporter is None:
                raise CommandError(f"no supporter with ID {options['supporter']!r}", returncode=2)
            path, skipped = print_supporter(supporter, out, lang=lang, user=user, draft=draft)
            if skipped:
                self.stdout.write(f"{skipped} people without an issued plan skipped.")
            written = [path]
        elif options["person"]:
            person = persons_for_copy(user, copy).filter(external_id=options["person"]).first()
            if person is None:
                raise CommandError(f"no person with ID {options['person']!r}", returncode=2)
            # People without consent never get an issued plan: their list entry always prints.
            shareable = person.consent in SHAREABLE_CONSENT
            if shareable and not draft and not issued_only([person])[0]:
                self.stdout.write(
                    f"{options['person']} has no issued plan: run issue_plans, or print the "
                    "draft with --draft. 1 person skipped."
                )
                return
            try:
                written = print_person(
                    person, out, lang=lang, copy_for=copy, user=user, draft=draft
                )
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
            written, skipped = print_neighbourhoods(
                list(areas), out, lang=lang, copy_for=copy, progress=progress, user=user,
                draft=draft,
            )  # fmt: skip
            if skipped:
                self.stdout.write(
                    f"{skipped} people without an issued plan skipped (issue_plans issues "
                    "them; --draft prints drafts)."
                )
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} PDF file(s) to {out}."))
