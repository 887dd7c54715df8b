"""The way to the shelter on paper: drawn on the plan's map along the streets, its streets
named, its length and walking time in the plan's words, and a way that crosses another hazard's
area flagged on the copies of those who can find another one, never on the family's."""

import dataclasses
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import LineString
from django.utils import translation
from PIL import Image
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import String
from reportlab.lib.units import mm

from planner.models import ShelterAssignment
from planner.scenario import Scenario, walking_minutes
from planner.services import plan_run_create
from printouts.bundle import render_bundle
from printouts.card import render_family_card
from printouts.map_streets import ROUTE, Street, chosen_names
from printouts.maps import HOME, Marker, draw_map
from printouts.plan_pdf import render_plan
from printouts.sheets import PlanSheet, plan_sheets
from printouts.streets import streets_within
from printouts.supporter_sheet import supporter_sheet_pdf, supporters_map
from registry.models import Person
from tests.factories import (
    at,
    make_hazard_area,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)
from tests.printouts.test_printouts import agree, flat, text_of
from tests.streets import lay_streets, way

pytestmark = pytest.mark.django_db

WARNING_JA = "別の経路を確認してください"


@pytest.fixture
def town(tmp_path):
    """A home on 桜通り, the flood shelter up 中央通り, a landslide zone across 桜通り on the
    way there, and 北通り, a main road, along the top."""
    area = make_neighbourhood(code="N1", name="本町", geom=square(-800, -800, 800, 800))
    home = make_person(external_id="P-1", name="山田 花子", location=at(-400, 10),
                       neighbourhood=area)  # fmt: skip
    make_shelter(external_id="W-1", name="中央公民館", location=at(600, 610), hazards=["flood"])
    make_hazard_area(kind="landslide", level=1, geom=square(100, -60, 300, 60))
    lay_streets(
        way([(-1200, 0), (1200, 0)], name="桜通り"),
        way([(600, -800), (600, 800)], name="中央通り", highway="secondary"),
        way([(-1200, 600), (1200, 600)], name="北通り", highway="primary"),
        way([(-900, 0), (-900, 600)], highway="footway"),
    )
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    return home


def the_way(person: Any) -> LineString:
    route = ShelterAssignment.objects.get(person=person).route
    assert route is not None
    return route


def sheet_for(person: Any, copy_for: str, lang: str = "ja") -> PlanSheet:
    with translation.override(lang):
        [sheet] = plan_sheets([person], copy_for=copy_for)
    return sheet


def page_with(pdf: bytes, words: str) -> str:
    """The text of the first page that has `words`, white space dropped."""
    pages = [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]
    return next(page for page in pages if flat(words) in page)


def test_the_plan_gives_the_way_along_the_streets_and_its_walking_time(town):
    [destination] = sheet_for(town, "family").destinations
    assert destination.route is not None
    assert destination.route_m is not None
    assert destination.route_m == pytest.approx(10 + 1000 + 600 + 10, abs=4)
    metres = f"{round(destination.route_m):,}"
    minutes = walking_minutes(destination.route_m)

    text = text_of(render_plan(sheet_for(town, "family"), "ja", copy_for="family"))
    assert f"道のり{metres}m・ゆっくり歩いて約{minutes}分" in text
    english = text_of(render_plan(sheet_for(town, "family", "en"), "en", copy_for="family"))
    assert flat(f"{metres} m along the streets, about {minutes} min at a slow pace") in english


def test_the_map_names_the_streets_of_the_way_and_a_main_road(town):
    pdf = render_plan(sheet_for(town, "family"), "ja", copy_for="family")
    legend = page_with(pdf, "道に沿った避難経路")  # the map's legend: the way is drawn
    assert "桜通り" in legend
    assert "中央通り" in legend
    assert "北通り" in legend


def test_the_way_is_named_by_its_streets_longest_along_it_first():
    way_m = {"桜通り": 1000.0, "中央通り": 600.0}
    pieces = [
        Street(((0, 0), (0.001, 0)), "北通り", "primary"),
        Street(((0, 0), (0.01, 0)), "中央通り", "secondary", way_m["中央通り"]),
        Street(((0, 0), (0.001, 0)), "桜通り", "residential", way_m["桜通り"]),
        Street(((0, 0), (0.002, 0)), "裏道", "residential", 8.0),  # only crosses the way
    ]
    assert chosen_names(pieces) == ["桜通り", "中央通り", "北通り", "裏道"]


def test_streets_within_read_the_network_and_the_metres_the_way_runs_along(town):
    route = the_way(town)
    found = streets_within(square(-1300, -900, 1300, 900)[0], [route])
    along: dict[str, float] = {}
    for street in found:
        along[street.name] = along.get(street.name, 0) + street.along_route_m
    assert along["桜通り"] == pytest.approx(1000, abs=10)
    assert along["中央通り"] == pytest.approx(610, abs=10)
    assert along["北通り"] < 15  # crossed at the top, not walked along
    # Cut to the bounds: nothing of the streets beyond them.
    inside = streets_within(square(-100, -100, 100, 100)[0])
    assert {street.name for street in inside} == {"桜通り"}
    assert all(abs(x - at(0, 0).x) < 0.0012 for s in inside for x, _y in s.points)


