"""Writing the audit log: who looked at or changed what, when, under which role and which
emergency. A look is recorded by record ids; a change also keeps its before and after values,
which is why only auditors and officers read the log."""

import getpass
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.forms.models import model_to_dict

from registry.access import Role, open_emergencies, role_of
from registry.models import AuditEntry, EmergencyDisclosure
from registry.models.people import SHAREABLE_CONSENT


def audit_record(
    *,
    action: str,
    model: type[models.Model] | str,
    object_ids: Iterable[int] = (),
    user: AbstractBaseUser | AnonymousUser | None = None,
    emergency: EmergencyDisclosure | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry. Without a user, the entry names the system account running the
    command (an officer's script)."""
    authenticated = user is not None and user.is_authenticated
    name = model if isinstance(model, str) else model._meta.label_lower
    return AuditEntry.objects.create(
        user=user if authenticated else None,  # type: ignore[misc]
        actor=user.get_username() if authenticated and user else f"system:{getpass.getuser()}",
        role=role_of(user) if authenticated and user else "system",
        action=action,
        model=name,
        object_ids=sorted({int(pk) for pk in object_ids}),
        emergency=emergency,
        detail=detail or {},
    )


def emergency_for_people(user: Any, people: Iterable[Any]) -> EmergencyDisclosure | None:
    """The emergency under which this user sees any of these people, if one is needed."""
    if role_of(user) in (Role.OFFICER, Role.NONE):
        return None
    if all(getattr(person, "consent", None) in SHAREABLE_CONSENT for person in people):
        return None
    return open_emergencies(user).first()


def changes(before: dict[str, Any], after: models.Model) -> dict[str, Any]:
    """Fields that changed, as text, for the log."""
    now = model_to_dict(after)
    return {
        field: {"before": str(before.get(field)), "after": str(now.get(field))}
        for field in now
        if str(before.get(field)) != str(now.get(field))
    }
