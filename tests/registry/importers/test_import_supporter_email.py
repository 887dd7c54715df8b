"""The supporters' e-mail column (メールアドレス): read, checked, exported, and kept when a file
of the older format leaves it out."""

import pytest

from registry.exports import export
from registry.models import Supporter
from tests.importing import csv_text, run_import, write

pytestmark = pytest.mark.django_db

OLD_HEADER = ["id", "name", "address", "lat", "lon", "available"]
OLD_ROW = ["S-1", "佐藤 一郎", "本町1番2号", "35.36", "139.32", "weekday_night"]


def test_it_reads_the_address_by_its_japanese_header_too(tmp_path):
    header = [*OLD_HEADER[:5], "対応可能時間帯", "メールアドレス"]
    # Full-width letters typed with a Japanese input method are read as the address meant.
    rows = [[*OLD_ROW, "ｓａｔｏ＠example.jp"]]

    result = run_import("supporters", write(tmp_path / "s.csv", csv_text(header, rows)))

    assert result.code == 0, result.err
    assert Supporter.objects.get().email == "sato@example.jp"


def test_it_names_a_bad_address(tmp_path):
    rows = [[*OLD_ROW, "sato@"]]

    result = run_import(
        "supporters", write(tmp_path / "s.csv", csv_text([*OLD_HEADER, "email"], rows))
    )

    assert result.code == 1
    assert "2: email: 'sato@' is not an e-mail address" in result.err
    assert not Supporter.objects.exists()


def test_a_file_without_the_column_keeps_the_address_and_an_empty_cell_clears_it(tmp_path):
    with_email = csv_text([*OLD_HEADER, "email"], [[*OLD_ROW, "sato@example.jp"]])
    assert run_import("supporters", write(tmp_path / "a.csv", with_email)).code == 0

    older = csv_text(OLD_HEADER, [[*OLD_ROW[:2], "本町1番3号", *OLD_ROW[3:]]])
    assert run_import("supporters", write(tmp_path / "b.csv", older)).code == 0
    supporter = Supporter.objects.get()
    assert (supporter.address, supporter.email) == ("本町1番3号", "sato@example.jp")

    cleared = csv_text([*OLD_HEADER, "email"], [[*OLD_ROW, ""]])
    assert run_import("supporters", write(tmp_path / "c.csv", cleared)).code == 0
    assert Supporter.objects.get().email == ""


def test_the_export_writes_the_column(tmp_path):
    rows = [[*OLD_ROW, "sato@example.jp"]]
    run_import("supporters", write(tmp_path / "s.csv", csv_text([*OLD_HEADER, "email"], rows)))

    text = export("supporters", "csv").decode("utf-8-sig")

    header, line = text.splitlines()[:2]
    assert header.split(",")[-1] == "email"
    assert line.split(",")[-1] == "sato@example.jp"
