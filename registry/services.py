"""Writes to the registry that touch several rows or models, each in one transaction."""

from django.db import connection, transaction

from registry.models import EmergencyContact, HazardArea, Neighbourhood, Person, Shelter, Supporter


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
