"""The one scoping mechanism: what each user may see of the people, supporters and plans.

Every page, export, printout and API reads personal data through `persons_visible_to` and
`supporters_visible_to` (and `PersonQuerySet.visible_to`, which calls them), and asks
`can_see_health` before showing medical and disability details.

Roles are Django groups:
- `officer` (a city disaster officer; superusers count as officers): the whole city;
- `association` (a neighbourhood association): its neighbourhoods, and there only the people
  who consented or are shared by ordinance;
- `commissioner` (民生委員): the same, for the areas assigned;
- `auditor`: the audit log only, no personal data.
While an emergency disclosure is active for an area, associations and commissioners who look
after it also see the people there who have not consented (law art. 49-11 ③).
"""

from enum import StrEnum
from typing import Any

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


def persons_visible_to(user: AnyUser) -> QuerySet[Person]:
    role = role_of(user)
    if role == Role.OFFICER:
        return Person.objects.all()
    if role in (Role.ASSOCIATION, Role.COMMISSIONER):
        in_areas = Q(neighbourhood__in=areas_of(user))
        disclosed = Q(neighbourhood__in=open_emergencies(user).values("neighbourhoods"))
        return Person.objects.filter(in_areas & (Q(consent__in=SHAREABLE_CONSENT) | disclosed))
    return Person.objects.none()


def neighbourhoods_visible_to(user: AnyUser) -> QuerySet[Neighbourhood]:
    """The neighbourhoods whose pages a user may open."""
    role = role_of(user)
    if role == Role.OFFICER:
        return Neighbourhood.objects.all()
    if role in (Role.ASSOCIATION, Role.COMMISSIONER):
        return areas_of(user)
    return Neighbourhood.objects.none()


def supporters_visible_to(user: AnyUser) -> QuerySet[Supporter]:
    role = role_of(user)
    if role == Role.OFFICER:
        return Supporter.objects.all()
    if role in (Role.ASSOCIATION, Role.COMMISSIONER):
        return Supporter.objects.filter(neighbourhood__in=areas_of(user))
    return Supporter.objects.none()


def sees_under_emergency(user: AnyUser, person: Person) -> EmergencyDisclosure | None:
    """The emergency that lets this user see this person, when only an emergency does."""
    if role_of(user) == Role.OFFICER or person.consent in SHAREABLE_CONSENT:
        return None
    return open_emergencies(user).filter(neighbourhoods=person.neighbourhood_id).first()


def can_see_health(user: AnyUser, person: Person) -> bool:
    """Medical and disability details: officers, and the association for people in its areas
    who consented; everyone else sees name, address, needs for moving and contacts."""
    role = role_of(user)
    if role == Role.OFFICER:
        return True
    return (
        role == Role.ASSOCIATION
        and person.consent in SHAREABLE_CONSENT
        and person.neighbourhood_id is not None
        and areas_of(user).filter(pk=person.neighbourhood_id).exists()
    )


HEALTH_FIELDS = (
    "reasons",
    "medical_devices",
    "power_backup",
    "medication",
    "communication",
    "notes",
)
