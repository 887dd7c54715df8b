"""`python manage.py create_user USERNAME --role officer|association|commissioner|auditor
[--neighbourhood CODE ...]`: a user with a role and the areas they look after."""

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from registry.access import Role
from registry.models import AccessScope, Neighbourhood

ROLES = [Role.OFFICER, Role.ASSOCIATION, Role.COMMISSIONER, Role.AUDITOR]


def user_create_with_role(
    *, username: str, role: str, neighbourhoods: list[str], password: str
) -> None:
    """Create or update the user, give them exactly this role and these areas."""
    areas = list(Neighbourhood.objects.filter(code__in=neighbourhoods))
    missing = sorted(set(neighbourhoods) - {area.code for area in areas})
    if missing:
        raise CommandError(f"no neighbourhood with code {', '.join(missing)}", returncode=2)
    if role in (Role.ASSOCIATION, Role.COMMISSIONER) and not areas:
        raise CommandError(f"a {role} user needs at least one --neighbourhood", returncode=2)
    with transaction.atomic():
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff, user.is_active, user.is_superuser = True, True, False
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get_or_create(name=role)[0]])
        AccessScope.objects.filter(user=user).delete()
        AccessScope.objects.bulk_create(
            AccessScope(user=user, neighbourhood=area) for area in areas
        )


class Command(BaseCommand):
    help = "Create (or update) a user with a role and the neighbourhoods they look after."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[str(role) for role in ROLES])
        parser.add_argument("--neighbourhood", action="append", default=[], metavar="CODE")
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="read the password from this environment variable (default: generate one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        generated = not options["password_env"]
        password = (
            secrets.token_urlsafe(12) if generated else os.environ.get(options["password_env"], "")
        )
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages), returncode=2) from None
        user_create_with_role(
            username=options["username"],
            role=options["role"],
            neighbourhoods=options["neighbourhood"],
            password=password,
        )
        shown = f", password '{password}'" if generated else ""
        self.stdout.write(
            self.style.SUCCESS(f"User '{options['username']}' ({options['role']}){shown}.")
        )
