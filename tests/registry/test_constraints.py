"""The database states the rules: each constraint rejects bad data with a clear error, both at
the database (whatever writes to it) and in model validation (what forms and importers see)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from registry.models import EmergencyContact, HazardArea, Neighbourhood
from tests.factories import make_person, person, shelter, square, supporter

BOWTIE = MultiPolygon(
    Polygon(((139.32, 35.36), (139.33, 35.37), (139.33, 35.36), (139.32, 35.37), (139.32, 35.36))),
    srid=4326,
)
BANGKOK = Point(100.5, 13.75, srid=4326)


def hazard_area(**fields: Any) -> HazardArea:
    values: dict[str, Any] = {"kind": "flood", "level": 1, "geom": square(0, 0, 50, 50)}
    values.update(fields)
    return HazardArea(**values)


def neighbourhood(**fields: Any) -> Neighbourhood:
    values: dict[str, Any] = {"code": "N-X", "name": "本町", "geom": square(0, 0, 50, 50)}
    values.update(fields)
    return Neighbourhood(**values)


CASES: list[tuple[Callable[..., Any], dict[str, Any], str, str]] = [
    (person, {"external_id": ""}, "person_id_not_empty", ""),
    (person, {"name": ""}, "person_name_not_empty", ""),
    (person, {"sex": "unknown"}, "person_sex_valid", "'unknown' is not a valid choice"),
    (person, {"mobility": "flies"}, "person_mobility_valid", "'flies' is not a valid choice"),
    (person, {"status": "lost"}, "person_status_valid", "'lost' is not a valid choice"),
    (person, {"consent": "maybe"}, "person_consent_valid", "'maybe' is not a valid choice"),
    (person, {"reasons": []}, "person_reasons_valid", "cannot be blank"),
    (
        person,
        {"reasons": ["care_level_9"]},
        "person_reasons_valid",
        "'care_level_9' is not a valid",
    ),
    (
        person,
        {"medical_devices": ["pacemaker"]},
        "person_medical_devices_valid",
        "'pacemaker' is not a valid",
    ),
    (person, {"communication": ["telepathy"]}, "person_communication_valid", "language:xx"),
    (person, {"communication": ["language:english"]}, "person_communication_valid", "language:xx"),
    (person, {"kana": "Yamada"}, "person_kana_is_kana", "hiragana, katakana"),
    (person, {"phone": "call me"}, "person_phone_digits", "digits"),
    (person, {"birth_date": dt.date(1850, 1, 1)}, "person_birth_date_plausible", "before 1890"),
    (person, {"location": BANGKOK}, "person_home_in_japan", "outside Japan"),
    (supporter, {"capacity": -1}, "supporter_capacity_not_negative", "cannot be negative"),
    (supporter, {"available": []}, "supporter_available_valid", "cannot be blank"),
    (
        supporter,
        {"available": ["morning"]},
        "supporter_available_valid",
        "'morning' is not a valid",
    ),
    (supporter, {"role": "hero"}, "supporter_role_valid", "'hero' is not a valid choice"),
    (supporter, {"birth_year": 1850}, "supporter_birth_year_plausible", "not plausible"),
    (supporter, {"phone": "090-abcd"}, "supporter_phone_digits", "digits"),
    (supporter, {"location": BANGKOK}, "supporter_home_in_japan", "outside Japan"),
    (shelter, {"capacity": -5}, "shelter_capacity_not_negative", "cannot be negative"),
    (shelter, {"kind": "hotel"}, "shelter_kind_valid", "'hotel' is not a valid choice"),
    (shelter, {"hazards": ["meteor"]}, "shelter_hazards_valid", "'meteor' is not a valid"),
    (shelter, {"location": BANGKOK}, "shelter_in_japan", "outside Japan"),
    (hazard_area, {"level": 7}, "hazardarea_level_1_to_6", "rank from 1 to 6"),
    (hazard_area, {"level": 0}, "hazardarea_level_1_to_6", "rank from 1 to 6"),
    (hazard_area, {"kind": "meteor"}, "hazardarea_kind_valid", "'meteor' is not a valid choice"),
    (hazard_area, {"geom": BOWTIE}, "hazardarea_geom_valid", "not a valid polygon"),
    (neighbourhood, {"geom": BOWTIE}, "neighbourhood_geom_valid", "not a valid polygon"),
    (neighbourhood, {"code": ""}, "neighbourhood_code_not_empty", ""),
]


def _case_id(case: tuple[Callable[..., Any], dict[str, Any], str, str]) -> str:
    return case[2] + "-" + "-".join(str(value)[:12] for value in case[1].values())


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_it_rejects_bad_data_in_the_database(case):
    build, fields, constraint, _ = case
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        build(**fields).save()
    assert type(build()).objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_it_explains_the_rule_in_validation(case):
    build, fields, _, message = case
    instance = build(**fields)
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            instance.full_clean()
        errors = excinfo.value.messages
    assert any(message in error for error in errors), errors


@pytest.mark.django_db
def test_it_accepts_a_complete_valid_person():
    saved = make_person(
        kana="やまだ　はなこ",
        medical_devices=["oxygen", "suction"],
        communication=["hearing", "language:vi"],
        reasons=["care_level_4", "elderly_alone"],
    )
    saved.full_clean()
    assert saved.care_level == 4
    assert saved.needs_welfare_shelter


@pytest.mark.django_db
def test_it_rejects_a_duplicate_city_id():
    make_person(external_id="P-1")
    with pytest.raises(IntegrityError, match="external_id"), transaction.atomic():
        make_person(external_id="P-1")
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        person(external_id="P-1").full_clean()
    with translation.override("en"):
        assert "with this ID already exists" in str(excinfo.value.messages)


@pytest.mark.django_db
def test_it_keeps_emergency_contacts_in_one_order():
    owner = make_person()
    EmergencyContact.objects.create(person=owner, position=1, name="山田 一郎", phone="090-1")
    with (
        pytest.raises(IntegrityError, match="emergencycontact_one_per_position"),
        transaction.atomic(),
    ):
        EmergencyContact.objects.create(person=owner, position=1, name="山田 二郎", phone="1")
    with pytest.raises(IntegrityError, match="emergencycontact_phone_digits"), transaction.atomic():
        EmergencyContact.objects.create(person=owner, position=2, name="山田 二郎", phone="x")


@pytest.mark.django_db
def test_it_accepts_unknown_shelter_capacity_as_no_limit():
    saved = shelter(capacity=None)
    saved.full_clean()
    saved.save()
    assert saved.capacity is None
