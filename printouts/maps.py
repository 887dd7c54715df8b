"""Maps drawn as vectors (no web tiles, so they print offline): a local metric plane around
the area shown, hazard areas shaded, the neighbourhood outline, points with a legend, a scale
bar and a north arrow."""

import math
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.contrib.gis.geos import GEOSGeometry, LineString, MultiPolygon, Point
from django.contrib.gis.geos import Polygon as Polygon_
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, Shape, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from printouts.fonts import register_fonts
from printouts.map_labels import Box, Placed, Placer
from printouts.map_streets import (
    CASING_WIDTH,
    ROUTE_WIDTH,
    StreetsWithin,
    draw_routes,
    draw_street_names,
    draw_streets,
    route_boxes,
)

HAZARD_FILL = colors.Color(0.25, 0.55, 0.95, alpha=0.30)
OUTLINE = colors.Color(0.35, 0.35, 0.35)
HOME = colors.Color(0.80, 0.10, 0.10)
HELPER = colors.Color(0.05, 0.50, 0.20)
SHELTER = colors.Color(0.10, 0.20, 0.70)
GAP = colors.Color(0.85, 0.45, 0.00)
# A person's status on an overview, in the colours of the neighbourhood page's map, so that
# paper and screen never say opposite things with the same colour.
STATUS_COLOURS = {
    "covered": colors.HexColor("#1b6e34"),
    "partial": colors.HexColor("#b35900"),
    "uncovered": colors.HexColor("#c00000"),
    "no_consent": colors.HexColor("#666666"),
    "": colors.HexColor("#666666"),
}
SUPPORTER = colors.HexColor("#0b4a8b")
INK = colors.Color(0.08, 0.08, 0.08)


# A person's status also has a shape, so that a map printed in black and white (or read by
# someone who does not tell red from green) still says it: the colour alone never does.
STATUS_SHAPES = {
    "covered": "circle",
    "partial": "diamond",
    "uncovered": "triangle",
    "no_consent": "hexagon",
    "": "circle",
}
# Statuses drawn as an outline only: nothing planned yet, or nothing that may be planned.
HOLLOW_STATUSES = frozenset({"", "no_consent"})
SHAPES = ("circle", "square", "diamond", "triangle", "hexagon")


@dataclass(frozen=True)
class Marker:
    point: Point
    colour: colors.Color
    label: str = ""
    size: float = 2.2 * mm
    square: bool = False
    shape: str = ""  # one of SHAPES; "" for a circle, or a square with `square`
    number: str = ""  # written inside the marker, to be found on a list beside the map
    hollow: bool = False
    number_size: float = 0  # the number's type size; 0: as large as the marker allows

    @property
    def drawn_shape(self) -> str:
        return self.shape or ("square" if self.square else "circle")


def status_marker(
    point: Point, status: str, number: str, size: float = 3.2 * mm, number_size: float = 0
) -> Marker:
    """A person's marker on an overview: the status's colour and shape, the number inside."""
    known = status if status in STATUS_SHAPES else ""
    return Marker(
        point,
        STATUS_COLOURS.get(known, STATUS_COLOURS[""]),
        size=size,
        shape=STATUS_SHAPES[known],
        number=number,
        hollow=known in HOLLOW_STATUSES,
        number_size=number_size,
    )


@dataclass(frozen=True)
class Frame:
    """Lon/lat → drawing coordinates, same scale both ways (metres on a local plane)."""

    lon0: float
    lat0: float
    scale: float  # drawing units per metre
    width: float
    height: float
    margin: float

    @classmethod
    def around(
        cls, points: Sequence[Point], width: float, height: float, margin: float, pad_m: float
    ) -> "Frame":
        lons = [p.x for p in points]
        lats = [p.y for p in points]
        lon0, lat0 = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
        span_x = (max(lons) - min(lons)) * 111_320 * math.cos(math.radians(lat0)) + 2 * pad_m
        span_y = (max(lats) - min(lats)) * 110_574 + 2 * pad_m
        scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
        return cls(lon0, lat0, scale, width, height, margin)

    def bounds(self) -> Polygon_:
        """The map's area in longitude and latitude, to clip areas to it."""
        half_x = self.width / 2 / self.scale / (111_320 * math.cos(math.radians(self.lat0)))
        half_y = self.height / 2 / self.scale / 110_574
        return Polygon_.from_bbox(
            (self.lon0 - half_x, self.lat0 - half_y, self.lon0 + half_x, self.lat0 + half_y)
        )

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.lon0) * 111_320 * math.cos(math.radians(self.lat0)) * self.scale
        y = (lat - self.lat0) * 110_574 * self.scale
        return self.width / 2 + x, self.height / 2 + y


