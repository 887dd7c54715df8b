"""persons.csv and supporters.csv without coordinates: homes placed from their addresses by the
address reference (MLIT's 位置参照情報), each saying how (`placed`); given coordinates win, a
home placed by hand stays while its address stays, and an address that matches nothing or
several places is a row problem naming the closest published addresses."""

import csv
import io
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from registry.importers.addresses import BLOCK_HEADER, TOWN_HEADER
from registry.models import Person, Supporter
from tests.importing import PERSON_HEADER, csv_text, fingerprint, person_row, run_import, write
from tests.registry.test_import_addresses import block_row, mlit_bytes, town_row

pytestmark = pytest.mark.django_db
NO_COORDINATES = [key for key in PERSON_HEADER if key not in ("lat", "lon")]
HONCHO_3_12 = (35.3701, 139.3302)


@pytest.fixture
def reference(tmp_path: Path) -> None:
    blocks = [
        block_row(town="本町三丁目", block="12", lat=str(HONCHO_3_12[0]), lon=str(HONCHO_3_12[1])),
        block_row(town="本町三丁目", block="13", lat="35.3702", lon="139.3304"),
        block_row(town="霞ケ丘一丁目", block="5", lat="35.3801", lon="139.3401"),
        block_row(city="隣市", town="緑町二丁目", block="3", lat="35.3901", lon="139.3501"),
        block_row(city="遠市", town="緑町二丁目", block="3", lat="35.3911", lon="139.3511"),
    ]
    towns = [
        town_row(town="本町三丁目", lat="35.3700", lon="139.3300"),
        town_row(town="栄町一丁目", code="149990002001", lat="35.3750", lon="139.3350"),
    ]
    assert (
        run_import(
            "addresses", write_bytes(tmp_path / "b.csv", mlit_bytes(BLOCK_HEADER, blocks))
        ).code
        == 0
    )
    assert (
        run_import(
            "addresses", write_bytes(tmp_path / "t.csv", mlit_bytes(TOWN_HEADER, towns))
        ).code
        == 0
    )


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def persons(tmp_path: Path, rows: list[dict[str, str]], header: list[str] = NO_COORDINATES) -> Path:
    return write(tmp_path / "persons.csv", csv_text(header, rows))


def test_homes_are_placed_at_their_block_else_their_town_however_the_address_is_written(
    tmp_path, reference
):
    rows = [
        person_row(id="P-1", address="支えあい市本町三丁目12番5号"),
        person_row(id="P-2", address="神奈川県支えあい市本町３－１２－７"),
        person_row(id="P-3", address="本町3丁目十二番地の9 ハイツ本町101号室"),
        person_row(id="P-4", address="支えあい市本町三丁目40番1号"),  # no such block: town point
        person_row(id="P-5", address="支えあい市霞が丘1丁目5-2"),
        person_row(id="P-6", address="支えあい市栄町一丁目8番"),  # a town with no block points
    ]

    result = run_import("persons", persons(tmp_path, rows))

    assert result.code == 0, result.err
    placed = dict(Person.objects.values_list("external_id", "placed"))
    assert placed == {"P-1": "block", "P-2": "block", "P-3": "block", "P-4": "town",
                      "P-5": "block", "P-6": "town"}  # fmt: skip
    home = Person.objects.get(external_id="P-2").location
    assert (round(home.y, 6), round(home.x, 6)) == HONCHO_3_12
    assert "homes placed: 0 given, 4 at their block, 2 at their town's point" in result.out


def test_given_coordinates_win_and_a_file_may_mix_both(tmp_path, reference):
    rows = [
        person_row(id="P-1", address="支えあい市本町三丁目12番5号", lat="35.36", lon="139.32"),
        person_row(id="P-2", address="支えあい市本町三丁目13番1号", lat="", lon=""),
    ]

    assert run_import("persons", persons(tmp_path, rows, PERSON_HEADER)).code == 0

    given = Person.objects.get(external_id="P-1")
    assert given.placed == "given" and (given.location.y, given.location.x) == (35.36, 139.32)
    assert Person.objects.get(external_id="P-2").placed == "block"


