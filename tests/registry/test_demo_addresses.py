"""The demo town ships its own address reference: its persons and supporters files import
without coordinates, every home placed at its block."""

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command

from registry.models import Person, Supporter
from tests.importing import run_import

pytestmark = pytest.mark.django_db


def without_coordinates(path, out):
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    header = [key for key in rows[0] if key not in ("lat", "lon", "placed")]
    with out.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return out


def test_the_demo_towns_files_import_without_coordinates(tmp_path):
    call_command("make_demo_town", stdout=StringIO())
    call_command("make_demo_addresses", "--out", str(tmp_path / "ref"), stdout=StringIO())
    for kind in ("persons", "supporters"):
        call_command("export", kind, "--format", "csv", "--out", str(tmp_path / f"{kind}.csv"))
        bare = without_coordinates(tmp_path / f"{kind}.csv", tmp_path / f"{kind}-bare.csv")

        result = run_import(kind, bare)

        assert result.code == 0, result.err
        assert "homes placed: 0 given" in result.out
    assert set(Person.objects.values_list("placed", flat=True)) == {"block"}
    assert set(Supporter.objects.values_list("placed", flat=True)) == {"block"}
