"""`manage.py import hazards|neighbourhoods`: GeoJSON and shapefiles, national land data
attributes, encodings, invalid geometry."""

import json
import subprocess

import pytest

from registry.models import HazardArea, Neighbourhood, Person
from tests.factories import at, make_person
from tests.importing import fingerprint, run_import

pytestmark = pytest.mark.django_db


def ring(west, south, east, north):
    return [
        [
            list(at(west, south)),
            list(at(east, south)),
            list(at(east, north)),
            list(at(west, north)),
            list(at(west, south)),
        ]
    ]


def feature(properties, coordinates, kind="Polygon"):
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def geojson(tmp_path, features, name="areas.geojson"):
    path = tmp_path / name
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    )
    return path


def shapefile(tmp_path, source, encoding):
    """Convert a GeoJSON file into a shapefile with attributes in the given encoding, as the
    national land data ships them (no .cpg, so the reader has to tell)."""
    target = tmp_path / "shape" / "areas.shp"
    target.parent.mkdir()
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "ESRI Shapefile",
            "-lco",
            f"ENCODING={encoding}",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    target.with_suffix(".cpg").unlink(missing_ok=True)
    return target


def test_it_imports_flood_areas_with_levels_and_replaces_them_by_source(tmp_path):
    path = geojson(
        tmp_path,
        [
            feature({"level": 2, "name": "支えあい川"}, ring(0, 0, 100, 100)),
            feature({"level": 4}, ring(100, 0, 200, 100)),
        ],
        name="flood-map.geojson",
    )

    result = run_import("hazards", path, hazard="flood")

    assert result.code == 0, result.err
    assert "2 created" in result.out
    assert list(HazardArea.objects.order_by("level").values_list("level", flat=True)) == [2, 4]
    area = HazardArea.objects.get(level=2)
    assert (area.kind, area.name, area.source) == ("flood", "支えあい川", "flood-map.geojson")
    assert "0 created, 0 updated, 2 unchanged" in run_import("hazards", path, hazard="flood").out

    path.write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": [feature({"level": 3}, ring(0, 0, 100, 100))]}
        )
    )
    result = run_import("hazards", path, hazard="flood")
    assert "1 created, 0 updated, 0 unchanged, 2 deleted" in result.out
    assert list(HazardArea.objects.values_list("level", flat=True)) == [3]


def test_it_reads_national_land_data_attributes(tmp_path):
    flood = geojson(
        tmp_path,
        [
            feature(
                {"A31a_101": "1700010001", "A31a_102": "大聖寺川", "A31a_105": 5},
                ring(0, 0, 50, 50),
            )
        ],
        "A31a.geojson",
    )
    slopes = geojson(
        tmp_path,
        [
            feature({"A33_001": "1", "A33_002": "1"}, ring(0, 0, 50, 50)),
            feature({"A33_001": "1", "A33_002": "2"}, ring(10, 10, 20, 20)),
        ],
        "A33.geojson",
    )

    assert run_import("hazards", flood, hazard="flood").code == 0
    assert run_import("hazards", slopes, hazard="landslide").code == 0

    assert HazardArea.objects.get(kind="flood").level == 5
    assert HazardArea.objects.get(kind="flood").name == "大聖寺川"
    landslide = HazardArea.objects.filter(kind="landslide").order_by("level")
    assert list(landslide.values_list("level", flat=True)) == [1, 2]


def test_it_refuses_an_unknown_landslide_class(tmp_path):
    path = geojson(tmp_path, [feature({"A33_002": "3"}, ring(0, 0, 50, 50))])

    result = run_import("hazards", path, hazard="landslide")

    assert result.code == 1
    assert "1: A33_002: '3' is not a hazard level" in result.err


def test_it_gives_every_area_the_level_asked_for(tmp_path):
    path = geojson(tmp_path, [feature({}, ring(0, 0, 50, 50))])

    assert run_import("hazards", path, hazard="tsunami", level=2).code == 0
    assert HazardArea.objects.get().level == 2


