"""Writes to the registry that touch several rows or models, each in one transaction."""

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from registry.models import EmergencyContact, HazardArea, Neighbourhood, Person, Shelter, Supporter
from registry.models.fields import as_geometry


def _neighbourhood_of_location() -> Subquery:
    # Lowest code first, so that a home exactly on a shared border always gets the same one.
    return Subquery(
        Neighbourhood.objects.filter(geom__intersects=as_geometry(OuterRef("location")))
        .order_by("code")
        .values("pk")[:1]
    )


@transaction.atomic
def registry_assign_neighbourhoods() -> tuple[int, int]:
    """Give every person and supporter without a neighbourhood the one their home lies in, in
    one set-based UPDATE each. Returns how many people and supporters were looked at."""
    persons = Person.objects.filter(neighbourhood__isnull=True).update(
        neighbourhood=_neighbourhood_of_location()
    )
    supporters = Supporter.objects.filter(neighbourhood__isnull=True).update(
        neighbourhood=_neighbourhood_of_location()
    )
    return persons, supporters


def registry_is_empty() -> bool:
    return not any(
        model.objects.exists() for model in (Person, Supporter, Shelter, HazardArea, Neighbourhood)
    )


@transaction.atomic
def registry_wipe() -> None:
    """Empty the registry and restart its numbering (the demo town replaces itself with this).
    TRUNCATE takes seconds where deleting 100,000 people row by row takes minutes."""
    tables = [
        model._meta.db_table
        for model in (EmergencyContact, Supporter, Person, Shelter, HazardArea, Neighbourhood)
    ]
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit; TRUNCATE refuses to run while such checks are
        # pending from earlier writes in the same transaction, so run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
