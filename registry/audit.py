"""Writing and reading the audit log: who looked at or changed what, when, under which role and
which emergency. An entry holds record ids and the names of changed fields, never personal
values, because auditors, who may see no personal data, read it.

Rows written before that rule may still hold values (the table is append-only, so they cannot
be mended); `detail_for_auditor` shows them by their keys only."""

import getpass
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.forms.models import model_to_dict

from registry.access import emergency_for_ids, role_of
from registry.models import AuditAction, AuditEntry, EmergencyDisclosure

# Looks at personal data: under an emergency each one is marked with it.
LOOKS = frozenset({AuditAction.VIEW, AuditAction.LIST, AuditAction.PRINT, AuditAction.EXPORT})
PERSON_MODEL = "registry.person"

# Keys of `detail` whose values are never personal: record ids, codes, counts, keys of choices,
# field names. Anything else is shown to auditors by its key only.
SAFE_DETAIL_KEYS = frozenset(
    {
        "changed",
        "confirmed",
        "copy_for",
        "created",
        "declared",
        "document",
        "drill",
        "ended",
        "filters",
        "format",
        "hazard",
        "import",
        "lang",
        "neighbourhood",
        "page",
        "person",
        "retired",
        "run",
        "slot",
        # ask, agree, decline or undo: which step of asking someone to agree.
        "step",
        "supporter",
        "updated",
        "versions",
    }
)
WITHHELD = "…"


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
    command (an officer's script). A look at people who did not consent, by a user who sees
    them only under an emergency, is marked with that emergency here, so that no door of the
    system can forget to mark it."""
    authenticated = user is not None and user.is_authenticated
    name = model if isinstance(model, str) else model._meta.label_lower
    ids = sorted({int(pk) for pk in object_ids})
    if emergency is None and authenticated and action in LOOKS and name == PERSON_MODEL:
        emergency = emergency_for_ids(user, ids)
    return AuditEntry.objects.create(
        user=user if authenticated else None,  # type: ignore[misc]
        actor=user.get_username() if authenticated and user else f"system:{getpass.getuser()}",
        role=role_of(user) if authenticated and user else "system",
        action=action,
        model=name,
        object_ids=ids,
        emergency=emergency,
        detail=_stored(detail or {}),
    )


def _stored(detail: dict[str, Any]) -> dict[str, Any]:
    """Before and after values handed in by a caller are kept as the changed fields' names."""
    handed = detail.get("changes")
    if isinstance(handed, dict):
        detail = {key: value for key, value in detail.items() if key != "changes"}
        detail["changed"] = sorted({*detail.get("changed", []), *map(str, handed)})
    return detail


def changes(before: dict[str, Any], after: models.Model) -> list[str]:
    """The names of the fields that changed, for the log: never their values."""
    now = model_to_dict(after)
    return sorted(field for field in now if str(before.get(field)) != str(now.get(field)))


def detail_for_auditor(detail: dict[str, Any]) -> dict[str, Any]:
    """An entry's detail as an auditor may read it: values only under keys that never hold
    personal data; before/after values of old rows as the names of the changed fields."""
    shown: dict[str, Any] = {}
    changed: set[str] = set()
    for key, value in detail.items():
        if key == "changes" and isinstance(value, dict):
            changed |= {str(name) for name in value}
        elif key in SAFE_DETAIL_KEYS and _plain(value):
            shown[key] = value
        else:
            shown[key] = WITHHELD
    if changed:
        listed = shown.get("changed")
        shown["changed"] = sorted(changed | set(listed if isinstance(listed, list) else []))
    return shown


def _plain(value: Any) -> bool:
    """Numbers, flags, short keys and lists of them: what ids, codes and field names look like."""
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, str):
        return len(value) <= 64
    return value is None or isinstance(value, (bool, int, float))
