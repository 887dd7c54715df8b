"""The named spatial reads later work stands on, on hand-placed geometry."""

import pytest

from registry.models import Person, Shelter, Supporter
from registry.services import registry_assign_neighbourhoods
from tests.factories import (
    at,
    make_hazard_area,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

pytestmark = pytest.mark.django_db


def test_it_finds_a_home_just_inside_a_hazard_polygon_and_not_one_just_outside():
    make_hazard_area(kind="flood", geom=square(0, 0, 100, 100))
    inside = make_person(location=at(50, 0.5))
    outside = make_person(location=at(50, -0.5))
    beyond_corner = make_person(location=at(100.5, 100.5))

    found = set(Person.objects.in_hazard_area("flood"))

    assert found == {inside}
    assert outside not in found and beyond_corner not in found


def test_it_only_counts_areas_of_the_hazard_asked_for():
    make_hazard_area(kind="landslide", level=2, geom=square(0, 0, 100, 100))
    make_person(location=at(50, 50))

    assert not Person.objects.in_hazard_area("flood").exists()
    assert Person.objects.in_hazard_area("landslide").count() == 1


def test_it_excludes_a_shelter_inside_its_own_hazard_area():
    make_hazard_area(kind="flood", geom=square(0, 0, 100, 100))
    drowned = make_shelter(location=at(50, 50), hazards=["flood", "earthquake"])
    dry = make_shelter(location=at(300, 50), hazards=["flood", "earthquake"])
    not_designated = make_shelter(location=at(600, 50), hazards=["earthquake"])

    assert set(Shelter.objects.designated_for("flood")) == {drowned, dry}
    assert set(Shelter.objects.safe_for("flood")) == {dry}
    # The flood area does not make the site unsafe for an earthquake.
    assert set(Shelter.objects.safe_for("earthquake")) == {drowned, dry, not_designated}


def test_it_finds_supporters_available_in_a_slot():
    night = make_supporter(available=["weekday_night", "weekend_night"])
    always = make_supporter(
        available=["weekday_day", "weekday_night", "weekend_day", "weekend_night"]
    )
    make_supporter(available=["weekday_night"], active=False)

    assert set(Supporter.objects.available_in("weekday_night")) == {night, always}
    assert set(Supporter.objects.available_in("weekday_day")) == {always}


def test_it_flags_supporters_living_in_a_hazard_area_and_elderly_ones():
    make_hazard_area(kind="flood", geom=square(0, 0, 100, 100))
    at_risk = make_supporter(location=at(10, 10), birth_year=1945)
    make_supporter(location=at(500, 500), birth_year=1980)

    assert list(Supporter.objects.in_hazard_area("flood")) == [at_risk]
    assert list(Supporter.objects.born_before(1951)) == [at_risk]


def test_it_orders_people_by_priority():
    make_hazard_area(kind="landslide", level=2, geom=square(0, 0, 100, 100))
    make_hazard_area(kind="landslide", level=1, geom=square(-50, -50, 150, 150))
    make_hazard_area(kind="flood", level=2, geom=square(1000, 0, 1100, 100))
    make_hazard_area(kind="flood", level=4, geom=square(2000, 0, 2100, 100))
    plain = make_person(external_id="plain", location=at(5000, 5000))
    alone = make_person(external_id="alone", location=at(5000, 5000), lives_alone=True)
    care_5 = make_person(external_id="care5", location=at(5000, 5000), reasons=["care_level_5"])
    shallow = make_person(external_id="shallow", location=at(1050, 50))
    yellow = make_person(external_id="yellow", location=at(-25, -25))
    red = make_person(external_id="red", location=at(50, 50))
    deep = make_person(external_id="deep", location=at(2050, 50))
    oxygen = make_person(external_id="oxygen", location=at(5000, 5000), medical_devices=["oxygen"])

    ranked = list(Person.objects.by_priority())

    assert ranked[0] == oxygen
    assert set(ranked[1:3]) == {red, deep}
    assert set(ranked[3:5]) == {yellow, shallow}
    assert ranked[5:] == [care_5, alone, plain]
    annotated = Person.objects.with_priority().values_list(
        "external_id",
        "hazard_severity",  # type: ignore[misc]
    )
    severities = dict(annotated)
    assert severities == {
        "plain": 0, "alone": 0, "care5": 0, "shallow": 3, "yellow": 3, "red": 4, "deep": 4,
        "oxygen": 0,
    }  # fmt: skip


def test_it_derives_needs_from_the_record():
    bedridden = make_person(mobility="bedridden", reasons=["physical_disability_1"])
    walker = make_person(mobility="walks_alone", reasons=["care_level_2", "elderly_alone"])

    assert (bedridden.supporters_needed, walker.supporters_needed) == (2, 1)
    assert bedridden.needs_welfare_shelter and not walker.needs_welfare_shelter
    assert walker.care_level == 2


def test_it_places_homes_in_the_neighbourhood_that_holds_them():
    west = make_neighbourhood(code="W", geom=square(-1000, 0, 0, 1000))
    east = make_neighbourhood(code="E", geom=square(0, 0, 1000, 1000))
    in_west = make_person(location=at(-10, 500))
    in_east = make_person(location=at(10, 500))
    nowhere = make_person(location=at(5000, 5000))
    helper = make_supporter(location=at(500, 500))
    kept = make_person(location=at(10, 500), neighbourhood=west)

    assert registry_assign_neighbourhoods() == (2, 1)

    for record in (in_west, in_east, nowhere, helper, kept):
        record.refresh_from_db()
    assert (in_west.neighbourhood, in_east.neighbourhood) == (west, east)
    assert nowhere.neighbourhood is None
    assert helper.neighbourhood == east
    # A neighbourhood given by the city is never overwritten from the point.
    assert kept.neighbourhood == west