def _polygons(
    frame: Frame, shape: GEOSGeometry, bounds: Polygon_ | None = None
) -> Iterable[list[float]]:
    """Outer rings of the shape's part inside the map (drawings do not clip by themselves);
    `bounds`, the frame's, when the caller has them already."""
    clipped = shape.intersection(bounds if bounds is not None else frame.bounds())
    parts = (
        [clipped]
        if isinstance(clipped, Polygon_)
        else list(getattr(clipped, "__iter__", lambda: [])())
    )
    for polygon in parts:
        if not isinstance(polygon, Polygon_) or polygon.empty:
            continue
        points: list[float] = []
        for lon, lat in _outer_ring(polygon):
            points.extend(frame.xy(lon, lat))
        yield points


def _outer_ring(polygon: Polygon_) -> Iterable[tuple[float, float]]:
    """The polygon's outer ring as (lon, lat), read from its WKB in one go: GEOS's coordinate
    accessors cost a call per number, thousands per map."""
    data = memoryview(bytes(polygon.wkb))
    order = "<" if data[0] == 1 else ">"
    kind, rings = struct.unpack_from(f"{order}II", data, 1)
    dims = 3 if kind & 0x80000000 or 1000 <= kind % 0x80000000 < 2000 else 2
    if not rings:
        return []
    (count,) = struct.unpack_from(f"{order}I", data, 9)
    values = struct.unpack_from(f"{order}{count * dims}d", data, 13)
    return list(zip(values[0::dims], values[1::dims], strict=True))


# (colour, words), (colour, words, shape), or (None, words): a line of words alone.
LegendEntry = tuple[colors.Color | None, str] | tuple[colors.Color, str, str]
Legend = Sequence[LegendEntry]
LABEL_SIZE = 9
NUMBER_COLOUR = colors.white


def draw_map(
    *,
    width: float,
    height: float,
    markers: Sequence[Marker],
    lines: Sequence[tuple[Point, Point]] = (),
    hazard_areas: Sequence[MultiPolygon] = (),
    outline: MultiPolygon | None = None,
    legend: Legend = (),
    pad_m: float = 150,
    routes: Sequence[LineString] = (),
    streets: StreetsWithin | None = None,
) -> Drawing:
    """The map. Numbered markers keep their numbers readable: one that would cover another is
    drawn beside its point with a leader line; labels go where they cover neither a marker nor
    another label (printouts.map_labels), and are left out where there is no room. A legend
    entry is (colour, words) or (colour, words, shape) with a shape of SHAPES, or "line" for
    the way along the streets.

    `routes`, ways along the streets (EPSG:4326), are drawn as thick dark lines under the
    markers, and the map takes them in whole; `streets` gives the streets within the map's
    bounds, drawn lightly under everything else, a few of them named (map_streets)."""
    font = register_fonts()
    drawing = Drawing(width, height)
    drawing.add(
        Rect(0, 0, width, height, fillColor=colors.white, strokeColor=OUTLINE, strokeWidth=0.8)
    )
    points = [m.point for m in markers] or [Point(139.0, 35.0)]
    points += [Point(lon, lat) for route in routes for lon, lat in route.coords]
    frame = _clear_frame(points, width, height, pad_m, legend, font)
    bounds = frame.bounds()
    around = streets(bounds) if streets is not None else []
    for area in hazard_areas:
        for ring in _polygons(frame, area, bounds):
            drawing.add(Polygon(ring, fillColor=HAZARD_FILL, strokeColor=None))
    draw_streets(drawing, frame, around)
    if outline is not None:
        for ring in _polygons(frame, outline, bounds):
            drawing.add(
                Polygon(
                    ring,
                    fillColor=None,
                    strokeColor=OUTLINE,
                    strokeWidth=1.2,
                    strokeDashArray=[4, 3],
                )
            )
    for start, end in lines:
        x1, y1 = frame.xy(start.x, start.y)
        x2, y2 = frame.xy(end.x, end.y)
        drawing.add(
            Line(x1, y1, x2, y2, strokeColor=SHELTER, strokeWidth=1.6, strokeDashArray=[6, 3])
        )
    draw_routes(drawing, frame, routes)
    layout = lay_out_markers(frame, markers, legend, font)
    # Taken after the markers (the way starts at the home's marker), before any label.
    for box in route_boxes(frame, routes):
        layout.placer.take(box)
    for index, spot in enumerate(layout.spots):
        if spot.leader:
            x, y = frame.xy(markers[index].point.x, markers[index].point.y)
            cx, cy = spot.box.centre
            # A person's number is read by its line; a supporter or a shelter moved aside, less.
            ink, line = (colors.black, 0.6) if markers[index].number else (OUTLINE, 0.4)
            drawing.add(Line(x, y, cx, cy, strokeColor=ink, strokeWidth=line))
            drawing.add(Circle(x, y, 0.6 * mm, fillColor=ink, strokeColor=None))
    for marker, spot in zip(markers, layout.spots, strict=True):
        _draw_marker(drawing, layout.drawn(marker, spot), *spot.box.centre, font)
    for marker, spot in zip(markers, layout.spots, strict=True):
        if marker.label:
            _draw_label(drawing, layout.placer, marker, spot.box, font)
    draw_street_names(drawing, frame, around, layout.placer, font)
    drawing.add(Rect(0, 0, width, height, fillColor=None, strokeColor=OUTLINE, strokeWidth=0.8))
    _scale_bar(drawing, frame, font)
    _north_arrow(drawing, width, height, font)
    _legend(drawing, legend, font, height)
    return drawing


