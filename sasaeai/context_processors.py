"""Template context the site's pages share."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from registry.access import Role, open_emergencies, role_of
from registry.models import EmergencyDisclosure


def role(request: HttpRequest) -> dict[str, str]:
    """The user's role, so that pages offer only what the role may use."""
    return {"role": str(role_of(request.user))}


def emergencies(request: HttpRequest) -> dict[str, Any]:
    """The emergency disclosures open now that concern the user, for the banner on every
    page: those covering one of the user's areas, or every one for officers, who declare and
    end them. Read lazily, so that a response that renders no page costs no query."""

    def read() -> list[EmergencyDisclosure]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        who = role_of(user)
        found: QuerySet[EmergencyDisclosure]
        if who == Role.OFFICER:
            found = EmergencyDisclosure.objects.active()
        elif who in (Role.ASSOCIATION, Role.COMMISSIONER):
            found = open_emergencies(user)
        else:
            return []
        return list(found.order_by("ends_at", "pk"))

    return {"emergencies": read}
