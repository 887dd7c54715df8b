"""`python manage.py plan --hazard KIND --slot SLOT [--neighbourhood CODE] [--json]`."""

import getpass
import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from planner.candidates import ScenarioError
from planner.models import PlanRun
from planner.reports import run_json, run_summary
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.models.choices import HazardKind, TimeSlot


class Command(BaseCommand):
    help = "Plan a scenario: who helps whom and where each person goes. Saves the run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hazard", required=True, choices=HazardKind.values)
        parser.add_argument("--slot", required=True, choices=TimeSlot.values)
        parser.add_argument("--neighbourhood", help="plan one neighbourhood (its code)")
        parser.add_argument(
            "--away", action="append", default=[], metavar="SUPPORTER_ID",
            help="a supporter who is away (repeat for more)",
        )  # fmt: skip
        parser.add_argument(
            "--closed", action="append", default=[], metavar="SHELTER_ID",
            help="a shelter that is closed (repeat for more)",
        )  # fmt: skip
        parser.add_argument("--json", action="store_true", help="print the run as JSON")
        parser.add_argument(
            "--if-none", action="store_true",
            help="do nothing when a run of this hazard and time slot exists already",
        )  # fmt: skip

    # The summary is a command's output that scripts may read: English, whatever the site's
    # default language.
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        same = PlanRun.objects.filter(hazard=options["hazard"], slot=options["slot"])
        if options["if_none"] and same.exists():
            self.stdout.write("A run of this scenario exists already; nothing planned.")
            return
        scenario = Scenario(
            hazard=options["hazard"],
            slot=options["slot"],
            neighbourhood=options["neighbourhood"],
            away_supporters=frozenset(options["away"]),
            closed_shelters=frozenset(options["closed"]),
        )
        started = time.perf_counter()
        quiet = options["json"]

        def progress(message: str) -> None:
            stream = self.stderr if quiet else self.stdout
            stream.write(f"  [{time.perf_counter() - started:5.1f} s] {message}")
            stream.flush()

        try:
            run = plan_run_create(
                scenario=scenario, performed_by=getpass.getuser(), progress=progress
            )
        except ScenarioError as error:
            raise CommandError(str(error), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(run_json(run), ensure_ascii=False))
        else:
            self.stdout.write("\n".join(run_summary(run)))