# How much a marker's shape reaches beyond its `size` (half-width), so that its box holds the
# corners of a diamond, the tip of a triangle and the outline's stroke.
REACH = {"circle": 1.0, "square": 1.0, "diamond": 1.3, "triangle": 1.6, "hexagon": 1.1}
# The order markers are placed in: shelters on their points first (few, and where people go),
# then the numbered people, then the rest.
PLACING_ORDER = {"shelter": 0, "numbered": 1, "other": 2}


def _half(marker: Marker) -> float:
    return marker.size * REACH[marker.drawn_shape] + (1.6 if marker.hollow else 0.8)


@dataclass(frozen=True)
class MarkerLayout:
    """Where each marker is drawn (`spots`, in the markers' order), on a map whose legend, scale
    bar and north arrow were taken first (`furniture`): no two spots overlap, nor any spot the
    furniture, as long as the map has room for them."""

    placer: Placer
    spots: list[Placed]
    furniture: list[Box]

    def drawn(self, marker: Marker, spot: Placed) -> Marker:
        """The marker at the size its spot allowed: smaller where the map is crowded."""
        half = _half(marker)
        wanted = 2 * half
        if spot.box.width >= wanted - 0.01:
            return marker
        shrink = spot.box.width / 2 - (half - marker.size * REACH[marker.drawn_shape])
        return replace(marker, size=shrink / REACH[marker.drawn_shape],
                       number_size=marker.number_size * spot.box.width / wanted)  # fmt: skip


def lay_out_markers(frame: Frame, markers: Sequence[Marker], legend: Legend,
                    font: str) -> MarkerLayout:  # fmt: skip
    """Each marker on its point where that is free, else nearest beside it (a leader line
    joins them), smaller where nothing is free at its size."""
    furniture = _furniture(frame, legend, font)
    placer = Placer(frame.width, frame.height, furniture)

    def kind(marker: Marker) -> int:
        if marker.square and not marker.number:
            return PLACING_ORDER["shelter"]
        return PLACING_ORDER["numbered" if marker.number else "other"]

    spots: dict[int, Placed] = {}
    for index in sorted(range(len(markers)), key=lambda i: kind(markers[i])):
        marker = markers[index]
        x, y = frame.xy(marker.point.x, marker.point.y)
        spots[index] = placer.badge(x, y, _half(marker))
    return MarkerLayout(placer, [spots[i] for i in range(len(markers))], furniture)


