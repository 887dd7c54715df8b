"""`python manage.py print_plans --out DIR [--neighbourhood CODE] [--person ID] [--supporter ID]
[--lang ja|en|easy] [--copy-for association|commissioner|officer|family] [--user NAME] [--draft]`,
`print_plans --background [--neighbourhood CODE] [--lang …] [--copy-for …] [--user NAME] [--draft]`,
`print_plans --job N --out DIR [--user NAME]`.

Prints each person's current issued plan (`issue_plans` issues them); people with none are
skipped and counted. With `--draft`, what an issue would freeze now, marked 案. With `--user`,
the user's role decides the copy (an officer may ask for another one); without it, the command
prints for the city office, and `--copy-for` decides. `--supporter` prints a supporter's own
sheet: the people they agreed to help. `--lang easy` prints family cards in
easy Japanese (やさしい日本語) and plans in Japanese.

`--background` queues the neighbourhood bundles as a print job for the workers (`manage.py
worker`) and prints the job's number and its page; `--job N --out DIR` later writes that job's
bundles into DIR under the names the foreground gives them. Exit status 2 when something asked
for does not exist or cannot be done (a job still printing), 1 when a job ended with bundles
that failed (the others are written)."""

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from printouts.fonts import FontMissing, register_fonts
from printouts.jobs import hand_out_bundles, jobs_seen_by
from printouts.models import PrintJobStatus
from printouts.services import (
    issued_only,
    print_neighbourhoods,
    print_person,
    print_supporter,
)
from printouts.sheets import NotInCopy
from printouts.tasks import print_job_create
from registry.access import (
    Copy,
    copy_for_reader,
    persons_for_copy,
    supporters_visible_to,
)
from registry.models import Neighbourhood, Supporter
from registry.models.people import SHAREABLE_CONSENT


class Command(BaseCommand):
    help = "Write PDFs of the issued plans: neighbourhood bundles, or one person's plan and card."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, help="the folder to write to (not with --background)"
        )
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
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue the neighbourhood bundles as a print job for the workers",
        )
        parser.add_argument(
            "--job", type=int, help="write the bundles of this finished print job into --out"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["job"] is not None:
            if options["out"] is None:
                raise CommandError("--job needs --out DIR", returncode=2)
            self._job_out(options["job"], Path(options["out"]), _user(options["user"]))
            return
        if options["background"]:
            if options["person"] or options["supporter"]:
                raise CommandError(
                    "--background prints neighbourhood bundles, not --person or --supporter",
                    returncode=2,
                )
            self._background(options)
            return
        if options["out"] is None:
            raise CommandError("--out DIR is needed (or --background)", returncode=2)
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
        user = _user(options["user"])
        copy = _copy(user, options)
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
            areas = _areas(copy, options["neighbourhood"])
            written, skipped = print_neighbourhoods(
                areas, out, lang=lang, copy_for=copy, progress=progress, user=user,
                draft=draft,
            )  # fmt: skip
            if skipped:
                self.stdout.write(
                    f"{skipped} people without an issued plan skipped (issue_plans issues "
                    "them; --draft prints drafts)."
                )
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} PDF file(s) to {out}."))

    def _background(self, options: dict[str, Any]) -> None:
        user = _user(options["user"])
        copy = _copy(user, options)
        areas = _areas(copy, options["neighbourhood"])
        performed_by = user.get_username() if user is not None else "print_plans"
        job = print_job_create(
            areas, user=user, performed_by=performed_by, lang=options["lang"], copy_for=copy,
            draft=options["draft"],
        )  # fmt: skip
        page = settings.BASE_URL.rstrip("/") + reverse("print_job", args=[job.pk])
        self.stdout.write(
            f"Print job #{job.pk}: {len(areas)} neighbourhood bundle(s) queued for the workers "
            f"(manage.py worker). Its progress and zip: {page} ; or, once done: "
            f"manage.py print_plans --job {job.pk} --out DIR"
        )
        self.stdout.write(str(job.pk))

    def _job_out(self, pk: int, out: Path, user: Any) -> None:
        # A user sees their own jobs, an officer every job, as on the page.
        job = jobs_seen_by(user).filter(pk=pk).first()
        if job is None:
            raise CommandError(f"no print job #{pk}", returncode=2)
        if job.status == PrintJobStatus.WORKING:
            raise CommandError(
                f"print job #{pk} is still printing; run this again once it is done", returncode=2
            )
        out.mkdir(parents=True, exist_ok=True)
        written = hand_out_bundles(
            job, lambda name, data: _write(out / name, data), user=user,
            detail={"job": job.pk, "format": "pdf"},
        )  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"Wrote {written} PDF file(s) to {out}."))
        parts = job.parts.order_by("neighbourhood__code")
        failed = list(parts.exclude(error="").values_list("neighbourhood__code", "error"))
        if failed:
            for code, error in failed:
                self.stderr.write(f"{code}: not printed: {error}")
            raise CommandError(
                f"print job #{pk} failed for {len(failed)} neighbourhood(s): "
                + ", ".join(code for code, _error in failed),
                returncode=1,
            )


def _user(name: str | None) -> Any:
    if not name:
        return None
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise CommandError(f"--user {name}: no such user", returncode=2)
    return user


def _copy(user: Any, options: dict[str, Any]) -> str:
    try:
        return copy_for_reader(user, options["copy_for"])
    except PermissionDenied:
        raise CommandError(
            f"--user {options['user']}: this role prints no personal data", returncode=2
        ) from None


def _areas(copy: str, code: str | None) -> list[Neighbourhood]:
    """The neighbourhoods whose bundles to print: the one named, or every one."""
    if copy == Copy.FAMILY:
        raise CommandError("--copy-for family prints one --person", returncode=2)
    areas = Neighbourhood.objects.order_by("code")
    if code:
        areas = areas.filter(code=code)
        if not areas.exists():
            raise CommandError(f"no neighbourhood with code {code!r}", returncode=2)
    return list(areas)


def _write(path: Path, data: bytes) -> None:
    # Written beside the target and renamed, as the foreground writes them: never half a PDF.
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)
