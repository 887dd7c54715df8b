"""Write a demo town into the registry in one transaction, with COPY for the large tables
(row-by-row inserts would take minutes at city scale)."""

from django.db import transaction
from django.utils import timezone

from registry.bulk import copy_rows
from registry.demo.town import Progress, Town
from registry.models import EmergencyContact, HazardArea, Neighbourhood, Person, Shelter, Supporter
from registry.services import registry_assign_neighbourhoods

PERSON_COLUMNS = (
    "external_id", "name", "kana", "birth_date", "sex", "address", "phone", "location",
    "reasons", "mobility", "lives_alone", "medical_devices", "power_backup", "medication",
    "mobility_aids", "care_while_moving", "communication", "place_in_home", "status",
    "status_date", "review_date", "consent", "consent_date", "consent_basis", "notes",
    "created_at", "updated_at", "doctor", "doctor_phone", "nurse", "nurse_phone",
    "device_supplier", "device_supplier_phone",
)  # fmt: skip
SUPPORTER_COLUMNS = (
    "external_id", "name", "kana", "address", "phone", "location", "role", "capacity",
    "available", "can_push_wheelchair", "can_carry", "has_car", "birth_year", "active",
    "notes", "created_at", "updated_at",
)  # fmt: skip
SHELTER_COLUMNS = (
    "external_id", "name", "address", "location", "kind", "capacity", "hazards",
    "barrier_free", "accepts", "notes",
)  # fmt: skip
CONTACT_COLUMNS = ("person_id", "position", "name", "relation", "phone")


@transaction.atomic
def demo_town_load(town: Town, progress: Progress | None = None) -> None:
    say = progress or (lambda message: None)
    plane, now = town.plane, timezone.now()
    Neighbourhood.objects.bulk_create(
        Neighbourhood(
            code=area.code,
            name=area.name,
            association=area.association,
            association_phone=area.association_phone,
            commissioner=area.commissioner,
            commissioner_phone=area.commissioner_phone,
            geom=plane.multipolygon(area.shape),
        )
        for area in town.ground.neighbourhoods
    )
    HazardArea.objects.bulk_create(
        HazardArea(
            kind=zone.kind,
            level=zone.level,
            name=zone.name,
            source="demo town",
            geom=plane.multipolygon(zone.shape),
        )
        for zone in town.ground.zones
        if not zone.shape.empty
    )
    copy_rows(
        Shelter._meta.db_table,
        SHELTER_COLUMNS,
        (
            (s.external_id, s.name, s.address, plane.ewkt_point(s.x, s.y), s.kind, s.capacity,
             s.hazards, s.barrier_free, s.accepts, "")
            for s in town.shelters
        ),
    )  # fmt: skip
    copy_rows(
        Person._meta.db_table,
        PERSON_COLUMNS,
        (
            (p.external_id, p.name, p.kana, p.birth_date, p.sex, p.address, p.phone,
             plane.ewkt_point(p.x, p.y), p.reasons, p.mobility, p.lives_alone,
             p.medical_devices, p.power_backup, p.medication, p.mobility_aids,
             p.care_while_moving, p.communication, p.place_in_home, p.status, p.status_date,
             p.review_date, p.consent, p.consent_date, p.consent_basis, "", now, now,
             p.doctor, p.doctor_phone, p.nurse, p.nurse_phone, p.device_supplier,
             p.device_supplier_phone)
            for p in town.persons
        ),
    )  # fmt: skip
    say(f"people written: {len(town.persons):,}")
    ids = dict(Person.objects.values_list("external_id", "pk"))
    copy_rows(
        EmergencyContact._meta.db_table,
        CONTACT_COLUMNS,
        (
            (ids[p.external_id], c.position, c.name, c.relation, c.phone)
            for p in town.persons
            for c in p.contacts
        ),
    )
    copy_rows(
        Supporter._meta.db_table,
        SUPPORTER_COLUMNS,
        (
            (s.external_id, s.name, s.kana, s.address, s.phone, plane.ewkt_point(s.x, s.y),
             s.role, s.capacity, s.available, s.can_push_wheelchair, s.can_carry, s.has_car,
             s.birth_year, True, "", now, now)
            for s in town.supporters
        ),
    )  # fmt: skip
    say(f"supporters written: {len(town.supporters):,}")
    registry_assign_neighbourhoods()
    say("homes placed in their neighbourhoods")
