"""`python manage.py drill start|links|close|report ...`: drills and real events from the
command line.

    drill start --name NAME --hazard KIND --slot SLOT --neighbourhood CODE [...] [--event]
                [--starts "YYYY-MM-DD HH:MM"] [--hours N] [--user NAME]
    drill links DRILL --out DIR [--no-mail | --background]
    drill close DRILL
    drill report DRILL --out FILE.pdf [--json]

`start` prints a summary and the new drill's id alone on its last line, for scripts. `links`
writes DIR/links.csv (supporter, url) and DIR/sheets.pdf, and e-mails each supporter with an
address their link (`--background`: the task queue's workers send them, and the drill's page
shows the outcome). Exit status 2 when the drill cannot be started, is not found, or a file or
message cannot be made."""

import csv
import datetime as dt
import importlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from drills.links import link_url
from drills.mail import MailStopped, drill_links_mail, drill_mail_audit
from drills.models import Drill, DrillKind, DrillPerson
from drills.services import DEFAULT_HOURS, DrillRefused, drill_close, drill_start
from drills.tasks import MailBusy, drill_mail_queue
from drills.visits import Visits, drill_visits
from printouts.drill_sheet import drill_sheets, render_drill_sheets
from printouts.fonts import FontMissing, register_fonts
from registry.access import Role, neighbourhoods_visible_to, role_of
from registry.audit import audit_record
from registry.models import AuditAction, Neighbourhood, Person, Supporter
from registry.models.access import EmergencyDisclosure
from registry.models.choices import HazardKind, TimeSlot


def _write(path: Path, data: bytes) -> None:
    # Written beside the target and renamed: never half a file where a whole one is expected.
    # Owner-only: links.csv and the sheets carry live links that open people's addresses.
    partial = path.with_name(f".{path.name}.partial")
    partial.touch(mode=0o600)
    partial.chmod(0o600)
    partial.write_bytes(data)
    partial.replace(path)


