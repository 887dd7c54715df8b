"""`python manage.py issue_plans [--neighbourhood CODE] [--user NAME]`: freeze a new version
of every plan that changed since its current version (or that has none)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from planner.versions import issue_plans
from registry.access import Role, persons_visible_to, role_of
from registry.models import Neighbourhood, Person


class Command(BaseCommand):
    help = "Issue a new version of every plan that changed; people without consent get none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--neighbourhood", help="only this neighbourhood (its code)")
        parser.add_argument("--user", help="issue as this Sasaeai user (an officer)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        people: QuerySet[Person] = Person.objects.all()
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user {options['user']}: no such user", returncode=2)
            if role_of(user) not in (Role.OFFICER, Role.ASSOCIATION):
                raise CommandError(f"--user {options['user']}: may not issue plans", returncode=2)
            people = persons_visible_to(user)
        if code := options["neighbourhood"]:
            area = Neighbourhood.objects.filter(code=code).first()
            if area is None:
                raise CommandError(f"no neighbourhood with code {code!r}", returncode=2)
            people = people.filter(neighbourhood=area)
        done = issue_plans(people, user=user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Issued {done.issued} new version(s); {done.unchanged} unchanged; "
                f"{done.without_consent} without consent (list entries, no plan)."
            )
        )
