"""The demo town's streets, as the GeoJSON FeatureCollection `import roads` reads.

A grid of residential streets whose junctions are shaken a little (so that the streets bend
without looking ruled, while every block stays a convex quadrilateral whose sides meet only at
its corners), a few named main roads, footpaths across some blocks, an embankment path along
each bank, lanes along the town's edges, steps up the northern hills and a few bridges: the only
ways across the river. Every other street stops at the water, a few metres past the embankment
path, so that it meets that path and never touches the river. A bridge spans the deepest flood
band from edge to edge.

Pure geometry in metres on the town's plane, turned into longitude and latitude at the end; the
same ground and seed give the same streets, and a city of 18 km square takes a few seconds.
"""

import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import (
    GeometryCollection,
    GEOSGeometry,
    LineString,
    MultiLineString,
    Point,
    Polygon,
)
from django.contrib.gis.geos.prepared import PreparedGeometry

from registry.demo.layout import FLOOD_BANDS, FLOOD_FULL_WIDTH_SIDE_M, Ground, river
from registry.demo.plane import Plane

STREET_SPACING_M = 135
# Junctions move by up to this share of the spacing; below a quarter, blocks stay convex.
JITTER = 0.12
# Main roads: about one grid line in this many (some 1.6 km apart in a city).
MAIN_ROAD_EVERY = 12
# Bridges: one per this many metres of town, and never fewer or more than these.
BRIDGE_EVERY_M = 3_000
BRIDGES = (3, 5)
# The water's half-width as a share of the deepest flood band's, and how far the embankment
# path runs beyond it (the streets stop at the water, so they cross the path first).
WATER_SHARE = 0.3
EMBANKMENT_BEYOND_WATER_M = 4.0
# A bridge lands this far beyond the deepest band, so that it spans all of it.
BRIDGE_LANDING_M = 5.0
# Steps: on north-south streets this close to a landslide zone, at this rate.
STEPS_NEAR_ZONE_M = 200.0
STEPS_RATE = 0.3
# A flight of steps takes the middle of its stretch, from this share of it to its mirror.
STEPS_FROM = 0.3
FOOTPATH_RATE = 0.04

RIVER_NAME = "相生川"
MAIN_ROAD_NAMES = (
    "中央通り", "駅前通り", "けやき通り", "いちょう通り", "さくら通り", "市役所通り", "八幡通り",
    "旭通り", "みどり通り", "本町通り", "すずらん通り", "ひかり通り", "城山通り", "富士見通り",
)  # fmt: skip
BRIDGE_NAMES = ("相生橋", "さくら橋", "みどり橋", "あさひ橋", "かわせみ橋")

XY = tuple[float, float]


@dataclass
class StreetWay:
    points: list[XY]
    highway: str
    name: str = ""
    bridge: bool = False
    steps: bool = False


def town_river(seed: int, side: float) -> LineString:
    """The river of the town built from this seed: `lay_ground` draws it first from the seed's
    generator, so the same draw gives the same line."""
    return river(random.Random(seed), side)


def deepest_band_m(side: float) -> float:
    """The outer edge of the deepest flood band, in metres from the river (as `layout` lays it)."""
    return FLOOD_BANDS[0][2] * min(1.0, side / FLOOD_FULL_WIDTH_SIDE_M)


def demo_streets(ground: Ground, *, seed: int, plane: Plane) -> dict[str, Any]:
    """The town's streets as a GeoJSON FeatureCollection of LineStrings in WGS84."""
    ways = lay_streets(ground, seed=seed)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "highway": way.highway,
                    "name": way.name,
                    "bridge": "yes" if way.bridge else "no",
                    "steps": "yes" if way.steps else "no",
                },
                "geometry": {
                    "type": "LineString",
                    "coordinates": [list(plane.lonlat(x, y)) for x, y in way.points],
                },
            }
            for way in ways
        ],
    }