def links_csv(rows: list[tuple[str, str]]) -> bytes:
    """links.csv: UTF-8 without a byte-order mark (it is read by scripts, not by Excel)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["supporter", "url"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


class Command(BaseCommand):
    help = "Start, hand out links for, close and report on a drill or a real event."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        start = actions.add_parser("start", help="start a drill from the current plans")
        start.add_argument("--name", required=True)
        start.add_argument("--hazard", required=True, choices=HazardKind.values)
        start.add_argument("--slot", required=True, choices=TimeSlot.values)
        start.add_argument(
            "--neighbourhood", action="append", required=True, help="a code; repeat for more"
        )
        start.add_argument("--event", action="store_true", help="a real event rather than a drill")
        start.add_argument("--starts", help="local time, YYYY-MM-DD HH:MM (default: now)")
        start.add_argument("--hours", type=int, default=DEFAULT_HOURS, help="how long it runs")
        start.add_argument("--user", help="the Sasaeai user starting it (audited)")
        links = actions.add_parser("links", help="write links.csv and sheets.pdf, send e-mail")
        links.add_argument("drill", type=int)
        links.add_argument("--out", required=True, type=Path)
        mail = links.add_mutually_exclusive_group()
        mail.add_argument("--no-mail", action="store_true", help="write the files only")
        mail.add_argument(
            "--background", action="store_true", help="queue the e-mail for the workers to send"
        )
        close = actions.add_parser("close", help="end the drill now")
        close.add_argument("drill", type=int)
        report = actions.add_parser("report", help="write the after-action report")
        report.add_argument("drill", type=int)
        report.add_argument("--out", required=True, type=Path)
        report.add_argument("--json", action="store_true", help="also print the figures")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "start":
            self._start(options)
        elif action == "links":
            self._links(
                _drill(options["drill"]), options["out"], mail=not options["no_mail"],
                background=options["background"],
            )  # fmt: skip
        elif action == "close":
            self._close(_drill(options["drill"]))
        else:
            self._report(_drill(options["drill"]), options["out"], as_json=options["json"])

    def _start(self, options: dict[str, Any]) -> None:
        user = _user(options["user"])
        areas = _neighbourhoods(options["neighbourhood"], user)
        hazard, slot = options["hazard"], options["slot"]
        kind = DrillKind.EVENT if options["event"] else DrillKind.DRILL
        starts = _local_time(options["starts"]) if options["starts"] else timezone.now()
        if options["hours"] < 1:
            raise CommandError("--hours: at least 1", returncode=2)
        try:
            drill = drill_start(
                name=options["name"], hazard=hazard, slot=slot, neighbourhoods=areas, kind=kind,
                user=user, starts_at=starts, ends_at=starts + dt.timedelta(hours=options["hours"]),
            )  # fmt: skip
        except DrillRefused as error:
            raise CommandError(str(error), returncode=2) from None
        if kind == DrillKind.EVENT:
            closed = _without_disclosure(hazard, areas)
            if closed:
                self.stdout.write(
                    f"No active emergency disclosure for {hazard} in {', '.join(closed)}: the "
                    "event runs there with consenting people only."
                )
        people = DrillPerson.objects.filter(drill=drill).count()
        unchecked = DrillPerson.objects.filter(drill=drill).exclude(
            person__in=drill.checks.values("person")
        )
        start, end = timezone.localtime(drill.starts_at), timezone.localtime(drill.ends_at)
        self.stdout.write(
            f"{'Event' if kind == DrillKind.EVENT else 'Drill'} #{drill.pk} {drill.name!r} "
            f"({hazard}, {slot}) {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}: {people} "
            f"people in {len(areas)} neighbourhood(s), {drill.supporters.count()} supporters, "
            f"{unchecked.count()} people without a supporter."
        )
        self.stdout.write(str(drill.pk))

    def _links(self, drill: Drill, out: Path, *, mail: bool, background: bool) -> None:
        if drill.closed_at is not None or drill.ends_at <= timezone.now():
            raise CommandError(f"drill #{drill.pk} is over: its links no longer open", returncode=2)
        try:
            register_fonts()
        except FontMissing as error:
            raise CommandError(str(error), returncode=2) from None
        visits = drill_visits(drill)
        urls = {visit.supporter.pk: link_url(drill, visit.supporter) for visit in visits}

        def url(supporter: Supporter) -> str:
            return urls[supporter.pk]

        sheets, withheld = drill_sheets(drill, visits, url)
        out.mkdir(parents=True, exist_ok=True)
        rows = [(visit.supporter.external_id, urls[visit.supporter.pk]) for visit in visits]
        _write(out / "links.csv", links_csv(rows))
        _write(out / "sheets.pdf", render_drill_sheets(drill, sheets))
        audit_record(
            action=AuditAction.PRINT, model=Person,
            object_ids=[person.pk for visit in visits for person in visit.people],
            detail={"document": "drill sheets", "drill": drill.pk},
        )  # fmt: skip
        self.stdout.write(f"Wrote links.csv and sheets.pdf for {len(rows)} supporters to {out}.")
        if withheld:
            self.stdout.write(
                f"{withheld} people left off the sheets: the association's copy no longer "
                "shows them (an emergency disclosure has ended)."
            )
        if mail and background:
            self._mail_queue(drill)
        elif mail:
            self._mail(drill, visits, url)

    def _mail_queue(self, drill: Drill) -> None:
        try:
            task_id = drill_mail_queue(drill, user=None)
        except MailBusy as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(
            f"E-mail to the supporters queued (task {task_id}): the workers (manage.py worker) "
            "send it; the drill's page shows how many went."
        )

    def _mail(self, drill: Drill, visits: list[Visits], url: Callable[[Supporter], str]) -> None:
        try:
            outcome = drill_links_mail(visits, drill, url)
        except MailStopped as stopped:
            # Messages that went before the server was lost are audited all the same.
            if stopped.outcome.sent:
                drill_mail_audit(drill, visits, stopped.outcome, failed=str(stopped))
            raise CommandError(
                f"could not send e-mail ({stopped}); {stopped.outcome.sent} sent before it "
                "stopped; the files are written. Check the SASAEAI_EMAIL_* settings, or hand "
                "out the sheets and rerun with --no-mail.",
                returncode=2,
            ) from None
        drill_mail_audit(drill, visits, outcome)
        self.stdout.write(
            f"Sent {outcome.sent} e-mail(s); {outcome.without_address} supporters have no "
            "e-mail address."
        )
        if outcome.refused:
            raise CommandError(
                f"the mail server refused the messages to {', '.join(outcome.refused)}",
                returncode=2,
            )

    def _close(self, drill: Drill) -> None:
        was_closed = drill.closed_at is not None
        drill_close(drill)
        closed = timezone.localtime(drill.closed_at) if drill.closed_at else None
        state = "was already closed" if was_closed else "closed"
        self.stdout.write(f"Drill #{drill.pk} {state} at {closed:%Y-%m-%d %H:%M}.")

    def _report(self, drill: Drill, out: Path, *, as_json: bool) -> None:
        # Imported here, so that the other subcommands work before the report is built.
        try:
            figures = importlib.import_module("drills.report")
            renderer = importlib.import_module("printouts.drill_report")
            report_json = figures.report_json
            render_drill_report = renderer.render_drill_report
        except (ImportError, AttributeError):
            raise CommandError("the report is not available yet", returncode=2) from None
        try:
            register_fonts()
        except FontMissing as error:
            raise CommandError(str(error), returncode=2) from None
        out.parent.mkdir(parents=True, exist_ok=True)
        _write(out, render_drill_report(drill, lang="ja"))
        audit_record(
            action=AuditAction.PRINT, model=Person,
            object_ids=DrillPerson.objects.filter(drill=drill).values_list("person_id", flat=True),
            detail={"document": "drill report", "drill": drill.pk},
        )  # fmt: skip
        if as_json:
            self.stdout.write(json.dumps(report_json(drill), ensure_ascii=False))
        else:
            self.stdout.write(f"Wrote the report of drill #{drill.pk} to {out}.")


def _drill(pk: int) -> Drill:
    drill = Drill.objects.filter(pk=pk).first()
    if drill is None:
        raise CommandError(f"no drill #{pk}", returncode=2)
    return drill


def _user(name: str | None) -> User | None:
    if not name:
        return None
    user = get_user_model().objects.filter(username=name).first()
    if not isinstance(user, User):
        raise CommandError(f"--user {name}: no such user", returncode=2)
    return user


def _neighbourhoods(codes: list[str], user: User | None) -> list[Neighbourhood]:
    """The neighbourhoods named; an association starts drills in its own areas only."""
    codes = list(dict.fromkeys(codes))
    known = {area.code: area for area in Neighbourhood.objects.filter(code__in=codes)}
    if missing := [code for code in codes if code not in known]:
        raise CommandError(f"no neighbourhood with code {', '.join(missing)}", returncode=2)
    if user is not None and role_of(user) != Role.OFFICER:
        own = set(neighbourhoods_visible_to(user).values_list("code", flat=True))
        if role_of(user) != Role.ASSOCIATION or not set(codes) <= own:
            outside = ", ".join(sorted(set(codes) - own)) or ", ".join(codes)
            raise CommandError(
                f"--user {user.get_username()} may not start a drill in {outside}", returncode=2
            )
    return [known[code] for code in codes]


def _without_disclosure(hazard: str, areas: list[Neighbourhood]) -> list[str]:
    """The codes of the areas that no active emergency disclosure for the hazard opens."""
    opened = set(
        EmergencyDisclosure.objects.active()
        .filter(hazard=hazard, neighbourhoods__in=areas)
        .values_list("neighbourhoods", flat=True)
    )
    return [area.code for area in areas if area.pk not in opened]


def _local_time(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise CommandError(f"--starts {text!r}: expected YYYY-MM-DD HH:MM", returncode=2) from None
    return timezone.make_aware(moment)
