"""Create (once) the demo town's logins, one for each role, and print them."""

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from registry.management.commands.create_user import user_create_with_role
from registry.models import Neighbourhood

# Two officers, since an emergency disclosure needs a second one to confirm it.
DEMO_USERS = (
    ("demo", "officer", "city disaster officer"),
    ("demo-officer2", "officer", "second officer (confirms emergencies)"),
    ("demo-association", "association", "neighbourhood association of the first neighbourhood"),
    ("demo-commissioner", "commissioner", "welfare commissioner of the second neighbourhood"),
    ("demo-auditor", "auditor", "auditor (the audit log only)"),
)


class Command(BaseCommand):
    help = "Create the demo logins (one per role) if missing and print them."

    def handle(self, *args: Any, **options: Any) -> None:
        # The password is made on this machine and kept in var/, never in the repository.
        path = settings.VAR_DIR / "demo-password"
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(12))
        password = path.read_text().strip()
        codes = list(Neighbourhood.objects.order_by("code").values_list("code", flat=True)[:2])
        for username, role, _ in DEMO_USERS:
            areas = {"association": codes[:1], "commissioner": codes[1:2]}.get(role, [])
            user_create_with_role(
                username=username, role=role, neighbourhoods=areas, password=password
            )
        self.stdout.write(self.style.SUCCESS("Demo logins at http://127.0.0.1:8000/admin/ "
                                             f"(password '{password}' for each):"))  # fmt: skip
        for username, _, description in DEMO_USERS:
            self.stdout.write(f"  {username:<20} {description}")
