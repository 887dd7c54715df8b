"""Maps drawn as vectors (no web tiles, so they print offline): a local metric plane around
the area shown, hazard areas shaded, the neighbourhood outline, points with a legend, a scale
bar and a north arrow."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.contrib.gis.geos import Polygon as Polygon_
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from printouts.fonts import register_fonts

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
    "": colors.HexColor("#666666"),
}
SUPPORTER = colors.HexColor("#0b4a8b")


@dataclass(frozen=True)
class Marker:
    point: Point
    colour: colors.Color
    label: str = ""
    size: float = 2.2 * mm
    square: bool = False


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


def _polygons(frame: Frame, shape: GEOSGeometry) -> Iterable[list[float]]:
    """Outer rings of the shape's part inside the map (drawings do not clip by themselves)."""
    clipped = shape.intersection(frame.bounds())
    parts = (
        [clipped]
        if isinstance(clipped, Polygon_)
        else list(getattr(clipped, "__iter__", lambda: [])())
    )
    for polygon in parts:
        if not isinstance(polygon, Polygon_) or polygon.empty:
            continue
        points: list[float] = []
        for lon, lat in polygon.exterior_ring.coords:
            points.extend(frame.xy(lon, lat))
        yield points


def draw_map(
    *,
    width: float,
    height: float,
    markers: Sequence[Marker],
    lines: Sequence[tuple[Point, Point]] = (),
    hazard_areas: Sequence[MultiPolygon] = (),
    outline: MultiPolygon | None = None,
    legend: Sequence[tuple[colors.Color, str]] = (),
    pad_m: float = 150,
) -> Drawing:
    font = register_fonts()
    drawing = Drawing(width, height)
    drawing.add(
        Rect(0, 0, width, height, fillColor=colors.white, strokeColor=OUTLINE, strokeWidth=0.8)
    )
    points = [m.point for m in markers] or [Point(139.0, 35.0)]
    frame = Frame.around(points, width, height, 10 * mm, pad_m)
    for area in hazard_areas:
        for ring in _polygons(frame, area):
            drawing.add(Polygon(ring, fillColor=HAZARD_FILL, strokeColor=None))
    if outline is not None:
        for ring in _polygons(frame, outline):
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
    for marker in markers:
        x, y = frame.xy(marker.point.x, marker.point.y)
        if marker.square:
            side = 2 * marker.size
            drawing.add(
                Rect(x - marker.size, y - marker.size, side, side, fillColor=marker.colour,
                     strokeColor=colors.white, strokeWidth=0.8)
            )  # fmt: skip
        else:
            drawing.add(
                Circle(
                    x,
                    y,
                    marker.size,
                    fillColor=marker.colour,
                    strokeColor=colors.white,
                    strokeWidth=0.8,
                )
            )
        if marker.label:
            drawing.add(
                String(x + marker.size + 1.5, y - 3, marker.label, fontName=font, fontSize=9)
            )
    drawing.add(Rect(0, 0, width, height, fillColor=None, strokeColor=OUTLINE, strokeWidth=0.8))
    _scale_bar(drawing, frame, font)
    _north_arrow(drawing, width, height, font)
    _legend(drawing, legend, font, height)
    return drawing


def _scale_bar(drawing: Drawing, frame: Frame, font: str) -> None:
    target = (frame.width * 0.25) / frame.scale
    length = next(
        (
            step
            for step in (50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)
            if step >= target * 0.6
        ),
        10000,
    )
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


def _legend(
    drawing: Drawing, legend: Sequence[tuple[colors.Color, str]], font: str, height: float
) -> None:
    if not legend:
        return
    x, y = 5 * mm, height - 7 * mm
    rows = 5 * mm * len(legend)
    drawing.add(
        Rect(x - 2, y - rows + 3 * mm, 62 * mm, rows + 1 * mm, fillColor=colors.white,
             strokeColor=OUTLINE, strokeWidth=0.5)
    )  # fmt: skip
    for colour, text in legend:
        drawing.add(Rect(x, y - 1, 3 * mm, 3 * mm, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 5 * mm, y, text, fontName=font, fontSize=9))
        y -= 5 * mm