def _clear_frame(points: Sequence[Point], width: float, height: float, pad_m: float,
                 legend: Legend, font: str) -> Frame:  # fmt: skip
    """The frame around the points, drawn out a little at a time while a point would lie
    under the legend, the scale bar or the north arrow (its marker then sits apart from it,
    its leader line running under them)."""
    frame = Frame.around(points, width, height, 10 * mm, pad_m)
    for _attempt in range(6):
        boxes = _furniture(frame, legend, font)
        spots = [frame.xy(p.x, p.y) for p in points]
        if not any(_under(box, x, y) for box in boxes for x, y in spots):
            return frame
        frame = replace(frame, scale=frame.scale / 1.2)
    return frame


def _under(box: Box, x: float, y: float, room: float = 2 * mm) -> bool:
    return (box.x - room <= x <= box.x + box.width + room
            and box.y - room <= y <= box.y + box.height + room)  # fmt: skip


def _scale_length(frame: Frame) -> int:
    """The scale bar's length in metres: a round number near a quarter of the map's width."""
    target = (frame.width * 0.25) / frame.scale
    steps = (50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)
    return next((step for step in steps if step >= target * 0.6), 10000)


def _furniture(frame: Frame, legend: Legend, font: str) -> list[Box]:
    """Where the legend, the scale bar and the north arrow go: no marker nor label may cover
    them."""
    width, height = frame.width, frame.height
    bar = _scale_length(frame) * frame.scale + 64 + 8 * mm
    boxes = [Box(0, 0, bar, 12 * mm), Box(width - 15 * mm, height - 18 * mm, 15 * mm, 18 * mm)]
    if legend:
        boxes.append(Box(0, height - _legend_height(legend) - 8 * mm, _legend_width(legend, font)
                         + 8 * mm, _legend_height(legend) + 8 * mm))  # fmt: skip
    return boxes


def _draw_label(drawing: Drawing, placer: Placer, marker: Marker, at: Box, font: str) -> None:
    text_width = stringWidth(marker.label, font, LABEL_SIZE)
    cx, cy = at.centre
    spot = placer.label(cx, cy, at.width / 2, text_width + 2, LABEL_SIZE + 2)
    if spot is None:
        return
    box = spot.box
    # A white ground keeps the words readable over a hazard area or a dashed outline.
    drawing.add(Rect(box.x, box.y, box.width, box.height, fillColor=colors.Color(1, 1, 1, 0.8),
                     strokeColor=None))  # fmt: skip
    if spot.leader:
        lx, ly = box.nearest_point(cx, cy)
        drawing.add(Line(cx, cy, lx, ly, strokeColor=OUTLINE, strokeWidth=0.5))
    drawing.add(String(box.x + 1, box.y + 2.5, marker.label, fontName=font, fontSize=LABEL_SIZE))


def _shape(shape: str, x: float, y: float, size: float, fill: object, stroke: object,
           width: float) -> Shape:  # fmt: skip
    style = {"fillColor": fill, "strokeColor": stroke, "strokeWidth": width}
    if shape == "square":
        return Rect(x - size, y - size, 2 * size, 2 * size, **style)
    if shape == "diamond":
        r = size * 1.3
        return Polygon([x, y + r, x + r, y, x, y - r, x - r, y], **style)
    if shape == "triangle":
        # Large enough that a number fits in its lower part.
        r = size * 1.6
        h = r * math.sqrt(3) / 2
        return Polygon([x, y + r, x + h, y - r / 2, x - h, y - r / 2], **style)
    if shape == "hexagon":
        r = size * 1.1
        corners = [(x + r * math.cos(math.pi / 3 * k), y + r * math.sin(math.pi / 3 * k))
                   for k in range(6)]  # fmt: skip
        return Polygon([v for corner in corners for v in corner], **style)
    return Circle(x, y, size, **style)


