"""Create (once) the demo town's officer login and print it."""

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "demo"


class Command(BaseCommand):
    help = "Create the demo officer login if missing and print its user name and password."

    def handle(self, *args: Any, **options: Any) -> None:
        # The password is made on this machine and kept in var/, never in the repository.
        path = settings.VAR_DIR / "demo-password"
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(12))
        password = path.read_text().strip()
        user, _ = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login (city officer): user '{USERNAME}', password '{password}' "
                "at http://127.0.0.1:8000/admin/"
            )
        )
