"""The demo town: plausible, reproducible, and loaded whole."""

import random
from io import StringIO
from typing import Any

import pytest
from django.contrib.gis.geos import GEOSGeometry, Point
from django.core.management import CommandError, call_command

from registry.demo.layout import lay_ground
from registry.demo.town import build_town
from registry.models import EmergencyContact, HazardArea, Neighbourhood, Person, Shelter, Supporter

SMALL = {"people": 120, "supporters": 60, "shelters": 8}


def snapshot() -> dict[str, list[Any]]:
    """Everything the town holds, without database ids and timestamps."""

    def rows(model: Any, exclude: tuple[str, ...] = ()) -> list[Any]:
        skip = {"id", "created_at", "updated_at", *exclude}
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        return [
            tuple(getattr(value, "wkt", value) for value in row)
            for row in model.objects.order_by("pk").values_list(*names)
        ]

    contacts = list(
        EmergencyContact.objects.order_by("person__external_id", "position").values_list(
            "person__external_id", "position", "name", "relation", "phone"
        )
    )
    return {
        "neighbourhoods": rows(Neighbourhood),
        "hazards": rows(HazardArea),
        "people": rows(Person, exclude=("neighbourhood_id",)),
        "people_places": list(
            Person.objects.order_by("pk").values_list("external_id", "neighbourhood__code")
        ),
        "contacts": contacts,
        "supporters": rows(Supporter, exclude=("neighbourhood_id",)),
        "shelters": rows(Shelter),
    }


def build(seed: int) -> dict[str, list[Any]]:
    call_command("make_demo_town", "--replace", seed=seed, stdout=StringIO(), **SMALL)
    return snapshot()


@pytest.mark.django_db
def test_it_builds_the_same_town_for_the_same_seed():
    first = build(seed=7)
    second = build(seed=7)
    other = build(seed=8)

    assert first == second
    assert first["people"] != other["people"]
    assert len(first["people"]) == 120 and len(first["supporters"]) == 60


@pytest.mark.django_db
def test_it_builds_a_town_with_all_that_planning_needs():
    call_command("make_demo_town", seed=3, stdout=StringIO(), people=600, supporters=300)

    assert Neighbourhood.objects.count() >= 6
    assert not Person.objects.filter(neighbourhood__isnull=True).exists()
    assert set(HazardArea.objects.values_list("kind", flat=True)) == {"flood", "landslide"}
    assert set(HazardArea.objects.filter(kind="landslide").values_list("level", flat=True)) == {
        1,
        2,
    }
    assert set(Shelter.objects.values_list("kind", flat=True)) == {
        "emergency_site",
        "shelter",
        "welfare_shelter",
    }
    assert 0 < Person.objects.in_hazard_area("flood").count() < 600
    assert Shelter.objects.safe_for("flood").exists()
    assert Person.objects.exclude(medical_devices=[]).exists()
    assert Person.objects.filter(mobility="bedridden").exists()
    assert set(Person.objects.values_list("consent", flat=True)) == {
        "consented",
        "ordinance",
        "no_reply",
        "refused",
    }
    assert Supporter.objects.available_in("weekday_day").count() < Supporter.objects.count()
    assert EmergencyContact.objects.exists()


def test_it_tiles_the_town_with_neighbourhoods():
    town = build_town(seed=5, people=300, supporters=0, shelters=0)
    areas = [area.shape for area in town.ground.neighbourhoods]
    union: GEOSGeometry = areas[0]
    for shape in areas[1:]:
        union = union.union(shape)

    assert all(shape.valid for shape in areas)
    assert sum(shape.area for shape in areas) == pytest.approx(town.ground.side**2)
    assert union.area == pytest.approx(town.ground.side**2)
    for person in town.persons:
        assert town.ground.area_at(person.x, person.y).shape.covers(Point(person.x, person.y))


def test_it_sizes_the_town_for_its_people():
    small = lay_ground(random.Random(1), 600)
    city = lay_ground(random.Random(1), 100_000)
    assert small.side < 3_000 < 15_000 < city.side
    assert len(city.neighbourhoods) > 100


@pytest.mark.django_db
def test_it_refuses_to_build_over_existing_data():
    call_command("make_demo_town", stdout=StringIO(), **SMALL)
    with pytest.raises(CommandError, match="already holds data"):
        call_command("make_demo_town", stdout=StringIO(), **SMALL)

    out = StringIO()
    call_command("make_demo_town", "--if-empty", stdout=out, seed=99, people=5)
    assert "left as it is" in out.getvalue()
    assert Person.objects.count() == 120


@pytest.mark.django_db
def test_it_gives_device_users_medical_contacts_and_areas_their_commissioners():
    call_command("make_demo_town", seed=3, stdout=StringIO(), people=600, supporters=300)

    on_devices = Person.objects.exclude(medical_devices=[])
    assert on_devices.exclude(doctor="").exists() and on_devices.exclude(nurse="").exists()
    assert on_devices.exclude(device_supplier="").exists()
    assert not Person.objects.filter(medical_devices=[]).exclude(doctor="").exists()
    phones = on_devices.exclude(doctor_phone="").values_list("doctor_phone", flat=True)
    assert all(phone.startswith("0463-") for phone in phones)
    areas = Neighbourhood.objects.all()
    assert not areas.filter(commissioner="").exists()
    assert not areas.filter(association_phone="").exists()
    assert len(set(areas.values_list("commissioner_phone", flat=True))) == areas.count()
