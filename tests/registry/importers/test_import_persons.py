"""`manage.py import persons`: formats, all-or-nothing, idempotence, round trips, provenance."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from openpyxl import Workbook

from registry.models import ImportRecord, Person
from tests.factories import make_neighbourhood, square
from tests.importing import (
    PERSON_HEADER,
    csv_text,
    fingerprint,
    person_row,
    run_import,
    write,
)

pytestmark = pytest.mark.django_db

JAPANESE_HEADER = [
    "識別番号", "氏名", "フリガナ", "生年月日", "性別", "住所", "電話番号", "緯度", "経度",
    "町内会", "避難支援等を必要とする事由", "移動", "独居", "医療機器", "情報伝達", "同意",
    "同意日", "状態", "緊急連絡先氏名", "緊急連絡先続柄", "緊急連絡先電話番号", "備考",
]  # fmt: skip


@pytest.fixture
def area():
    return make_neighbourhood(code="N01", name="本町", geom=square(-500, -500, 500, 500))


def persons_file(tmp_path, rows, encoding="utf-8", header=PERSON_HEADER):
    return write(tmp_path / "persons.csv", csv_text(header, rows), encoding)


def test_it_creates_people_with_every_column(tmp_path, area):
    path = persons_file(
        tmp_path,
        [
            person_row(medical_devices="oxygen", communication="hearing;language:en"),
            person_row(id="P-2", name="佐藤 次郎", sex="男", mobility="wheelchair",
                       reasons="physical_disability_1;elderly_alone", neighbourhood="N01",
                       emergency_contact_name="", emergency_contact_relation="",
                       emergency_contact_phone=""),
        ],
    )  # fmt: skip

    result = run_import("persons", path)

    assert result.code == 0, result.err
    assert "2 created, 0 updated, 0 unchanged" in result.out
    first = Person.objects.get(external_id="P-1")
    assert (first.name, first.kana, first.birth_date) == (
        "山田 花子",
        "ヤマダ ハナコ",
        dt.date(1940, 5, 6),
    )
    assert (first.location.x, first.location.y) == (139.32, 35.36)
    assert first.neighbourhood == area  # found from the home
    assert first.medical_devices == ["oxygen"] and first.communication == ["hearing", "language:en"]
    assert first.lives_alone and first.consent_date == dt.date(2025, 4, 1)
    contact = first.emergency_contacts.get()
    assert (contact.position, contact.name, contact.relation) == (1, "山田 一郎", "長男")
    second = Person.objects.get(external_id="P-2")
    assert (second.sex, second.mobility, second.reasons) == (
        "male",
        "wheelchair",
        ["physical_disability_1", "elderly_alone"],
    )
    assert not second.emergency_contacts.exists()


def test_it_reads_shift_jis_with_japanese_headers_and_era_dates(tmp_path, area):
    row = person_row(birth_date="昭和20年1月2日", sex="女", lives_alone="はい", kana="ﾔﾏﾀﾞ ﾊﾅｺ")
    path = persons_file(tmp_path, [list(row.values())], encoding="cp932", header=JAPANESE_HEADER)

    result = run_import("persons", path)

    assert result.code == 0, result.err
    assert "csv (cp932)" in result.out
    person = Person.objects.get()
    assert (person.birth_date, person.sex, person.kana) == (
        dt.date(1945, 1, 2),
        "female",
        "ヤマダ ハナコ",
    )


def test_it_reads_the_first_sheet_of_a_workbook(tmp_path, area):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(PERSON_HEADER)
    row = person_row()
    sheet.append(
        [
            dt.date(1940, 5, 6) if k == "birth_date" else (35.36 if k == "lat" else row[k])
            for k in PERSON_HEADER
        ]
    )
    workbook.create_sheet("notes").append(["ignored"])
    path = tmp_path / "persons.xlsx"
    workbook.save(path)

    result = run_import("persons", path)

    assert result.code == 0, result.err
    assert Person.objects.get().birth_date == dt.date(1940, 5, 6)


def test_it_changes_nothing_when_the_same_file_comes_again(tmp_path, area):
    path = persons_file(tmp_path, [person_row(), person_row(id="P-2")])
    assert run_import("persons", path).code == 0
    before = fingerprint()
    del before["registry_importrecord"]

    again = run_import("persons", path)

    assert "0 created, 0 updated, 2 unchanged" in again.out
    after = fingerprint()
    del after["registry_importrecord"]
    assert after == before


def test_it_updates_what_changed_and_dates_a_new_status(tmp_path, area):
    run_import("persons", persons_file(tmp_path, [person_row(), person_row(id="P-2")]))
    Person.objects.update(status_date=dt.date(2020, 1, 1), medication="降圧剤")

    changed = persons_file(
        tmp_path, [person_row(mobility="wheelchair"), person_row(id="P-2", status="moved")]
    )
    result = run_import("persons", changed)

    assert "0 created, 2 updated, 0 unchanged, 1 left the list" in result.out
    first, second = Person.objects.order_by("external_id")
    assert first.mobility == "wheelchair" and first.status_date == dt.date(2020, 1, 1)
    assert second.status == "moved" and second.status_date == timezone.localdate()
    # What Sasaeai keeps beyond the city's list is never overwritten by an import.
    assert {first.medication, second.medication} == {"降圧剤"}
    assert Person.objects.plannable().count() == 1


def test_it_records_where_each_record_came_from(tmp_path, area):
    path = persons_file(tmp_path, [person_row()])

    run_import("persons", path, user=None)

    record = ImportRecord.objects.get()
    assert (record.kind, record.file_name, record.rows, record.created) == (
        "persons",
        "persons.csv",
        1,
        1,
    )
    assert len(record.checksum) == 64 and record.performed_by
    assert Person.objects.get().last_import == record


def test_it_checks_everything_but_writes_nothing_on_a_dry_run(tmp_path, area):
    before = fingerprint()

    result = run_import("persons", persons_file(tmp_path, [person_row()]), dry_run=True)

    assert result.code == 0
    assert "Dry run, nothing written" in result.out and "1 created" in result.out
    assert fingerprint() == before


def test_it_exports_and_imports_again_without_change(tmp_path, area):
    rows = [
        person_row(lat="35.360000000000014", lon="139.32000000000002", communication="visual",
                   notes="階段に手すりなし, 2階"),
        person_row(id="P-2", status="hospitalised", consent="ordinance", consent_date="",
                   emergency_contact_name="", emergency_contact_relation="",
                   emergency_contact_phone=""),
    ]  # fmt: skip
    run_import("persons", persons_file(tmp_path, rows))
    before = fingerprint()
    del before["registry_importrecord"]

    for file_format in ("csv", "xlsx"):
        out = tmp_path / f"export.{file_format}"
        call_command("export", "persons", format=file_format, out=str(out), stderr=io.StringIO())
        result = run_import("persons", out)
        assert "0 created, 0 updated, 2 unchanged" in result.out, result.err
    after = fingerprint()
    del after["registry_importrecord"]
    assert after == before


def test_it_exports_geojson_points_with_the_same_columns(tmp_path, area):
    import json

    run_import("persons", persons_file(tmp_path, [person_row()]))
    out = tmp_path / "persons.geojson"

    call_command("export", "persons", format="geojson", out=str(out), stderr=io.StringIO())

    collection = json.loads(out.read_text(encoding="utf-8"))
    feature = collection["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [139.32, 35.36]}
    assert feature["properties"]["id"] == "P-1" and feature["properties"]["neighbourhood"] == "N01"
    assert "lat" not in feature["properties"]


# The corpus of bad files: each exits 1 or 2 with a message naming line and column, and the
# registry is exactly as it was.
BAD_FILES = [
    ("empty", b"", 2, "0: -: the file is empty"),
    ("blank lines", b"\n\n  \n", 2, "0: -: the file is empty"),
    (
        "header only",
        csv_text(PERSON_HEADER, []).encode(),
        2,
        "2: -: the file has a header but no rows",
    ),
    ("binary junk", bytes(range(256)) * 4, 2, "0: -: this is not a text file"),
    ("latin junk", "caf\xe9 \xff\xfe".encode("latin-1") * 10, 2, "neither UTF-8 nor Shift_JIS"),
    (
        "wrong delimiter",
        csv_text(PERSON_HEADER, [person_row()]).replace(",", ";").encode(),
        2,
        "1: -: the header is one single column: the file must be comma-separated",
    ),
    (
        "missing required column",
        csv_text([k for k in PERSON_HEADER if k != "mobility"], [person_row()]).encode(),
        2,
        "1: mobility: required column missing (移動)",
    ),
    (
        "unknown column",
        csv_text([*PERSON_HEADER, "favourite_colour"], [person_row()]).encode(),
        2,
        "1: favourite_colour: unknown column",
    ),
    (
        "unknown keys",
        csv_text(PERSON_HEADER, [person_row(mobility="flies", consent="maybe")]).encode(),
        1,
        "2: mobility: unknown value 'flies'; expected one of walks_alone",
    ),
    (
        "duplicate ids",
        csv_text(
            PERSON_HEADER, [person_row(), person_row(name="別人"), person_row(id="P-9")]
        ).encode(),
        1,
        "3: id: 'P-1' appears again (first on line 2)",
    ),
    (
        "coordinates outside Japan",
        csv_text(PERSON_HEADER, [person_row(lat="139.32", lon="35.36")]).encode(),
        1,
        "2: lat: latitude 139.32 is outside Japan (20 to 46)",
    ),
    (
        "bad date",
        csv_text(PERSON_HEADER, [person_row(birth_date="昭和65年1月1日")]).encode(),
        1,
        "2: birth_date: '昭和65年1月1日' is not within the 昭和 era",
    ),
    (
        "missing required value",
        csv_text(PERSON_HEADER, [person_row(name="")]).encode(),
        1,
        "2: name: required, but empty",
    ),
    (
        "unknown neighbourhood",
        csv_text(PERSON_HEADER, [person_row(neighbourhood="N99")]).encode(),
        1,
        "2: neighbourhood: unknown neighbourhood code 'N99'",
    ),
    (
        "half an emergency contact",
        csv_text(PERSON_HEADER, [person_row(emergency_contact_phone="")]).encode(),
        1,
        "2: emergency_contact_phone: an emergency contact needs a name and a phone",
    ),
    (
        "too many cells",
        csv_text(PERSON_HEADER, [[*person_row().values(), "extra"]]).encode(),
        1,
        "2: -: 23 values, but the header has 22 columns",
    ),
    (
        "broken quoting",
        (csv_text(PERSON_HEADER, []) + 'P-1,"unterminated\n').encode(),
        2,
        "2: -: not readable as CSV: unexpected end of data",
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "code", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_it_refuses_a_bad_file_and_changes_nothing(tmp_path, area, name, data, code, message):
    run_import("persons", persons_file(tmp_path, [person_row(id="P-0", name="既存")]))
    before = fingerprint()
    path = tmp_path / "bad.csv"
    path.write_bytes(data)

    result = run_import("persons", path)

    assert result.code == code, result.err
    assert message in result.err
    assert "nothing was written" in result.err
    assert fingerprint() == before


def test_it_reports_every_problem_not_only_the_first(tmp_path, area):
    rows = [
        person_row(mobility="flies"),
        person_row(id="P-2", lat="北緯35度", birth_date="someday"),
        person_row(id="P-3", reasons="care_level_9"),
    ]

    result = run_import("persons", persons_file(tmp_path, rows))

    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line[:1].isdigit()]
    assert [line.split(":")[:2] for line in lines] == [
        ["2", " mobility"],
        ["3", " birth_date"],
        ["3", " lat"],
        ["4", " reasons"],
    ]
    assert "4 problems; nothing was written." in result.err


def test_it_prints_problems_and_summaries_in_english_while_japanese_is_active(tmp_path, area):
    # Cities' scripts read this output (interfaces.md): the default language, Japanese, and
    # a caller that activated it must not change a word.
    bad = persons_file(tmp_path, [person_row(lat="北緯35度", lives_alone="maybe")])
    good = write(tmp_path / "good.csv", csv_text(PERSON_HEADER, [person_row()]))

    with translation.override("ja"):
        refused = run_import("persons", bad)
        checked = run_import("persons", good, dry_run=True)
        still_japanese = translation.get_language()

    assert refused.code == 1
    assert "2: lat: '北緯35度' is not a number in decimal degrees" in refused.err
    assert "2: lives_alone: 'maybe' is not yes or no" in refused.err
    assert "2 problems; nothing was written." in refused.err
    assert checked.code == 0, checked.err
    assert (
        "Dry run, nothing written: persons from good.csv (csv (utf-8-sig)), 1 rows: "
        "1 created, 0 updated, 0 unchanged." in checked.out
    )
    assert still_japanese == "ja"