def _draw_marker(drawing: Drawing, marker: Marker, x: float, y: float, font: str) -> None:
    shape = marker.drawn_shape
    if marker.hollow:
        drawing.add(_shape(shape, x, y, marker.size, colors.white, marker.colour, 1.6))
    else:
        drawing.add(_shape(shape, x, y, marker.size, marker.colour, colors.white, 0.8))
    if marker.number:
        size = marker.size * (1.05 if len(marker.number) < 3 else 0.8)
        lift = 0.0
        if shape == "triangle":
            # Its room is narrower: the number a little smaller, just below the centre.
            size *= 0.85 if len(marker.number) < 2 else 0.75
            lift = -marker.size * 0.15
        size = marker.number_size or size
        ink = INK if marker.hollow else NUMBER_COLOUR
        drawing.add(String(x, y + lift - size * 0.35, marker.number, fontName=font,
                           fontSize=size, fillColor=ink, textAnchor="middle"))  # fmt: skip


def _scale_bar(drawing: Drawing, frame: Frame, font: str) -> None:
    length = _scale_length(frame)
    x0, y0 = 6 * mm, 6 * mm
    drawing.add(
        Rect(
            x0 - 2,
            y0 - 3,
            length * frame.scale + 4 + 60,
            14,
            fillColor=colors.white,
            strokeColor=None,
        )
    )
    drawing.add(
        Line(x0, y0, x0 + length * frame.scale, y0, strokeColor=colors.black, strokeWidth=2)
    )
    for x in (x0, x0 + length * frame.scale):
        drawing.add(Line(x, y0 - 2, x, y0 + 3, strokeColor=colors.black, strokeWidth=1))
    label = f"{length // 1000} km" if length >= 1000 else f"{length} m"
    drawing.add(String(x0 + length * frame.scale + 4, y0 - 2, label, fontName=font, fontSize=9))


def _north_arrow(drawing: Drawing, width: float, height: float, font: str) -> None:
    x, y = width - 9 * mm, height - 16 * mm
    drawing.add(
        Polygon(
            [x, y + 10 * mm, x - 3 * mm, y, x + 3 * mm, y], fillColor=colors.black, strokeColor=None
        )
    )
    drawing.add(String(x - 1.5 * mm, y + 11 * mm, _("N"), fontName=font, fontSize=10))


def _legend_height(legend: Legend) -> float:
    return float(5 * mm * len(legend))


def _legend_width(legend: Legend, font: str) -> float:
    widest = max((stringWidth(entry[1], font, 9) for entry in legend), default=0)
    return float(max(40 * mm, widest + 8 * mm))


def _legend(drawing: Drawing, legend: Legend, font: str, height: float) -> None:
    if not legend:
        return
    x, y = 5 * mm, height - 7 * mm
    rows = _legend_height(legend)
    drawing.add(
        Rect(x - 2, y - rows + 3 * mm, _legend_width(legend, font), rows + 1 * mm,
             fillColor=colors.white, strokeColor=OUTLINE, strokeWidth=0.5)
    )  # fmt: skip
    for entry in legend:
        colour, text = entry[0], entry[1]
        if colour is None:
            drawing.add(String(x, y, text, fontName=font, fontSize=9))
            y -= 5 * mm
            continue
        if len(entry) == 3 and entry[2] == "line":
            y_mid = y + 1.5 * mm - 1
            drawing.add(Line(x - 0.5 * mm, y_mid, x + 3.5 * mm, y_mid, strokeColor=colors.white,
                             strokeWidth=CASING_WIDTH))  # fmt: skip
            drawing.add(Line(x - 0.5 * mm, y_mid, x + 3.5 * mm, y_mid, strokeColor=colour,
                             strokeWidth=ROUTE_WIDTH, strokeLineCap=1))  # fmt: skip
        elif len(entry) == 3:
            shape = entry[2]
            hollow = shape.startswith("hollow-")
            glyph = Marker(Point(0, 0), colour, size=1.5 * mm, shape=shape.removeprefix("hollow-"),
                           hollow=hollow)  # fmt: skip
            _draw_marker(drawing, glyph, x + 1.5 * mm, y + 1.5 * mm - 1, font)
        else:
            drawing.add(Rect(x, y - 1, 3 * mm, 3 * mm, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 5 * mm, y, text, fontName=font, fontSize=9))
        y -= 5 * mm


def marker_glyph(marker: Marker) -> Drawing:
    """The marker alone, as a list beside the map shows it (the roster's numbers)."""
    side = marker.size * 3.2
    drawing = Drawing(side, side)
    _draw_marker(drawing, marker, side / 2, side / 2, register_fonts())
    return drawing
