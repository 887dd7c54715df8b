"""persons.csv's medical contacts (doctor, home-visit nursing, device supplier): read by key or
Japanese label, kept when a file lacks the columns, cleared by an empty cell, exported and
imported again without change, and withheld wherever health details are."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from registry.exports import export
from registry.importers.persons import MEDICAL_CONTACTS
from registry.management.commands.create_user import user_create_with_role
from registry.models import Person
from tests.factories import make_neighbourhood, square
from tests.importing import PERSON_HEADER, csv_text, fingerprint, person_row, run_import, write

pytestmark = pytest.mark.django_db

CONTACTS = {
    "doctor": "本町内科クリニック",
    "doctor_phone": "0463-21-0001",
    "nurse": "ひまわり訪問看護ステーション",
    "nurse_phone": "090-2100-0002",
    "device_supplier": "支えあい酸素サービス",
    "device_supplier_phone": "080-2100-0003",
}
LABELS = {
    "doctor": "かかりつけ医",
    "doctor_phone": "かかりつけ医電話番号",
    "nurse": "訪問看護",
    "nurse_phone": "訪問看護電話番号",
    "device_supplier": "機器業者",
    "device_supplier_phone": "機器業者電話番号",
}
HEADER = [*PERSON_HEADER, *MEDICAL_CONTACTS]


@pytest.fixture
def area():
    return make_neighbourhood(code="N01", name="本町", geom=square(-500, -500, 500, 500))


def contacts_of(external_id: str = "P-1") -> dict[str, str]:
    person = Person.objects.get(external_id=external_id)
    return {key: getattr(person, key) for key in MEDICAL_CONTACTS}


def import_rows(tmp_path, rows, header=HEADER, name="persons.csv"):
    return run_import("persons", write(tmp_path / name, csv_text(header, rows)))


def test_it_reads_the_medical_contacts_by_key(tmp_path, area):
    result = import_rows(tmp_path, [person_row(medical_devices="oxygen", **CONTACTS)])

    assert result.code == 0, result.err
    assert contacts_of() == CONTACTS


def test_it_reads_the_medical_contacts_by_their_japanese_labels(tmp_path, area):
    header = [*PERSON_HEADER, *(LABELS[key] for key in MEDICAL_CONTACTS)]
    wide = {**CONTACTS, "doctor_phone": "０４６３－２１－０００１"}
    row = [*person_row().values(), *(wide[key] for key in MEDICAL_CONTACTS)]

    result = import_rows(tmp_path, [row], header=header)

    assert result.code == 0, result.err
    assert contacts_of() == CONTACTS  # full-width digits read as the phone


def test_a_file_without_the_columns_keeps_what_is_recorded(tmp_path, area):
    import_rows(tmp_path, [person_row(**CONTACTS), person_row(id="P-2")])

    again = import_rows(
        tmp_path, [person_row(), person_row(id="P-2", mobility="wheelchair")],
        header=PERSON_HEADER, name="older.csv",
    )  # fmt: skip

    assert "0 created, 1 updated, 1 unchanged" in again.out, again.err
    assert contacts_of("P-1") == CONTACTS
    assert Person.objects.get(external_id="P-2").mobility == "wheelchair"


def test_a_file_without_the_columns_creates_people_with_none(tmp_path, area):
    result = import_rows(tmp_path, [person_row()], header=PERSON_HEADER)

    assert result.code == 0, result.err
    assert contacts_of() == dict.fromkeys(MEDICAL_CONTACTS, "")


def test_an_empty_cell_clears_the_contact_as_for_other_optional_columns(tmp_path, area):
    import_rows(tmp_path, [person_row(notes="階段に手すりなし", **CONTACTS)])

    cleared = {**CONTACTS, "nurse": "", "nurse_phone": ""}
    again = import_rows(tmp_path, [person_row(notes="", **cleared)], name="again.csv")

    assert "0 created, 1 updated, 0 unchanged" in again.out, again.err
    assert contacts_of() == cleared
    assert Person.objects.get().notes == ""


def test_it_refuses_a_contact_phone_that_is_not_a_phone_number(tmp_path, area):
    result = import_rows(
        tmp_path, [person_row(**{**CONTACTS, "device_supplier_phone": "夜間のみ"})]
    )

    assert result.code == 1
    assert "2: device_supplier_phone: '夜間のみ' is not a phone number" in result.err
    assert not Person.objects.exists()


def test_it_exports_the_contacts_and_imports_them_again_without_change(tmp_path, area):
    import_rows(tmp_path, [person_row(medical_devices="ventilator", **CONTACTS),
                           person_row(id="P-2")])  # fmt: skip
    before = fingerprint()
    del before["registry_importrecord"]

    exported = export("persons", "csv")
    header = next(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert header[-len(MEDICAL_CONTACTS) :] == list(MEDICAL_CONTACTS)
    for file_format in ("csv", "xlsx"):
        path = tmp_path / f"export.{file_format}"
        path.write_bytes(export("persons", file_format))
        result = run_import("persons", path)
        assert "0 created, 0 updated, 2 unchanged" in result.out, result.err
    after = fingerprint()
    del after["registry_importrecord"]
    assert after == before


def test_an_export_for_a_user_who_may_not_see_health_leaves_the_contacts_empty(tmp_path, area):
    import_rows(tmp_path, [person_row(neighbourhood="N01", **CONTACTS)])
    for role in ("association", "commissioner"):
        user_create_with_role(username=role, role=role, neighbourhoods=["N01"],
                              password="a-long-password-for-tests")  # fmt: skip
    users = get_user_model().objects

    def exported_for(role: str) -> dict[str, str]:
        text = export("persons", "csv", users.get(username=role)).decode("utf-8-sig")
        return next(csv.DictReader(io.StringIO(text)))

    commissioner = exported_for("commissioner")
    association = exported_for("association")

    assert commissioner["name"] == "山田 花子"
    assert {key: commissioner[key] for key in MEDICAL_CONTACTS} == dict.fromkeys(
        MEDICAL_CONTACTS, ""
    )
    assert {key: association[key] for key in MEDICAL_CONTACTS} == CONTACTS