def test_unknown_ambiguous_and_half_given_rows_are_problems_and_nothing_is_written(
    tmp_path, reference
):
    before = fingerprint()
    empty = {"lat": "", "lon": ""}
    rows = [
        person_row(id="P-1", address="支えあい市本町三丁目12番5号", **empty),
        person_row(id="P-2", address="支えあい市本丁三丁目12番5号", **empty),  # a typo: 本丁
        person_row(id="P-3", address="緑町二丁目3番4号", **empty),  # two cities have it
        person_row(id="P-4", address="支えあい市本町三丁目12番5号", lat="35.36", lon=""),
        person_row(id="P-5", address="まったく知らない町99番", **empty),
    ]

    result = run_import("persons", persons(tmp_path, rows, PERSON_HEADER))

    assert result.code == 1 and fingerprint() == before
    problems = result.err.splitlines()
    typo = "3: address: no place in the address reference matches '支えあい市本丁三丁目12番5号'; "
    assert any(p.startswith(typo + "the closest:") and "本町三丁目" in p for p in problems)
    ambiguous = next(p for p in problems if p.startswith("4: address:"))
    assert "matches several places equally" in ambiguous
    assert "隣市緑町二丁目3" in ambiguous and "遠市緑町二丁目3" in ambiguous
    assert "5: lon: give both lat and lon, or neither" in problems
    assert any(
        p.startswith("6: address: no place in the address reference matches") for p in problems
    )


def test_the_city_of_the_setting_settles_a_town_two_cities_have(tmp_path, reference, settings):
    settings.ADDRESS_CITY = "遠市"

    result = run_import("persons", persons(tmp_path, [person_row(address="緑町二丁目3番4号")]))

    assert result.code == 0, result.err
    assert round(Person.objects.get().location.x, 4) == 139.3511


def test_without_a_reference_coordinates_stay_required(tmp_path):
    absent = run_import("persons", persons(tmp_path, [person_row()]))
    empty = run_import("persons", persons(tmp_path, [person_row(lat="", lon="")], PERSON_HEADER))

    assert absent.code == 2 and "1: lat: required column missing (緯度)" in absent.err
    assert (
        empty.code == 1
        and "2: lat: required, but empty: no address reference is loaded" in empty.err
    )


def test_a_home_placed_by_hand_stays_until_its_address_changes(tmp_path, reference):
    address = "支えあい市本町三丁目12番5号"
    assert run_import("persons", persons(tmp_path, [person_row(address=address)])).code == 0
    Person.objects.update(location=Point(139.33111, 35.37111, srid=4326), placed="hand")

    # The same address written with full-width digits is the same address.
    same = person_row(address="支えあい市本町三丁目１２番５号", phone="1")
    again = run_import("persons", persons(tmp_path, [same]))
    moved = run_import(
        "persons", persons(tmp_path, [person_row(address="支えあい市本町三丁目13番1号")])
    )

    assert again.code == 0 and moved.code == 0
    assert "1 kept where placed by hand" in again.out
    person = Person.objects.get()
    assert person.placed == "block" and round(person.location.x, 4) == 139.3304


def test_export_then_import_of_placed_people_and_supporters_changes_nothing(tmp_path, reference):
    rows = [person_row(id="P-1", address="支えあい市本町三丁目12番5号"),
            person_row(id="P-2", address="支えあい市栄町一丁目8番")]  # fmt: skip
    assert run_import("persons", persons(tmp_path, rows)).code == 0
    supporter = {"id": "S-1", "name": "支援 一郎", "address": "本町3丁目13-2",
                 "available": "weekday_night"}  # fmt: skip
    supporters = write(tmp_path / "s.csv", csv_text(list(supporter), [supporter]))
    assert run_import("supporters", supporters).code == 0
    assert Supporter.objects.get().placed == "block"
    before = fingerprint()

    for kind in ("persons", "supporters"):
        exported = tmp_path / f"{kind}-out.csv"
        call_command("export", kind, "--format", "csv", "--out", str(exported))
        header = next(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
        assert "placed" in header
        result = run_import(kind, exported)
        assert result.code == 0 and "0 updated" in result.out, result.out

    after = fingerprint()
    changed = {table for table in before if before[table] != after[table]}
    assert changed <= {"registry_importrecord"}
