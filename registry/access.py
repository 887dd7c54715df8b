"""The one scoping mechanism: what each user may see of the people, supporters and plans.

Every page, export, printout and API reads personal data through `persons_visible_to` and
`supporters_visible_to` (which narrow any queryset handed to them), and asks
`can_see_health` (or, for many people at once, `health_visible_ids`) before showing medical and
disability details. Paper is a copy for someone (`Copy`): the copy narrows rows and fields to
what its reader may see, whoever prints it (`persons_for_copy`, `health_visible_ids`).

Roles are Django groups:
- `officer` (a city disaster officer; superusers count as officers): the whole city;
- `association` (a neighbourhood association): its neighbourhoods, and there only the people
  who consented or are shared by ordinance;
- `commissioner` (民生委員): the same, for the areas assigned;
- `auditor`: the audit log only, no personal data.
While an emergency disclosure is active for an area, associations and commissioners who look
after it also see the people there who have not consented (law art. 49-11 ③), but not their
health details.
A command run without a user acts for the city office, which sees everything, as an officer.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, overload

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from registry.models import EmergencyDisclosure, Neighbourhood, Person, Supporter
from registry.models.people import SHAREABLE_CONSENT

# A user as requests carry it (signed in or not); typed loosely because the stubs do not know
# that Django's user has groups and scopes.
AnyUser = Any


class Role(StrEnum):
    OFFICER = "officer"
    ASSOCIATION = "association"
    COMMISSIONER = "commissioner"
    AUDITOR = "auditor"
    NONE = "none"


ROLE_ORDER = (Role.OFFICER, Role.ASSOCIATION, Role.COMMISSIONER, Role.AUDITOR)


def role_of(user: AnyUser) -> Role:
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return Role.NONE
    if getattr(user, "is_superuser", False):
        return Role.OFFICER
    groups = set(user.groups.values_list("name", flat=True))
    return next((role for role in ROLE_ORDER if role in groups), Role.NONE)


def areas_of(user: AnyUser) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(pk__in=user.access_scopes.values("neighbourhood"))


def open_emergencies(user: AnyUser) -> QuerySet[EmergencyDisclosure]:
    """Active emergencies covering any of the user's areas."""
    return EmergencyDisclosure.objects.active().filter(neighbourhoods__in=areas_of(user)).distinct()


@overload
def persons_visible_to(user: AnyUser) -> QuerySet[Person]: ...
@overload
def persons_visible_to[Q_P: QuerySet[Person]](user: AnyUser, within: Q_P) -> Q_P: ...
def persons_visible_to(user: AnyUser, within: Any = None) -> Any:
    """The people this user may see, narrowed from `within` (all people when not given) so
    that the admin and named querysets keep their own methods."""
    people: Any = Person.objects.all() if within is None else within
    role = role_of(user)
    if role == Role.OFFICER:
        return people
    if role in (Role.ASSOCIATION, Role.COMMISSIONER):
        in_areas = Q(neighbourhood__in=areas_of(user))
        disclosed = Q(neighbourhood__in=open_emergencies(user).values("neighbourhoods"))
        return people.filter(in_areas & (Q(consent__in=SHAREABLE_CONSENT) | disclosed))
    return people.none()


def neighbourhoods_visible_to(user: AnyUser) -> QuerySet[Neighbourhood]:
    """The neighbourhoods whose pages a user may open."""
    role = role_of(user)
    if role == Role.OFFICER:
        return Neighbourhood.objects.all()
    if role in (Role.ASSOCIATION, Role.COMMISSIONER):
        return areas_of(user)
    return Neighbourhood.objects.none()


@overload
def supporters_visible_to(user: AnyUser) -> QuerySet[Supporter]: ...
@overload
def supporters_visible_to[Q_S: QuerySet[Supporter]](user: AnyUser, within: Q_S) -> Q_S: ...
def supporters_visible_to(user: AnyUser, within: Any = None) -> Any:
    supporters: Any = Supporter.objects.all() if within is None else within
    role = role_of(user)
    if role == Role.OFFICER:
        return supporters
    if role in (Role.ASSOCIATION, Role.COMMISSIONER):
        return supporters.filter(neighbourhood__in=areas_of(user))
    return supporters.none()


def sees_under_emergency(user: AnyUser, person: Person) -> EmergencyDisclosure | None:
    """The emergency that lets this user see this person, when only an emergency does."""
    if role_of(user) == Role.OFFICER or person.consent in SHAREABLE_CONSENT:
        return None
    return open_emergencies(user).filter(neighbourhoods=person.neighbourhood_id).first()


