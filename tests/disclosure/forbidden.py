"""What a user may not see, as exact strings: the values of the people and supporters hidden
from the user, and the health details of visible people whose health the user may not see.
The rules are registry.access's, asked afresh (an emergency changes them)."""

import re
from dataclasses import dataclass

from django.utils import translation

from registry.access import (
    Role,
    can_see_health,
    persons_visible_to,
    role_of,
    supporters_visible_to,
)
from registry.importers.persons import MEDICAL_CONTACTS
from registry.models import Person, Supporter
from registry.models.choices import CommunicationNeed, MedicalDevice, Reason
from tests.disclosure.town import Town

_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Text without any white space: PDF extraction and HTML wrap lines where they like."""
    return _SPACE.sub("", text)


@dataclass(frozen=True)
class Secret:
    value: str  # squeezed
    what: str  # e.g. "name of P-IN_REFUSED"
    kind: str  # "person", "health", "supporter"


def _labels(choices: type, keys: list[str]) -> list[str]:
    """A key's label in Japanese and English: a leak may be in either language."""
    found = []
    for lang in ("ja", "en"):
        with translation.override(lang):
            labels = dict(choices.choices)  # type: ignore[attr-defined]
            found += [str(labels[key]) for key in keys]
    return found


def health_values(person: Person) -> list[tuple[str, str]]:
    values = [
        ("medication", person.medication),
        ("notes", person.notes),
        ("power backup", person.power_backup),
        *((f"medical contact {key}", getattr(person, key)) for key in MEDICAL_CONTACTS),
    ]
    values += [
        ("medical device", label) for label in _labels(MedicalDevice, person.medical_devices)
    ]
    values += [("reason", label) for label in _labels(Reason, person.reasons)]
    values += [
        ("communication", label)
        for label in _labels(CommunicationNeed, [c for c in person.communication if ":" not in c])
    ]
    return [(what, value) for what, value in values if value]


def personal_values(person: Person, town: Town) -> list[tuple[str, str]]:
    values = [
        ("name", person.name),
        ("kana", person.kana),
        ("phone", person.phone),
        ("address", person.address),
    ]
    for contact in person.emergency_contacts.all():
        values += [("emergency contact", contact.name), ("emergency contact phone", contact.phone)]
    values += [("former value", value) for value in town.former.get(person.pk, [])]
    values += [("text about", value) for value in town.person_texts.get(person.pk, [])]
    return [(what, value) for what, value in values if value]


def supporter_values(supporter: Supporter, town: Town) -> list[tuple[str, str]]:
    values = [
        ("supporter name", supporter.name),
        ("supporter kana", supporter.kana),
        ("supporter phone", supporter.phone),
        ("supporter address", supporter.address),
        ("supporter notes", supporter.notes),
    ]
    values += [("supporter former value", v) for v in town.supporter_former.get(supporter.pk, [])]
    return [(what, value) for what, value in values if value]


def secrets_for(user: object, town: Town) -> list[Secret]:
    """Everything this user (None: anonymous) must never read, whatever the door."""
    found: list[Secret] = []
    people = Person.objects.prefetch_related("emergency_contacts").order_by("pk")
    if user is None:
        visible: set[int] = set()
        seen_supporters: set[int] = set()
    else:
        visible = set(persons_visible_to(user).values_list("pk", flat=True))
        seen_supporters = set(supporters_visible_to(user).values_list("pk", flat=True))
    for person in people:
        label = person.external_id
        if person.pk not in visible:
            found += [
                Secret(squeeze(v), f"{what} of {label}", "person")
                for what, v in personal_values(person, town)
            ]
        if person.pk not in visible or user is None or not can_see_health(user, person):
            found += [
                Secret(squeeze(v), f"{what} of {label}", "health")
                for what, v in health_values(person)
            ]
    if user is None or role_of(user) != Role.OFFICER:
        for supporter in Supporter.objects.order_by("pk"):
            if supporter.pk not in seen_supporters:
                found += [
                    Secret(squeeze(v), f"{what} of {supporter.external_id}", "supporter")
                    for what, v in supporter_values(supporter, town)
                ]
    return found


def names_needing_a_mark(user: object, town: Town) -> dict[int, str]:
    """People this user sees only because of an open emergency: person id → squeezed name."""
    from registry.access import sees_under_emergency

    if user is None:
        return {}
    return {
        person.pk: squeeze(person.name)
        for person in persons_visible_to(user)
        if sees_under_emergency(user, person) is not None
    }