def test_a_way_across_a_landslide_zone_is_flagged_on_the_officer_copy_only(town):
    [destination] = sheet_for(town, "officer").destinations
    assert destination.crosses == ("崖崩れ、土石流及び地滑り",)

    officer = text_of(render_plan(sheet_for(town, "officer"), "ja", copy_for="officer"))
    assert "中央公民館への避難経路が崖崩れ、土石流及び地滑りの区域を通ります" in officer
    assert WARNING_JA in officer
    commissioner = sheet_for(town, "commissioner")
    assert WARNING_JA in text_of(render_plan(commissioner, "ja", copy_for="commissioner"))
    family = sheet_for(town, "family")
    assert WARNING_JA not in text_of(render_plan(family, "ja", copy_for="family"))
    assert WARNING_JA not in text_of(render_family_card(family, "ja"))
    english = text_of(render_plan(sheet_for(town, "officer", "en"), "en", copy_for="officer"))
    assert flat("crosses an area at risk of landslide, debris flow and slope failure") in english


def test_the_supporters_sheet_gives_the_way_along_the_streets(town):
    supporter = make_supporter(external_id="S-1", location=at(-380, 20),
                               neighbourhood=town.neighbourhood)  # fmt: skip
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    agree(town)
    sheet = sheet_for(town, "association")
    text = text_of(supporter_sheet_pdf(supporter, [sheet], "ja"))
    route_m = sheet.destinations[0].route_m
    assert route_m is not None
    assert f"道のり{round(route_m):,}m" in text
    assert WARNING_JA not in text


def test_a_plan_without_a_street_network_prints_as_before():
    make_person(external_id="P-9", location=at(0, 0))
    make_shelter(external_id="W-9", name="本町小学校", location=at(0, 400), hazards=["flood"])
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    person = Person.objects.get(external_id="P-9")
    sheet = sheet_for(person, "officer")
    assert sheet.destinations[0].route is None
    text = text_of(render_plan(sheet, "ja", copy_for="officer"))
    assert "道のり" not in text
    assert "399m、ゆっくり歩いて約12分" in text
    assert "破線：経路、直線" in text
    english = text_of(render_plan(sheet_for(person, "officer", "en"), "en", copy_for="officer"))
    assert "alongthestreets" not in english


def _inked(drawing: Any, tmp_path: Path, colour: tuple[int, int, int]) -> list[tuple[int, int]]:
    """The pixels of the drawing, printed at 100 dpi, that have about this colour."""
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(renderPDF.drawToString(drawing))
    out = tmp_path / "map"
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(out)], check=True)
    image = Image.open(tmp_path / "map.png").convert("RGB")
    data, width = image.tobytes(), image.width
    return [
        (index % width, index // width)
        for index in range(width * image.height)
        if all(abs(data[3 * index + i] - colour[i]) <= 30 for i in range(3))
    ]


def test_the_way_is_drawn_dark_along_the_streets(town, tmp_path):
    route = the_way(town)
    colour = (round(ROUTE.red * 255), round(ROUTE.green * 255), round(ROUTE.blue * 255))
    home = [Marker(town.location, HOME)]
    drawn = _inked(draw_map(width=178 * mm, height=62 * mm, markers=home, routes=[route],
                            streets=streets_within), tmp_path, colour)  # fmt: skip
    plain = draw_map(width=178 * mm, height=62 * mm, markers=home, streets=streets_within)
    assert _inked(plain, tmp_path, colour) == []
    # 1,600 m of line 3 points wide: hundreds of pixels, spread as the way runs, 1,000 m east
    # then 600 m north (the map keeps one scale both ways).
    assert len(drawn) > 400
    xs, ys = [x for x, _y in drawn], [y for _x, y in drawn]
    assert 1.3 < (max(xs) - min(xs)) / (max(ys) - min(ys)) < 2.1


def test_the_officers_and_the_associations_bundles_warn_of_the_way_too(town):
    for copy_for in ("officer", "association"):
        bundle = render_bundle(neighbourhood="本町", association="本町町内会",
                               sheets=[sheet_for(town, copy_for)], copy_for=copy_for)  # fmt: skip
        assert flat("【洪水】中央公民館への避難経路が") in text_of(bundle)


def test_two_shelters_of_one_name_are_two_markers_each_at_its_own_place(town):
    sheet = sheet_for(town, "family")
    [flood] = sheet.destinations
    elsewhere = dataclasses.replace(
        flood, hazard="崖崩れ、土石流及び地滑り", hazard_key="landslide", route=None,
        location=at(-700, 500), crosses=(),
    )  # fmt: skip
    both = dataclasses.replace(sheet, destinations=[flood, elsewhere])
    text = text_of(render_plan(both, "ja", copy_for="family"))
    assert flat("中央公民館（洪水）") in text
    assert flat("中央公民館（崖崩れ、土石流及び地滑り）") in text


def _texts(node: Any) -> list[str]:
    found = [node.text] if isinstance(node, String) else []
    for child in getattr(node, "contents", []):
        found += _texts(child)
    return found


def test_a_supporters_map_shows_two_shelters_of_one_name_as_two_markers(town):
    supporter = make_supporter(external_id="S-2", location=at(-380, 20),
                               neighbourhood=town.neighbourhood)  # fmt: skip
    sheet = sheet_for(town, "association")
    [flood] = sheet.destinations
    elsewhere = dataclasses.replace(flood, hazard_key="landslide", route=None,
                                    location=at(-700, 500))  # fmt: skip
    drawing = supporters_map(supporter, [(sheet, [flood, elsewhere])], height=60 * mm, pad_m=100)
    assert _texts(drawing).count("中央公民館") == 2
