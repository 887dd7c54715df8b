"""`manage.py import supporters`."""

import io

import pytest
from django.core.management import call_command

from registry.models import Supporter
from tests.factories import make_neighbourhood, square
from tests.importing import csv_text, fingerprint, run_import, write

pytestmark = pytest.mark.django_db

HEADER = [
    "id", "name", "kana", "address", "phone", "lat", "lon", "neighbourhood", "role", "capacity",
    "available", "can_push_wheelchair", "can_carry", "has_car", "birth_year",
]  # fmt: skip
JAPANESE = [
    "識別番号", "氏名", "フリガナ", "住所", "電話番号", "緯度", "経度", "町内会", "区分",
    "支援可能人数", "対応可能時間帯", "車いす介助", "搬送", "車両", "生年",
]  # fmt: skip
ROW = ["S-1", "佐藤 一郎", "サトウ イチロウ", "本町1番2号", "090-1234-5678", "35.36", "139.32", "",
       "neighbour", "2", "weekday_night;weekend_day", "yes", "no", "1", "1950"]  # fmt: skip


def test_it_imports_supporters_and_finds_their_neighbourhood(tmp_path):
    area = make_neighbourhood(code="N01", geom=square(-500, -500, 500, 500))
    path = write(tmp_path / "supporters.csv", csv_text(JAPANESE, [ROW]), "cp932")

    result = run_import("supporters", path)

    assert result.code == 0, result.err
    supporter = Supporter.objects.get()
    assert (supporter.capacity, supporter.available) == (2, ["weekday_night", "weekend_day"])
    assert (supporter.can_push_wheelchair, supporter.can_carry, supporter.has_car) == (
        True,
        False,
        True,
    )
    assert (supporter.birth_year, supporter.neighbourhood, supporter.active) == (1950, area, True)


def test_it_defaults_capacity_and_role_and_requires_a_slot(tmp_path):
    row = [*ROW]
    row[8], row[9], row[10] = "", "", ""
    result = run_import("supporters", write(tmp_path / "s.csv", csv_text(HEADER, [row])))

    assert result.code == 1
    assert "2: available: required, but empty" in result.err

    row[10] = "weekday_day"
    assert run_import("supporters", write(tmp_path / "s.csv", csv_text(HEADER, [row]))).code == 0
    supporter = Supporter.objects.get()
    assert (supporter.capacity, supporter.role) == (1, "neighbour")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (9, "-1", "2: capacity: -1 is less than 0"),
        (10, "mornings", "2: available: unknown value 'mornings'"),
        (14, "1850", "2: birth_year: 1850 is less than 1900"),
        (8, "hero", "2: role: unknown value 'hero'"),
    ],
)
def test_it_names_the_bad_cell(tmp_path, column, value, message):
    row = [*ROW]
    row[column] = value

    result = run_import("supporters", write(tmp_path / "s.csv", csv_text(HEADER, [row])))

    assert result.code == 1 and message in result.err
    assert not Supporter.objects.exists()


def test_it_round_trips(tmp_path):
    run_import("supporters", write(tmp_path / "s.csv", csv_text(HEADER, [ROW, ["S-2", *ROW[1:]]])))
    before = fingerprint()
    del before["registry_importrecord"]

    for file_format in ("csv", "xlsx"):
        out = tmp_path / f"export.{file_format}"
        call_command("export", "supporters", format=file_format, out=str(out), stderr=io.StringIO())
        assert "0 created, 0 updated, 2 unchanged" in run_import("supporters", out).out
    after = fingerprint()
    del after["registry_importrecord"]
    assert after == before