def lay_streets(ground: Ground, *, seed: int) -> list[StreetWay]:
    """The town's streets in metres on its plane."""
    rng = random.Random(f"streets {seed}")
    side = ground.side
    line = town_river(seed, side)
    deep = deepest_band_m(side)
    if not _inside_deepest_band(ground, line):
        raise ValueError("the river drawn from the seed is not the ground's river")
    water_m = deep * WATER_SHARE
    water = line.buffer(water_m, quadsegs=8)
    bank_m = water_m + EMBANKMENT_BEYOND_WATER_M
    # A street that only grazes the water between two cuts may never reach the embankment path:
    # such a scrap, lying wholly on the shore, would be cut off from everything.
    shore = line.buffer(bank_m + 1.0, quadsegs=8).prepared
    grid = _Grid(rng, side)
    names = _names()

    bridge_columns = _bridge_columns(grid, line, deep)
    main_columns = set(bridge_columns) | set(range(MAIN_ROAD_EVERY // 2, grid.n, MAIN_ROAD_EVERY))
    main_rows = _main_rows(grid, line, deep)
    hills = [z.shape.buffer(STEPS_NEAR_ZONE_M) for z in ground.zones if z.kind == "landslide"]
    near_hill = [(shape.extent, shape.prepared) for shape in hills]

    ways: list[StreetWay] = []
    bridges: list[StreetWay] = []
    for i in range(grid.n):
        points = grid.column(i)
        if i in bridge_columns:
            south, bridge, north = bridge_columns[i]
            name = next(names)
            ways += [StreetWay(south, "secondary", name), StreetWay(north, "secondary", name)]
            bridge_name = BRIDGE_NAMES[len(bridges) % len(BRIDGE_NAMES)]
            bridges.append(StreetWay(bridge, "secondary", bridge_name, bridge=True))
            continue
        if i in main_columns:
            ways.append(StreetWay(points, "tertiary", next(names)))
            continue
        # Steps: some stretches between two junctions on the slopes near a landslide zone, so
        # that the rows around keep a step-free way past them (never the stretch out to the
        # town's edge, which would leave its end reachable by the steps alone).
        last = len(points) - 2
        steps = [
            0 < k < last and _near(near_hill, _along(a, b, 0.5)) and rng.random() < STEPS_RATE
            for k, (a, b) in enumerate(itertools.pairwise(points))
        ]
        ways += _runs(points, steps)
    for j in range(grid.n):
        if j in main_rows:
            ways.append(StreetWay(grid.row(j), "tertiary", next(names)))
        else:
            ways.append(StreetWay(grid.row(j), "residential"))
    ways += _footpaths(rng, grid, line, deep)

    def ashore(lines: list[StreetWay]) -> list[StreetWay]:
        pieces = [piece for way in lines for piece in _stop_at_water(way, water)]
        return [piece for piece in pieces if not shore.contains(LineString(piece.points))]

    streets = ashore(ways) + _embankments(line, bank_m, side)
    edges = _town_edges(side, [way.points[end] for way in streets for end in (0, -1)])
    return streets + ashore(edges) + bridges


class _Grid:
    """Junctions (i, j), i east and j north, each shaken around its place on a square grid;
    each street line runs through one column or row of them, out to the town's edge."""

    def __init__(self, rng: random.Random, side: float) -> None:
        self.side = side
        self.n = max(3, round(side / STREET_SPACING_M))
        step = side / self.n
        shake = JITTER * step
        self.nodes = [
            [
                (
                    (i + 0.5) * step + rng.uniform(-shake, shake),
                    (j + 0.5) * step + rng.uniform(-shake, shake),
                )
                for j in range(self.n)
            ]
            for i in range(self.n)
        ]

    def column(self, i: int) -> list[XY]:
        inner = self.nodes[i]
        return [(inner[0][0], 0.0), *inner, (inner[-1][0], self.side)]

    def row(self, j: int) -> list[XY]:
        inner = [self.nodes[i][j] for i in range(self.n)]
        return [(0.0, inner[0][1]), *inner, (self.side, inner[-1][1])]


def _names() -> Iterator[str]:
    yield from MAIN_ROAD_NAMES
    number = 1
    while True:
        yield f"市道{number}号線"
        number += 1


def _near(shapes: Sequence[tuple[tuple[float, ...], PreparedGeometry]], point: XY) -> bool:
    """Whether one of the shapes holds the point; their boxes first, which is all most points
    of a city need."""
    x, y = point
    return any(
        box[0] <= x <= box[2] and box[1] <= y <= box[3] and shape.contains(Point(x, y))
        for box, shape in shapes
    )


def _inside_deepest_band(ground: Ground, line: LineString) -> bool:
    deepest = max((z for z in ground.zones if z.kind == "flood"), key=lambda z: z.level)
    middle = line.interpolate_normalized(0.5)
    return bool(deepest.shape.contains(middle))


def _bridge_columns(
    grid: _Grid, line: LineString, deep: float
) -> dict[int, tuple[list[XY], list[XY], list[XY]]]:
    """Columns carrying a bridge, spread along the river: each column is cut where it enters
    the deepest band, and a straight bridge joins the two cut ends."""
    span = line.buffer(deep + BRIDGE_LANDING_M, quadsegs=8)
    count = min(max(round(grid.side / BRIDGE_EVERY_M), BRIDGES[0]), BRIDGES[1])
    chosen: dict[int, tuple[list[XY], list[XY], list[XY]]] = {}
    for k in range(count):
        wanted = round((k + 0.5) * grid.n / count)
        for offset in (0, 1, -1, 2, -2):
            i = wanted + offset
            if not 0 <= i < grid.n or i in chosen:
                continue
            crossing = _bridge(grid.column(i), line, span, deep)
            if crossing:
                chosen[i] = crossing
                break
    return chosen


def _bridge(
    points: list[XY], line: LineString, span: GEOSGeometry, deep: float
) -> tuple[list[XY], list[XY], list[XY]] | None:
    pieces = _parts(LineString(points).difference(span))
    if len(pieces) != 2:
        return None
    south, north = sorted(pieces, key=lambda p: p[0][1])
    bridge = [south[-1], north[0]]
    straight = LineString(bridge)
    if straight.length > 4 * deep or straight.intersection(line).geom_type != "Point":
        return None
    return south, bridge, north


def _main_rows(grid: _Grid, line: LineString, deep: float) -> set[int]:
    """East-west main roads, on rows that keep clear of the river: at least one on each side
    where the town has room, then one in every `MAIN_ROAD_EVERY`."""
    low, high = line.extent[1] - deep, line.extent[3] + deep
    south = [j for j in range(grid.n) if max(p[1] for p in grid.row(j)) < low]
    north = [j for j in range(grid.n) if min(p[1] for p in grid.row(j)) > high]
    rows: set[int] = set()
    for side_rows in (south, north):
        picked = side_rows[MAIN_ROAD_EVERY // 2 :: MAIN_ROAD_EVERY]
        if not picked and side_rows:
            picked = [side_rows[len(side_rows) // 2]]
        rows.update(picked)
    return rows


def _runs(points: list[XY], steps: list[bool]) -> list[StreetWay]:
    """A residential street cut into ways, where a stretch between two junctions climbs by a
    flight of steps in its middle (the lane stays a lane at both ends)."""
    ways: list[StreetWay] = []
    lane = [points[0]]
    for a, b, flight in zip(points, points[1:], steps, strict=False):
        if not flight:
            lane.append(b)
            continue
        foot, head = _along(a, b, STEPS_FROM), _along(a, b, 1 - STEPS_FROM)
        ways.append(StreetWay([*lane, foot], "residential"))
        ways.append(StreetWay([foot, head], "steps", steps=True))
        lane = [head, b]
    ways.append(StreetWay(lane, "residential"))
    return ways


def _along(a: XY, b: XY, share: float) -> XY:
    return (a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share)


def _footpaths(rng: random.Random, grid: _Grid, line: LineString, deep: float) -> list[StreetWay]:
    """Footpaths corner to corner across a few blocks, away from the river."""
    keep_clear = line.buffer(deep + STREET_SPACING_M, quadsegs=4).prepared
    paths = []
    for i in range(grid.n - 1):
        for j in range(grid.n - 1):
            if rng.random() >= FOOTPATH_RATE:
                continue
            ends = [grid.nodes[i][j], grid.nodes[i + 1][j + 1]]
            if not keep_clear.intersects(LineString(ends)):
                paths.append(StreetWay(ends, "footway"))
    return paths


def _stop_at_water(way: StreetWay, water: GEOSGeometry) -> list[StreetWay]:
    if way.bridge:
        return [way]
    line = LineString(way.points)
    if not line.intersects(water):
        return [way]
    return [
        StreetWay(part, way.highway, way.name, way.bridge, way.steps)
        for part in _parts(line.difference(water))
    ]


def _embankments(line: LineString, offset: float, side: float) -> list[StreetWay]:
    """A path along each bank, at `offset` from the river, inside the town."""
    town = Polygon(((0, 0), (side, 0), (side, side), (0, side), (0, 0)))
    river_and_banks = line.buffer(offset, quadsegs=8)
    assert isinstance(river_and_banks, Polygon)  # a buffer of one line is one polygon
    banks = river_and_banks.exterior_ring.intersection(town)
    merged = banks.merged if isinstance(banks, MultiLineString) else banks
    ways = []
    for part in _parts(merged):
        if LineString(part).length < STREET_SPACING_M:
            continue
        middle = LineString(part).interpolate_normalized(0.5)
        nearest = line.interpolate(line.project(middle))
        # The river flows east: its left bank (左岸) is the northern one.
        bank = "左岸" if middle.y > nearest.y else "右岸"
        ways.append(StreetWay(part, "path", f"{RIVER_NAME}{bank}堤防"))
    return ways


def _town_edges(side: float, ends: list[XY]) -> list[StreetWay]:
    """Lanes along the town's edges, through every street's end there: where a landslide zone
    comes close to the edge, the lane is the way out of the corner it leaves behind."""
    corners = ((0.0, 0.0), (side, 0.0), (side, side), (0.0, side))
    lanes = []
    for k, (a, b) in enumerate(zip(corners, corners[1:] + corners[:1], strict=True)):
        axis = k % 2  # south and north edges run along x, east and west ones along y
        fixed = 1 - axis
        on_edge = {p for p in ends if p[fixed] == a[fixed]}
        points = sorted({a, b} | on_edge, key=lambda p: p[axis])
        lanes.append(StreetWay(points, "residential"))
    return lanes


def _parts(geometry: GEOSGeometry) -> list[list[XY]]:
    """The lines of a (multi)line result, as point lists."""
    if isinstance(geometry, LineString):
        return [[(x, y) for x, y in geometry.coords]] if not geometry.empty else []
    if isinstance(geometry, MultiLineString | GeometryCollection):
        return [part for member in geometry for part in _parts(member)]
    return []
