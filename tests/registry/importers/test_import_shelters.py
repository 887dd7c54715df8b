"""`manage.py import shelters`: Sasaeai's columns and the two GSI files, told apart by header."""

import io

import pytest
from django.core.management import call_command

from registry.models import Shelter
from tests.importing import csv_text, fingerprint, run_import, write

pytestmark = pytest.mark.django_db

HAZARD_HEADINGS = [
    "洪水",
    "崖崩れ、土石流及び地滑り",
    "高潮",
    "地震",
    "津波",
    "大規模な火事",
    "内水氾濫",
    "火山現象",
]
GSI_EMERGENCY = [
    "NO",
    "共通ID",
    "施設・場所名",
    "住所",
    *HAZARD_HEADINGS,
    "指定避難所との住所同一",
    "緯度",
    "経度",
    "備考",
]
GSI_EMERGENCY_NATIONAL = [*GSI_EMERGENCY[:2], "都道府県名及び市町村名", *GSI_EMERGENCY[2:]]
GSI_SHELTER = [
    "NO", "共通ID", "施設・場所名", "住所", "指定緊急避難場所との住所同一",
    "その他市町村長が必要と認める事項", "受入対象者", "緯度", "経度", "備考",
]  # fmt: skip
SASAEAI = [
    "id",
    "name",
    "address",
    "lat",
    "lon",
    "kind",
    "capacity",
    "hazards",
    "barrier_free",
    "accepts",
]


def emergency_row(number, common_id, flags, lat="35.36", lon="139.32", national=False):
    cells = [str(number), common_id, f"避難場所{number}", "支えあい市本町1番1号"]
    cells += ["1" if heading in flags else "" for heading in HAZARD_HEADINGS]
    cells += ["1", lat, lon, ""]
    return [*cells[:2], "神奈川県支えあい市", *cells[2:]] if national else cells


def test_it_reads_the_gsi_emergency_site_file_in_shift_jis(tmp_path):
    rows = [
        emergency_row(1, "142000001", {"洪水", "地震"}),
        emergency_row(2, "142000002", {"津波"}),
    ]
    path = write(
        tmp_path / "mergeFromCity_2.csv", "\ufeff" + csv_text(GSI_EMERGENCY, rows), "utf-8"
    )
    sjis = write(tmp_path / "old_2.csv", csv_text(GSI_EMERGENCY, rows), "cp932")

    result = run_import("shelters", path)

    assert result.code == 0, result.err
    assert "(gsi-emergency)" in result.out and "2 created" in result.out
    first = Shelter.objects.get(external_id="142000001")
    assert (first.kind, first.hazards, first.capacity) == (
        "emergency_site",
        ["flood", "earthquake"],
        None,
    )
    assert "0 created, 0 updated, 2 unchanged" in run_import("shelters", sjis).out


def test_it_reads_the_national_file_with_the_municipality_column(tmp_path):
    rows = [emergency_row(1, "142000001", {"地震"}, national=True)]
    path = write(tmp_path / "national_2.csv", csv_text(GSI_EMERGENCY_NATIONAL, rows))

    result = run_import("shelters", path)

    assert result.code == 0, result.err
    assert Shelter.objects.get().hazards == ["earthquake"]


def test_it_reports_a_broken_gsi_latitude_and_writes_nothing(tmp_path):
    rows = [
        emergency_row(1, "142000001", {"地震"}),
        emergency_row(2, "142000002", {"地震"}, lat="北緯35度"),
    ]
    path = write(tmp_path / "broken_2.csv", csv_text(GSI_EMERGENCY, rows), "cp932")

    result = run_import("shelters", path)

    assert result.code == 1
    assert "3: lat: '北緯35度' is not a number in decimal degrees" in result.err
    assert not Shelter.objects.exists()


def test_it_refuses_a_hazard_flag_that_is_not_one(tmp_path):
    row = emergency_row(1, "142000001", {"地震"})
    row[4] = "○"
    result = run_import("shelters", write(tmp_path / "x_2.csv", csv_text(GSI_EMERGENCY, [row])))

    assert result.code == 1
    assert "2: flood: '○' is not a hazard flag (1 or empty)" in result.err


def test_it_marks_welfare_shelters_and_keeps_what_the_gsi_file_lacks(tmp_path):
    run_import(
        "shelters",
        write(
            tmp_path / "e_2.csv", csv_text(GSI_EMERGENCY, [emergency_row(1, "142000001", {"洪水"})])
        ),
    )
    Shelter.objects.update(capacity=300, barrier_free=True)
    rows = [
        [
            "1",
            "142000001",
            "本町福祉会館",
            "支えあい市本町1番1号",
            "1",
            "",
            "要介護高齢者",
            "35.36",
            "139.32",
            "",
        ],
        ["2", "142000003", "中央体育館", "支えあい市中央2番", "", "", "", "35.37", "139.33", ""],
    ]

    result = run_import("shelters", write(tmp_path / "s_1.csv", csv_text(GSI_SHELTER, rows)))

    assert result.code == 0, result.err
    assert "(gsi-shelter)" in result.out and "1 created, 1 updated" in result.out
    welfare = Shelter.objects.get(external_id="142000001")
    assert (welfare.kind, welfare.accepts, welfare.name) == (
        "welfare_shelter",
        "要介護高齢者",
        "本町福祉会館",
    )
    assert (welfare.hazards, welfare.capacity, welfare.barrier_free) == (["flood"], 300, True)
    plain = Shelter.objects.get(external_id="142000003")
    assert (plain.kind, plain.hazards) == ("shelter", [])
    assert "designated for no hazard" in result.out


def test_it_round_trips_sasaeai_columns(tmp_path):
    rows = [
        [
            "S1",
            "本町小学校",
            "本町1",
            "35.36",
            "139.32",
            "emergency_site",
            "",
            "flood;earthquake",
            "no",
            "",
        ],
        [
            "S2",
            "本町福祉会館",
            "本町2",
            "35.361",
            "139.321",
            "福祉避難所",
            "30",
            "earthquake",
            "はい",
            "障害者",
        ],
    ]
    run_import("shelters", write(tmp_path / "shelters.csv", csv_text(SASAEAI, rows)))
    assert Shelter.objects.get(external_id="S2").kind == "welfare_shelter"
    before = fingerprint()
    del before["registry_importrecord"]
    out = tmp_path / "export.csv"

    call_command("export", "shelters", out=str(out), stderr=io.StringIO())
    result = run_import("shelters", out)

    assert "0 created, 0 updated, 2 unchanged" in result.out
    after = fingerprint()
    del after["registry_importrecord"]
    assert after == before


def test_it_can_be_told_the_format(tmp_path):
    path = write(
        tmp_path / "shelters.csv",
        csv_text(
            SASAEAI,
            [["S1", "本町小学校", "本町1", "35.36", "139.32", "shelter", "", "flood", "no", ""]],
        ),
    )

    result = run_import("shelters", path, format="gsi-emergency")

    assert result.code == 2
    assert "1: kind: unknown column" in result.err
