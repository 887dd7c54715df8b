"""`python manage.py make_demo_drill [--if-none]`: a finished flood drill on the demo town, with
its reports, for the board and the after-action report to show."""

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from drills.demo import HAZARD, SLOT, demo_drill, make_demo_drill
from drills.services import DrillRefused


class Command(BaseCommand):
    help = "Build a finished demo drill (flood, weekday night) on the demo town."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-none", action="store_true", help="do nothing when the demo drill exists"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        existing = demo_drill()
        if existing is not None and options["if_none"]:
            self.stdout.write(f"The demo drill exists: #{existing.pk}.")
            return
        try:
            drill = make_demo_drill(officer=_officer())
        except DrillRefused as refused:
            raise CommandError(
                f"{refused} (the demo drill needs the {HAZARD} / {SLOT} plans)", returncode=2
            ) from None
        reports = drill.reports.count()
        people = drill.people.count()
        self.stdout.write(f"Demo drill #{drill.pk}: {people} people, {reports} reports.")


def _officer() -> User | None:
    """An officer who phones the people without a supporter (the demo's `demo` login when
    scripts/dev.sh demo made it)."""
    officers = User.objects.filter(Q(is_superuser=True) | Q(groups__name="officer"), is_active=True)
    return officers.order_by("-is_superuser", "pk").first()
