"""Maps that read in black and white, with labels that never cover one another."""

import json
import re
from pathlib import Path

from reportlab.graphics.shapes import String
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from printouts.fonts import register_fonts
from printouts.map_labels import Box, Placer, overlapping
from printouts.maps import (
    SHELTER,
    STATUS_COLOURS,
    STATUS_SHAPES,
    Marker,
    draw_map,
    status_marker,
)
from tests.factories import at


def test_every_status_has_the_colour_of_the_neighbourhood_page():
    script = Path(__file__).resolve().parents[2] / "pages/static/pages/neighbourhood-map.js"
    table = re.search(r"const colours = (\{[^}]*\})", script.read_text())
    assert table is not None
    on_screen = json.loads(re.sub(r"(\w+):", r'"\1":', table.group(1)))
    for status, colour in on_screen.items():
        hex_digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:])
        assert STATUS_COLOURS[status].hexval().lower() == "0x" + hex_digits.lower(), status


def test_each_status_has_its_own_shape_or_outline_so_colour_is_never_alone():
    looks = {
        (m.drawn_shape, m.hollow)
        for m in (status_marker(at(0, 0), status, "1") for status in STATUS_SHAPES)
    }
    assert len(looks) == len(STATUS_SHAPES)
    assert all(shape != "square" for shape, _hollow in looks), "squares are shelters"


def test_a_placed_label_never_overlaps_another_nor_a_taken_box():
    placer = Placer(200, 200, [Box(90, 90, 20, 20)])
    placed = [placer.label(100, 100, 10, 60, 11) for _ in range(30)]

    boxes = [spot.box for spot in placed if spot is not None]
    assert len(boxes) >= 8
    assert overlapping(boxes) == []
    assert not any(box.overlaps(Box(90, 90, 20, 20)) for box in boxes)
    assert all(box.within(200, 200) for box in boxes)
    # The nearest places first; further ones with a leader line; none when full.
    assert placed[0] is not None and not placed[0].leader
    assert any(spot is not None and spot.leader for spot in placed)
    assert placed[-1] is None


def _label_boxes(drawing, texts: set[str]) -> list[Box]:
    font = register_fonts()
    boxes = []
    for item in drawing.contents:
        if isinstance(item, String) and item.text in texts:
            width = stringWidth(item.text, font, item.fontSize)
            boxes.append(Box(item.x, item.y - 2, width, item.fontSize + 1))
    return boxes


def test_a_crowded_map_draws_no_two_labels_over_each_other():
    names = {f"第{n}避難所（本町{n}丁目集会所）" for n in range(1, 16)}
    markers = [
        Marker(at(15 * (n % 5), 12 * (n // 5)), SHELTER, f"第{n}避難所（本町{n}丁目集会所）",
               square=True)
        for n in range(1, 16)
    ]  # fmt: skip
    markers += [status_marker(at(10 * n, 5 * (n % 3)), "partial", str(n)) for n in range(1, 30)]

    drawing = draw_map(width=178 * mm, height=120 * mm, markers=markers, pad_m=60,
                       legend=[(SHELTER, "避難先", "square")])  # fmt: skip

    boxes = _label_boxes(drawing, names)
    assert 5 <= len(boxes) <= len(names)
    assert overlapping(boxes) == []


def test_numbered_markers_that_would_cover_each_other_are_drawn_apart():
    markers = [status_marker(at(n, 0), "covered", str(n)) for n in range(1, 9)]

    drawing = draw_map(width=150 * mm, height=100 * mm, markers=markers, pad_m=50)

    wanted = {str(n) for n in range(1, 9)}
    numbers = [
        item for item in drawing.contents if isinstance(item, String) and item.text in wanted
    ]
    assert sorted(item.text for item in numbers) == [str(n) for n in range(1, 9)]
    spots = [(round(item.x), round(item.y)) for item in numbers]
    assert len(set(spots)) == len(spots)
    side = 2 * 3.2 * mm
    boxes = [Box.centred(x, y, side - 1, side - 1) for x, y in spots]
    assert overlapping(boxes) == []


def test_a_polygons_outer_ring_is_read_from_its_wkb_as_geos_gives_it():
    from django.contrib.gis.geos import Polygon

    from printouts.maps import _outer_ring

    flat_ring = ((0, 0), (1, 0), (1, 2), (0, 0))
    holed = Polygon(flat_ring, ((0.1, 0.1), (0.2, 0.1), (0.2, 0.2), (0.1, 0.1)))
    raised = Polygon(((0, 0, 5), (1, 0, 5), (1, 2, 5), (0, 0, 5)))

    assert _outer_ring(holed) == list(holed.exterior_ring.coords)
    assert _outer_ring(raised) == [(x, y) for x, y, _z in raised.exterior_ring.coords]


def test_a_crowded_overview_draws_no_marker_over_another_nor_over_the_legend():
    """90 homes within 300 m, their supporters and 4 shelters, as a neighbourhood's overview
    draws them: every marker's box apart from every other and from the legend and scale bar."""
    from printouts.maps import Frame, lay_out_markers

    statuses = list(STATUS_SHAPES)
    markers = [
        status_marker(at(((n * 37) % 600) - 300, ((n * 53) % 600) - 300),
                      statuses[n % len(statuses)], str(n + 1))
        for n in range(90)
    ]  # fmt: skip
    markers += [Marker(at(((n * 41) % 500) - 250, ((n * 29) % 500) - 250), SHELTER, size=1.6 * mm)
                for n in range(40)]  # fmt: skip
    markers += [Marker(at(x, y), SHELTER, f"避難所{x}", square=True)
                for x, y in ((0, 0), (-290, 280), (150, -120), (-37, 53))]  # fmt: skip
    legend = [(STATUS_COLOURS[s], s, STATUS_SHAPES[s]) for s in STATUS_SHAPES]
    font = register_fonts()
    frame = Frame.around([m.point for m in markers], 178 * mm, 230 * mm, 10 * mm, 100)

    layout = lay_out_markers(frame, markers, legend, font)

    boxes = [spot.box for spot in layout.spots]
    assert overlapping(boxes) == []
    assert not any(box.overlaps(other) for box in boxes for other in layout.furniture)
    assert all(box.within(frame.width, frame.height) for box in boxes)
    # The map is drawn as laid out (no error), numbers all there.
    drawing = draw_map(width=178 * mm, height=230 * mm, markers=markers, legend=legend, pad_m=100)
    numbers = {i.text for i in drawing.contents if isinstance(i, String)}
    assert {str(n) for n in range(1, 91)} <= numbers


def test_a_point_under_the_legend_is_drawn_out_of_it():
    from printouts.maps import _clear_frame, _furniture, _under

    legend = [(SHELTER, f"凡例{n}", "square") for n in range(8)]
    points = [at(-300, 300), at(300, -300), at(0, 0)]
    font = register_fonts()

    frame = _clear_frame(points, 178 * mm, 120 * mm, 20, legend, font)

    assert not any(
        _under(box, *frame.xy(p.x, p.y)) for box in _furniture(frame, legend, font) for p in points
    )