def can_see_health(user: AnyUser | None, person: Person) -> bool:
    """Medical and disability details: officers (and the city office), and the association for
    people in its areas who consented; everyone else sees name, address, needs for moving and
    contacts. One person's case of `health_visible_ids`, which holds the rule."""
    return person.pk in health_visible_ids(user, [person])


def _role_or_office(user: AnyUser | None) -> Role:
    """The role a reader acts in; no user is the city office, which acts as an officer."""
    return Role.OFFICER if user is None else role_of(user)


class Copy(StrEnum):
    """Whom a printed copy is for: its footer names them, and its rows and fields are what
    they may see."""

    OFFICER = "officer"
    ASSOCIATION = "association"
    COMMISSIONER = "commissioner"
    FAMILY = "family"  # one person's own plan, for the person and family


_OWN_COPY = {Role.ASSOCIATION: Copy.ASSOCIATION, Role.COMMISSIONER: Copy.COMMISSIONER}


def copy_for_reader(user: AnyUser | None, requested: str | None = None) -> Copy:
    """The copy a user gets. Officers and the city office get the copy they ask for (their own
    when they ask for none); an association or a commissioner always gets its own copy, never
    the officer's, whatever it asks for."""
    role = _role_or_office(user)
    if role == Role.OFFICER:
        return Copy(requested) if requested else Copy.OFFICER
    if role in _OWN_COPY:
        return _OWN_COPY[role]
    raise PermissionDenied("this role has no copy of personal data")


def copy_rows(people: QuerySet[Person], copy: Copy | str) -> QuerySet[Person]:
    """Narrow people to those a copy's reader may see, whoever prints it: an association's or a
    commissioner's copy holds the people who consented, and the others only where an active
    emergency disclosure covers their area."""
    if copy in (Copy.ASSOCIATION, Copy.COMMISSIONER):
        disclosed = EmergencyDisclosure.objects.active().values("neighbourhoods")
        return people.filter(Q(consent__in=SHAREABLE_CONSENT) | Q(neighbourhood__in=disclosed))
    return people


def persons_for_copy(user: AnyUser | None, copy: Copy | str) -> QuerySet[Person]:
    """The people a copy printed by this user (None: the city office) may hold."""
    scope = Person.objects.all() if user is None else persons_visible_to(user)
    return copy_rows(scope, copy)


def health_visible_ids(
    user: AnyUser | None, people: Iterable[Person], copy: Copy | str | None = None
) -> set[int]:
    """The ids of those people whose health details this user may see, and, when a copy is
    given, its reader too: `can_see_health` for a whole bundle in at most one query."""
    people = list(people)
    role = _role_or_office(user)
    if role == Role.OFFICER:
        allowed = {person.pk for person in people}
    elif role == Role.ASSOCIATION:
        areas = set(areas_of(user).values_list("pk", flat=True))
        allowed = {
            person.pk
            for person in people
            if person.consent in SHAREABLE_CONSENT and person.neighbourhood_id in areas
        }
    else:
        allowed = set()
    if copy == Copy.COMMISSIONER:
        return set()
    if copy == Copy.ASSOCIATION:
        # The association of the person's own area reads the copy: consent decides.
        return {person.pk for person in people if person.consent in SHAREABLE_CONSENT} & allowed
    return allowed


def emergency_for_ids(
    user: AnyUser | None, person_ids: Iterable[int]
) -> EmergencyDisclosure | None:
    """The active emergency under which this user sees any of these people who did not consent
    (an emergency of one of the user's areas that covers the person's area); None when no
    emergency is needed to see them, or for officers and the city office."""
    if user is None or role_of(user) not in (Role.ASSOCIATION, Role.COMMISSIONER):
        return None
    ids = list(person_ids)
    if not ids:
        return None
    sealed = (
        Person.objects.filter(pk__in=ids)
        .exclude(consent__in=SHAREABLE_CONSENT)
        .values("neighbourhood")
    )
    return (
        EmergencyDisclosure.objects.active()
        .filter(neighbourhoods__in=areas_of(user).filter(pk__in=sealed))
        .order_by("-confirmed_at", "-pk")
        .first()
    )


# The medical contacts reveal devices and treatment as surely as the device list does: they
# are withheld with it, and shown beside the medication where health is visible.
HEALTH_FIELDS = (
    "reasons",
    "medical_devices",
    "power_backup",
    "medication",
    "doctor",
    "doctor_phone",
    "nurse",
    "nurse_phone",
    "device_supplier",
    "device_supplier_phone",
    "communication",
    "notes",
)
