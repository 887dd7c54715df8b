"""`manage.py import addresses`: MLIT's 位置参照情報 in the exact published formats (Shift_JIS,
every field quoted, CRLF, zipped), both levels, and the demo town's own reference."""

import csv
import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from registry.addresses import normalise
from registry.demo.addresses import CITY, demo_address_files
from registry.demo.town import build_town
from registry.importers.addresses import BLOCK_HEADER, TOWN_HEADER
from registry.models import AddressPoint, ImportRecord
from tests.importing import fingerprint, run_import

pytestmark = pytest.mark.django_db


def mlit_bytes(header: tuple[str, ...], rows: list[list[str]], encoding: str = "cp932") -> bytes:
    """As MLIT publishes: every field quoted, CRLF line ends, Shift_JIS."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def block_row(
    city: str = "支えあい市",
    town: str = "本町三丁目",
    block: str = "1",
    lat: str = "35.360123",
    lon: str = "139.321456",
    *,
    koaza: str = "",
    residential: str = "1",
    representative: str = "1",
    history: str = "0",
    prefecture: str = "神奈川県",
) -> list[str]:
    return [
        prefecture, city, town, koaza, block, "9", "-51234.5", "-23456.7", lat, lon,
        residential, representative, history, "0",
    ]  # fmt: skip


def town_row(
    city: str = "支えあい市",
    town: str = "本町三丁目",
    code: str = "149990001003",
    lat: str = "35.3605",
    lon: str = "139.3218",
) -> list[str]:
    return ["14", "神奈川県", "14999", city, code, town, lat, lon, "1", "3"]


def zipped(path: Path, member: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, data)
    return path


def test_it_reads_the_block_level_zip_as_published(tmp_path):
    rows = [
        block_row(block="1"),
        block_row(block="2", lat="35.3611", lon="139.3222", residential="1", representative="0"),
        block_row(town="大字久保", koaza="字上ノ原", block="123", residential="0"),
    ]
    path = zipped(tmp_path / "14000-19.0a.zip", "14_2020.csv", mlit_bytes(BLOCK_HEADER, rows))

    result = run_import("addresses", path)

    assert result.code == 0, result.err
    assert "(mlit-block, zipped csv (cp932)), 3 rows: 3 created" in result.out
    assert "block (街区) level: 3 points for 1 cities (0 replaced)" in result.out
    first = AddressPoint.objects.get(block="1")
    assert (first.level, first.prefecture, first.city, first.town, first.koaza) == (
        "block", "神奈川県", "支えあい市", "本町三丁目", "",
    )  # fmt: skip
    assert (first.residential, first.representative, first.town_code) == (True, True, "")
    assert (first.location.x, first.location.y) == (139.321456, 35.360123)
    assert (first.town_key, first.block_key) == ("本町3丁目", "1")
    lot = AddressPoint.objects.get(block="123")
    assert (lot.koaza, lot.residential, lot.representative) == ("字上ノ原", False, True)
    assert (
        (lot.town_key, lot.block_key) == (normalise.town_key("大字久保"), "123") == ("久保", "123")
    )
    assert AddressPoint.objects.get(block="2").representative is False
    record = ImportRecord.objects.get()
    assert (record.kind, record.file_format, record.created) == (
        "addresses", "mlit-block, zipped csv (cp932)", 3,
    )  # fmt: skip
    assert set(AddressPoint.objects.values_list("record", flat=True)) == {record.pk}


def test_it_reads_the_town_level_file(tmp_path):
    rows = [town_row(), town_row(town="大字久保", code="149990002000", lat="35.37", lon="139.33")]
    path = tmp_path / "14_2020.csv"
    path.write_bytes(mlit_bytes(TOWN_HEADER, rows))

    result = run_import("addresses", path)

    assert result.code == 0, result.err
    assert "(mlit-town, csv (cp932)), 2 rows: 2 created" in result.out
    point = AddressPoint.objects.get(town="本町三丁目")
    assert (point.level, point.town_code, point.koaza, point.block, point.block_key) == (
        "town", "149990001003", "", "", "",
    )  # fmt: skip
    assert (point.residential, point.representative) == (False, True)
    assert point.town_key == "本町3丁目"
    assert (point.location.x, point.location.y) == (139.3218, 35.3605)


def test_a_second_file_replaces_its_cities_points_and_leaves_other_cities_and_levels(tmp_path):
    first = tmp_path / "first.csv"
    first.write_bytes(
        mlit_bytes(
            BLOCK_HEADER,
            [block_row(block="1"), block_row(block="2"), block_row(city="隣町", block="7")],
        )
    )
    towns = tmp_path / "towns.csv"
    towns.write_bytes(mlit_bytes(TOWN_HEADER, [town_row()]))
    again = tmp_path / "again.csv"
    again.write_bytes(mlit_bytes(BLOCK_HEADER, [block_row(block="5", lat="35.4")]))
    assert run_import("addresses", first).code == 0
    assert run_import("addresses", towns).code == 0

    result = run_import("addresses", again)

    assert result.code == 0, result.err
    assert "1 rows: 1 created, 0 updated, 0 unchanged, 2 deleted" in result.out
    blocks = AddressPoint.objects.filter(level="block")
    assert sorted(blocks.values_list("city", "block")) == [("支えあい市", "5"), ("隣町", "7")]
    assert AddressPoint.objects.filter(level="town").count() == 1
    assert AddressPoint.objects.get(block="5").location.y == 35.4


def test_the_same_city_name_in_another_prefecture_is_another_city(tmp_path):
    first = tmp_path / "first.csv"
    first.write_bytes(
        mlit_bytes(BLOCK_HEADER, [block_row(prefecture="北海道", city="伊達市", lat="42.47")])
    )
    second = tmp_path / "second.csv"
    second.write_bytes(
        mlit_bytes(BLOCK_HEADER, [block_row(prefecture="福島県", city="伊達市", lat="37.82")])
    )
    run_import("addresses", first)

    assert run_import("addresses", second).code == 0
    assert sorted(AddressPoint.objects.values_list("prefecture", flat=True)) == [
        "北海道",
        "福島県",
    ]


def test_history_rows_are_skipped_and_counted(tmp_path):
    rows = [
        block_row(block="1"),
        block_row(block="1", lat="35.35", history="1"),
        block_row(block="2"),
    ]
    path = tmp_path / "history.csv"
    path.write_bytes(mlit_bytes(BLOCK_HEADER, rows))

    result = run_import("addresses", path)

    assert result.code == 0, result.err
    assert "1 history rows skipped (更新前履歴フラグ 1)" in result.out
    assert "2 rows: 2 created" in result.out
    assert AddressPoint.objects.get(block="1").location.y == 35.360123


def test_bad_rows_are_all_reported_with_line_and_column_and_nothing_is_written(tmp_path):
    rows = [
        block_row(),
        block_row(lat="北緯35度"),
        block_row(lon="12.5"),
        block_row(city=""),
        block_row(residential="はい", block=""),
    ]
    path = tmp_path / "bad.csv"
    path.write_bytes(mlit_bytes(BLOCK_HEADER, rows))
    before = fingerprint()

    result = run_import("addresses", path)

    assert result.code == 1
    assert "3: 緯度: '北緯35度' is not a number in decimal degrees" in result.err
    assert "4: 経度: longitude 12.5 is outside Japan (122 to 154)" in result.err
    assert "5: 市区町村名: required, but empty" in result.err
    assert "6: 街区符号・地番: required, but empty" in result.err
    assert "6: 住居表示フラグ: 'はい' is not a flag (0 or 1)" in result.err
    assert "bad.csv: 5 problems; nothing was written." in result.err
    assert fingerprint() == before
    assert not AddressPoint.objects.exists()


def test_a_bad_town_code_is_a_row_problem(tmp_path):
    path = tmp_path / "towns.csv"
    path.write_bytes(mlit_bytes(TOWN_HEADER, [town_row(code="14-999")]))

    result = run_import("addresses", path)

    assert result.code == 1
    assert "2: 大字町丁目コード: '14-999' is not a town code (digits)" in result.err


def test_an_unknown_header_is_an_unusable_file(tmp_path):
    path = tmp_path / "persons.csv"
    path.write_bytes(mlit_bytes(("識別番号", "氏名", "住所"), [["P-1", "山田", "本町"]]))
    partial = tmp_path / "partial.csv"
    partial.write_bytes(mlit_bytes(BLOCK_HEADER[:10], [block_row()[:10]]))

    result = run_import("addresses", path)
    missing = run_import("addresses", partial)

    assert result.code == 2
    assert "1: -: not an MLIT address reference (位置参照情報)" in result.err
    assert missing.code == 2
    assert "1: 代表フラグ: required column missing (代表フラグ)" in missing.err
    assert not AddressPoint.objects.exists()


def test_a_zip_without_exactly_one_csv_is_an_unusable_file(tmp_path):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", mlit_bytes(BLOCK_HEADER, [block_row()]))
        archive.writestr("b.csv", mlit_bytes(BLOCK_HEADER, [block_row()]))

    result = run_import("addresses", path)

    assert result.code == 2
    assert "the zip file must hold exactly one CSV file; it holds 2" in result.err


def test_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "14_2020.csv"
    path.write_bytes(mlit_bytes(BLOCK_HEADER, [block_row(), block_row(block="2")]))
    before = fingerprint()

    result = run_import("addresses", path, dry_run=True)

    assert result.code == 0, result.err
    assert "Dry run, nothing written: addresses from 14_2020.csv" in result.out
    assert "2 created" in result.out
    assert fingerprint() == before
    assert not AddressPoint.objects.exists()


def test_utf8_with_bom_and_half_width_headers_are_read(tmp_path):
    header = tuple(unicodedata.normalize("NFKC", label) for label in BLOCK_HEADER)
    path = tmp_path / "utf8.csv"
    path.write_bytes(mlit_bytes(header, [block_row(lat="３５．３６")], encoding="utf-8-sig"))

    result = run_import("addresses", path)

    assert result.code == 0, result.err
    assert "(mlit-block, csv (utf-8))" in result.out
    assert AddressPoint.objects.get().location.y == 35.36


# --- the demo town's own reference ---------------------------------------------------------


def test_the_demo_reference_places_every_demo_address(tmp_path):
    town = build_town(seed=1, people=600, supporters=350, shelters=30)
    block_file, town_file = demo_address_files(town, tmp_path)
    assert block_file.read_bytes().startswith(mlit_bytes(BLOCK_HEADER, []))
    assert b"\r\n" in block_file.read_bytes() and b'"' in town_file.read_bytes()

    assert run_import("addresses", block_file).code == 0
    assert run_import("addresses", town_file).code == 0

    keys = set(AddressPoint.objects.filter(level="block").values_list("town_key", "block_key"))
    towns = set(AddressPoint.objects.filter(level="town").values_list("town_key", flat=True))
    addresses = [
        *(person.address for person in town.persons),
        *(supporter.address for supporter in town.supporters),
        *(shelter.address for shelter in town.shelters),
    ]
    for address in addresses:
        parsed = normalise.parse(address, cities=[CITY])
        assert (parsed.city, parsed.block_key) != (None, ""), address
        assert (parsed.town_key, parsed.block_key) in keys, address
        assert parsed.town_key in towns, address
    assert len(towns) == len(town.ground.neighbourhoods)


def test_make_demo_addresses_writes_and_imports_both_levels_once(tmp_path):
    out = io.StringIO()

    call_command("make_demo_addresses", "--out", str(tmp_path), "--if-empty", stdout=out)
    again = io.StringIO()
    call_command("make_demo_addresses", "--out", str(tmp_path), "--if-empty", stdout=again)

    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "demo-addresses-block.csv",
        "demo-addresses-town.csv",
    ]
    assert AddressPoint.objects.filter(level="block").count() == 9 * 30
    assert AddressPoint.objects.filter(level="town").count() == 9
    assert "Imported: addresses from demo-addresses-block.csv" in out.getvalue()
    assert "already loaded" in again.getvalue()
    assert ImportRecord.objects.count() == 2


def test_the_shipped_sample_files_are_the_default_demo_towns(tmp_path):
    town = build_town(seed=1, people=600, supporters=350, shelters=30)
    samples = Path(__file__).resolve().parents[2] / "docs" / "samples"

    written = demo_address_files(town, tmp_path)

    for path in written:
        assert (samples / path.name).read_bytes() == path.read_bytes(), path.name