def test_it_refuses_invalid_polygons_naming_the_feature(tmp_path):
    bowtie = [
        [list(at(0, 0)), list(at(100, 100)), list(at(100, 0)), list(at(0, 100)), list(at(0, 0))]
    ]
    line = [list(at(0, 0)), list(at(100, 100))]
    path = geojson(
        tmp_path,
        [
            feature({"level": 1}, ring(0, 0, 50, 50)),
            feature({"level": 1}, bowtie),
            feature({"level": 1}, line, kind="LineString"),
            feature({"level": 9}, ring(0, 0, 50, 50)),
        ],
    )
    before = fingerprint()

    result = run_import("hazards", path, hazard="flood")

    assert result.code == 1
    assert "2: geometry: invalid polygon: Self-intersection" in result.err
    assert "3: geometry: a LineString; expected Polygon or MultiPolygon" in result.err
    assert "4: level: '9' is not a hazard level" in result.err
    assert fingerprint() == before


def test_it_refuses_areas_outside_japan(tmp_path):
    path = geojson(tmp_path, [feature({"level": 1}, [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]])])

    result = run_import("hazards", path, hazard="flood")

    assert result.code == 1
    assert "1: geometry: lies outside Japan" in result.err


def test_it_needs_a_hazard_kind_and_a_readable_file(tmp_path):
    path = geojson(tmp_path, [feature({}, ring(0, 0, 50, 50))])
    junk = tmp_path / "junk.geojson"
    junk.write_text("this is not json")

    assert run_import("hazards", path).code == 2
    result = run_import("hazards", junk, hazard="flood")
    assert result.code == 2 and "not readable as GeoJSON or a shapefile" in result.err


@pytest.mark.parametrize("encoding", ["CP932", "UTF-8"])
def test_it_reads_neighbourhood_shapefiles_in_either_encoding(tmp_path, encoding):
    source = geojson(
        tmp_path,
        [
            feature(
                {"code": "N01", "name": "本町一丁目", "association": "本町町内会"},
                ring(-500, -500, 0, 500),
            ),
            feature({"code": "N02", "name": "桜ヶ丘", "association": ""}, ring(0, -500, 500, 500)),
        ],
    )
    path = shapefile(tmp_path, source, encoding)
    person = make_person(location=at(250, 0))

    result = run_import("neighbourhoods", path)

    assert result.code == 0, result.err
    assert "(shapefile)" in result.out and "2 created" in result.out
    first = Neighbourhood.objects.get(code="N01")
    assert (first.name, first.association) == ("本町一丁目", "本町町内会")
    assert first.geom.covers(at(-250, 0))
    person.refresh_from_db()
    assert person.neighbourhood == Neighbourhood.objects.get(code="N02")
    assert "0 created, 0 updated, 2 unchanged" in run_import("neighbourhoods", path).out


def test_it_updates_neighbourhoods_by_code_and_refuses_duplicates(tmp_path):
    path = geojson(tmp_path, [feature({"code": "N01", "name": "本町"}, ring(0, 0, 100, 100))])
    run_import("neighbourhoods", path)
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [feature({"code": "N01", "name": "新本町"}, ring(0, 0, 200, 200))],
            }
        )
    )

    assert "0 created, 1 updated" in run_import("neighbourhoods", path).out
    assert Neighbourhood.objects.get().name == "新本町"

    duplicate = geojson(
        tmp_path,
        [
            feature({"code": "N01", "name": "a"}, ring(0, 0, 1, 1)),
            feature({"code": "N01", "name": "b"}, ring(2, 2, 3, 3)),
            feature({"name": "c"}, ring(4, 4, 5, 5)),
        ],
        "dup.geojson",
    )
    result = run_import("neighbourhoods", duplicate)
    assert result.code == 1
    assert "2: code: 'N01' appears again (first on feature 1)" in result.err
    assert "3: code: required, but empty or missing" in result.err


def test_it_reads_a_zipped_shapefile(tmp_path):
    import zipfile

    source = geojson(tmp_path, [feature({"code": "N01", "name": "本町"}, ring(0, 0, 100, 100))])
    shp = shapefile(tmp_path, source, "CP932")
    archive = tmp_path / "areas.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in shp.parent.iterdir():
            bundle.write(part, part.name)

    result = run_import("neighbourhoods", archive)

    assert result.code == 0, result.err
    assert Neighbourhood.objects.get().name == "本町"
    assert not Person.objects.exists()
