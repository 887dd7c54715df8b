"""Streets on a map: the streets around drawn lightly, the way to a shelter as a thick dark line
on a white casing (it reads in black and white, over the streets and the hazard areas alike),
and a few street names beside their streets where they cover nothing else: the names of the
way first, the longest along it first, then a few main roads. Pure drawing: the streets come
from the caller (printouts.streets reads them)."""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from django.contrib.gis.geos import LineString, Polygon
from reportlab.graphics.shapes import Drawing, Path, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from printouts.map_labels import Box, Placer


class Frame(Protocol):
    """Where a map puts a point: printouts.maps.Frame."""

    def xy(self, lon: float, lat: float) -> tuple[float, float]: ...


# Near black in greyscale, yet not the black of the map's words and furniture.
ROUTE = colors.Color(0.10, 0.10, 0.38)
ROUTE_WIDTH = 3.0
CASING_WIDTH = 6.0
STREET_INK = colors.Color(0.68, 0.68, 0.68)
STREET_TEXT = colors.Color(0.25, 0.25, 0.25)
STREET_LABEL_SIZE = 8
# How many names of the way, and of other streets, a map writes at most.
ROUTE_NAMES = 3
OTHER_NAMES = 3
# A street the way only crosses shares a few metres with it (the width of its corridor):
# it is not a street the way runs along.
ALONG_AT_LEAST_M = 15.0

# Main roads first among the other streets; footways last.
HIGHWAY_RANK = {
    "trunk": 0, "primary": 0, "secondary": 1, "tertiary": 2, "unclassified": 3,
    "residential": 4, "living_street": 4, "pedestrian": 5, "service": 6,
}  # fmt: skip
# Line widths (points) by kind; footways and steps dashed.
MAIN_ROADS = frozenset({"trunk", "primary", "secondary", "tertiary"})
PATHS = frozenset({"footway", "path", "pedestrian", "track", "steps", "cycleway", "bridleway"})


@dataclass(frozen=True)
class Street:
    """A piece of a street inside the map, as (longitude, latitude) points, with the metres of
    it that a way to a shelter runs along."""

    points: tuple[tuple[float, float], ...]
    name: str
    highway: str
    along_route_m: float = 0.0

    @property
    def kind(self) -> str:
        return self.highway.removesuffix("_link")


# What a map asks for: the streets within its bounds (a polygon in EPSG:4326).
StreetsWithin = Callable[[Polygon], Sequence[Street]]


def draw_streets(drawing: Drawing, frame: Frame, streets: Iterable[Street]) -> None:
    """The streets, light: main roads wider, footways and steps thin and dashed. One path per
    kind of line rather than one shape per street: a map has hundreds of streets."""
    paths: dict[tuple[float, tuple[float, ...] | None], Path] = {}
    for street in streets:
        if len(street.points) < 2:
            continue
        kind = street.kind
        width = 1.8 if kind in MAIN_ROADS else 0.6 if kind in PATHS else 1.0
        dash = (1.2, 1.2) if kind == "steps" else (3.0, 1.5) if kind in PATHS else None
        path = paths.get((width, dash))
        if path is None:
            path = paths[width, dash] = Path(
                strokeColor=STREET_INK, strokeWidth=width, fillColor=None,
                strokeDashArray=list(dash) if dash else None, strokeLineCap=1, strokeLineJoin=1,
            )  # fmt: skip
        (x, y), *rest = [frame.xy(lon, lat) for lon, lat in street.points]
        path.moveTo(x, y)
        for x, y in rest:
            path.lineTo(x, y)
    # Wide lines first, so that the thin dashed paths stay visible where they meet them.
    for _, path in sorted(paths.items(), key=lambda item: -item[0][0]):
        drawing.add(path)


def draw_routes(drawing: Drawing, frame: Frame, routes: Iterable[LineString]) -> None:
    """Each way: a white casing, then the dark line on it, with round joins at the corners."""
    lines = [[v for lon, lat in route.coords for v in frame.xy(lon, lat)] for route in routes]
    for points in lines:
        drawing.add(PolyLine(points, strokeColor=colors.white, strokeWidth=CASING_WIDTH,
                             strokeLineCap=1, strokeLineJoin=1))  # fmt: skip
    for points in lines:
        drawing.add(PolyLine(points, strokeColor=ROUTE, strokeWidth=ROUTE_WIDTH,
                             strokeLineCap=1, strokeLineJoin=1))  # fmt: skip


def route_boxes(frame: Frame, routes: Iterable[LineString], step: float = 3.0) -> list[Box]:
    """Small boxes along each way, so that no label covers it."""
    boxes = []
    for route in routes:
        points = [frame.xy(lon, lat) for lon, lat in route.coords]
        for (x1, y1), (x2, y2) in pairwise(points):
            count = max(1, math.ceil(math.hypot(x2 - x1, y2 - y1) / step))
            for i in range(count + 1):
                x, y = x1 + (x2 - x1) * i / count, y1 + (y2 - y1) * i / count
                boxes.append(Box.centred(x, y, CASING_WIDTH, CASING_WIDTH))
    return boxes


