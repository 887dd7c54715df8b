"""Writes to the registry that touch several rows or models, each in one transaction."""

from typing import Any

from django.db import connection, transaction

from registry.audit import audit_record
from registry.models import (
    AuditAction,
    EmergencyContact,
    HazardArea,
    Neighbourhood,
    Person,
    Shelter,
    Supporter,
)
from registry.models.choices import Placed


def neighbourhood_of_point_sql(point: str) -> str:
    """SQL for the id of the neighbourhood holding a geography point expression. Lowest code
    first, so that a home exactly on a shared border always gets the same one; the cast lets
    the neighbourhoods' GiST index answer."""
    table = Neighbourhood._meta.db_table
    return (
        f"(SELECT n.id FROM {table} n WHERE ST_Intersects(n.geom, ({point})::geometry) "
        "ORDER BY n.code LIMIT 1)"
    )


@transaction.atomic
def registry_assign_neighbourhoods() -> tuple[int, int]:
    """Give every person and supporter without a neighbourhood the one their home lies in, in
    one set-based UPDATE each. Returns how many people and supporters were placed."""
    counts = []
    with connection.cursor() as cursor:
        for model in (Person, Supporter):
            table = model._meta.db_table
            place = neighbourhood_of_point_sql(f"{table}.location")
            cursor.execute(
                f"UPDATE {table} SET neighbourhood_id = {place} "
                f"WHERE neighbourhood_id IS NULL AND {place} IS NOT NULL"
            )
            counts.append(cursor.rowcount)
    return counts[0], counts[1]


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


@transaction.atomic
def supporter_save(
    *, supporter: Supporter, neighbourhood: Neighbourhood, changed: list[str], user: Any
) -> Supporter:
    """Add or change a supporter of a neighbourhood, and log which fields changed (names only:
    the log is read by auditors, who see no personal values)."""
    created = supporter.pk is None
    supporter.neighbourhood = neighbourhood
    if "location" in changed:
        # The marker was put on the house by hand: a later import without coordinates keeps it
        # there while the address stays the same.
        supporter.placed = Placed.HAND
        changed = [*changed, "placed"]
    supporter.save()
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        model=Supporter,
        object_ids=[supporter.pk],
        user=user,
        detail={"changed": sorted(changed)},
    )
    return supporter


@transaction.atomic
def supporter_retire(*, supporter: Supporter, user: Any) -> None:
    """Retire a supporter: kept on record, never planned again until made active."""
    supporter.active = False
    supporter.save(update_fields=["active", "updated_at"])
    audit_record(
        action=AuditAction.CHANGE,
        model=Supporter,
        object_ids=[supporter.pk],
        user=user,
        detail={"changed": ["active"]},
    )
