"""`import neighbourhoods`: the association's phone and the area's 民生委員 from optional
properties, kept when a file lacks them, cleared by an empty value."""

import pytest

from registry.models import Neighbourhood
from tests.importing import run_import
from tests.registry.importers.test_import_areas import feature, geojson, ring

pytestmark = pytest.mark.django_db

CONTACTS = {
    "association": "本町町内会",
    "association_phone": "090-3100-0001",
    "commissioner": "石川 和子",
    "commissioner_phone": "080-3100-0002",
}


def area_file(tmp_path, properties, name="areas.geojson"):
    return geojson(tmp_path, [feature({"code": "N01", "name": "本町", **properties},
                                      ring(0, 0, 100, 100))], name)  # fmt: skip


def contacts() -> dict[str, str]:
    area = Neighbourhood.objects.get(code="N01")
    return {key: getattr(area, key) for key in CONTACTS}


def test_it_reads_the_association_phone_and_the_commissioner(tmp_path):
    result = run_import("neighbourhoods", area_file(tmp_path, CONTACTS))

    assert result.code == 0, result.err
    assert contacts() == CONTACTS


def test_a_file_without_the_properties_keeps_them(tmp_path):
    run_import("neighbourhoods", area_file(tmp_path, CONTACTS))

    again = run_import("neighbourhoods", area_file(tmp_path, {}, "plain.geojson"))
    renamed = run_import(
        "neighbourhoods", area_file(tmp_path, {"commissioner": "森 清"}, "c.geojson")
    )

    assert "0 created, 0 updated, 1 unchanged" in again.out, again.err
    assert "0 created, 1 updated, 0 unchanged" in renamed.out, renamed.err
    assert contacts() == {**CONTACTS, "commissioner": "森 清"}


def test_an_empty_property_clears_it(tmp_path):
    run_import("neighbourhoods", area_file(tmp_path, CONTACTS))

    run_import(
        "neighbourhoods", area_file(tmp_path, {**CONTACTS, "commissioner_phone": ""}, "b.geojson")
    )

    assert contacts() == {**CONTACTS, "commissioner_phone": ""}


def test_it_refuses_a_phone_that_is_not_a_phone_number(tmp_path):
    result = run_import(
        "neighbourhoods", area_file(tmp_path, {**CONTACTS, "association_phone": "会長宅"})
    )

    assert result.code == 1
    assert "1: association_phone: '会長宅' is not a phone number" in result.err
    assert not Neighbourhood.objects.exists()