def chosen_names(streets: Sequence[Street]) -> list[str]:
    """The street names a map writes, in order: those the way runs along (longest along it
    first), then a few others, main roads first and the longest of a kind first."""
    along: dict[str, float] = defaultdict(float)
    length: dict[str, float] = defaultdict(float)
    rank: dict[str, int] = {}
    for street in streets:
        if not street.name:
            continue
        along[street.name] += street.along_route_m
        length[street.name] += _metres(street.points)
        rank[street.name] = min(rank.get(street.name, 9), HIGHWAY_RANK.get(street.kind, 7))
    on_way = sorted((n for n in along if along[n] >= ALONG_AT_LEAST_M), key=lambda n: -along[n])
    on_way = on_way[:ROUTE_NAMES]
    others = sorted((n for n in length if n not in on_way), key=lambda n: (rank[n], -length[n]))
    return on_way + others[:OTHER_NAMES]


def draw_street_names(
    drawing: Drawing, frame: Frame, streets: Sequence[Street], placer: Placer, font: str
) -> list[str]:
    """The chosen names, each beside a piece of its street where the placer finds room (the
    pieces the way runs along first, longest first); returns the names written."""
    written = []
    for name in chosen_names(streets):
        pieces = sorted(
            ([frame.xy(lon, lat) for lon, lat in s.points] for s in streets if s.name == name),
            key=lambda piece: -_drawn_length(piece),
        )
        on_way = [s for s in streets if s.name == name and s.along_route_m >= ALONG_AT_LEAST_M]
        if on_way:
            firsts = [[frame.xy(lon, lat) for lon, lat in s.points] for s in on_way]
            pieces = sorted(firsts, key=lambda piece: -_drawn_length(piece)) + pieces
        for box, vertical in _candidates(name, pieces, font):
            if placer.free(box):
                placer.take(box)
                placer.labels.append(box)
                _draw_name(drawing, name, box, vertical, font)
                written.append(name)
                break
    return written


def _candidates(
    name: str, pieces: Sequence[Sequence[tuple[float, float]]], font: str
) -> Iterable[tuple[Box, bool]]:
    """Boxes beside the pieces, at points along each (its middle first), on either side; a
    Japanese name of a street that runs up the page is written downwards, as maps in Japan
    write it."""
    size = STREET_LABEL_SIZE
    across = stringWidth(name, font, size) + 3
    downward = not any(c.isascii() and c.isalnum() for c in name)
    for piece in pieces:
        for at in (0.5, 0.35, 0.65, 0.2, 0.8):
            point = _along(piece, at)
            if point is None:
                continue
            x, y, dx, dy = point
            vertical = downward and abs(dy) > 1.7 * abs(dx) and len(name) > 1
            width, height = (size + 3, len(name) * size + 3) if vertical else (across, size + 3)
            normal = (-dy, dx)
            away = width / 2 * abs(normal[0]) + height / 2 * abs(normal[1]) + 1.5
            for side in (1, -1):
                cx, cy = x + side * normal[0] * away, y + side * normal[1] * away
                yield Box.centred(cx, cy, width, height), vertical


def _draw_name(drawing: Drawing, name: str, box: Box, vertical: bool, font: str) -> None:
    size = STREET_LABEL_SIZE
    drawing.add(Rect(box.x, box.y, box.width, box.height,
                     fillColor=colors.Color(1, 1, 1, 0.85), strokeColor=None))  # fmt: skip
    if not vertical:
        drawing.add(String(box.x + 1.5, box.y + 2.5, name, fontName=font, fontSize=size,
                           fillColor=STREET_TEXT))  # fmt: skip
        return
    x = box.x + box.width / 2
    for index, character in enumerate(name):
        y = box.y + box.height - 1.5 - (index + 1) * size + size * 0.15
        drawing.add(String(x, y, character, fontName=font, fontSize=size, fillColor=STREET_TEXT,
                           textAnchor="middle"))  # fmt: skip


def _along(
    piece: Sequence[tuple[float, float]], fraction: float
) -> tuple[float, float, float, float] | None:
    """The point at `fraction` of the piece's drawn length, and the unit direction there."""
    total = _drawn_length(piece)
    if total <= 0:
        return None
    left = total * fraction
    for (x1, y1), (x2, y2) in pairwise(piece):
        step = math.hypot(x2 - x1, y2 - y1)
        if step > 0 and left <= step:
            dx, dy = (x2 - x1) / step, (y2 - y1) / step
            return x1 + dx * left, y1 + dy * left, dx, dy
        left -= step
    return None


def _drawn_length(piece: Sequence[tuple[float, float]]) -> float:
    return sum(math.dist(a, b) for a, b in pairwise(piece))


def _metres(points: Sequence[tuple[float, float]]) -> float:
    """A piece's length on a local plane: enough to rank streets by length."""
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in pairwise(points):
        east = (lon2 - lon1) * 111_320 * math.cos(math.radians((lat1 + lat2) / 2))
        total += math.hypot(east, (lat2 - lat1) * 110_574)
    return total
