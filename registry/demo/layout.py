"""The town's ground: neighbourhood polygons, a river with its flood depth bands, and hillside
landslide zones, all in metres on the local plane."""

import math
import random
from dataclasses import dataclass
from functools import cached_property

from django.contrib.gis.geos import GEOSGeometry, LineString, Point, Polygon
from django.contrib.gis.geos.prepared import PreparedGeometry

# Residents on the list per square kilometre: a town of 600 people covers about 2 km², a city
# of 100,000 about 330 km², which is what Japanese cities of that size look like.
DENSITY_PER_KM2 = 300
NEIGHBOURHOOD_SIDE_M = 1_200

# National land data A31a depth ranks as bands of distance from the river (metres, for a
# town of 6 km or more; a smaller town's bands shrink with it, so that it keeps dry ground).
FLOOD_BANDS = ((4, 0, 120), (3, 120, 300), (2, 300, 600), (1, 600, 900))
FLOOD_FULL_WIDTH_SIDE_M = 6_000

CHOME = ("一丁目", "二丁目", "三丁目", "四丁目", "五丁目")
TOWN_NAMES = (
    "本町", "川端町", "緑町", "栄町", "旭町", "若葉台", "桜ヶ丘", "中央", "東町", "西町",
    "南町", "北町", "新町", "寿町", "宮前", "柳町", "松が丘", "日の出町", "港町", "幸町",
    "富士見町", "泉町", "青葉町", "千代田", "末広町", "錦町", "曙町", "大和町", "明神町", "高砂",
    "清水町", "梅田", "竹の台", "白山", "八幡町", "稲荷町", "住吉町", "元町", "朝日町", "昭和町",
    "平和町", "美原", "春日町", "久保", "滝の沢", "鶴見台", "原町", "長者町",
)  # fmt: skip


# A town's 番 are the cells of a grid over it (1 to 30).
BAN_COLUMNS, BAN_ROWS = 6, 5


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    association: str
    shape: Polygon
    association_phone: str = ""
    commissioner: str = ""  # 民生委員
    commissioner_phone: str = ""

    @cached_property
    def prepared(self) -> PreparedGeometry:
        return self.shape.prepared

    def ban_at(self, x: float, y: float) -> int:
        """The 番 of a home: the cell, counted row by row from the south-west, of a 6 × 5 grid
        over the town's extent, so that neighbours share a 番 as they do on a real map."""
        xmin, ymin, xmax, ymax = self.shape.extent
        column = min(int((x - xmin) / (xmax - xmin) * BAN_COLUMNS), BAN_COLUMNS - 1)
        row = min(int((y - ymin) / (ymax - ymin) * BAN_ROWS), BAN_ROWS - 1)
        return row * BAN_COLUMNS + max(column, 0) + 1

    def ban_centre(self, ban: int) -> tuple[float, float]:
        """The middle of a 番's cell, or a point on the town when that falls outside it."""
        xmin, ymin, xmax, ymax = self.shape.extent
        column, row = (ban - 1) % BAN_COLUMNS, (ban - 1) // BAN_COLUMNS
        spot = Point(
            xmin + (column + 0.5) * (xmax - xmin) / BAN_COLUMNS,
            ymin + (row + 0.5) * (ymax - ymin) / BAN_ROWS,
        )
        if not self.prepared.contains(spot):
            spot = self.shape.point_on_surface
        return spot.x, spot.y


@dataclass(frozen=True)
class Zone:
    kind: str
    level: int
    name: str
    shape: GEOSGeometry

    @cached_property
    def prepared(self) -> PreparedGeometry:
        return self.shape.prepared


@dataclass(frozen=True)
class Ground:
    side: float
    neighbourhoods: list[Area]
    zones: list[Zone]

    def area_at(self, x: float, y: float) -> Area:
        """The neighbourhood holding the point: its grid cell or one next to it, since inner
        corners were shaken by less than a cell."""
        cells = round(math.sqrt(len(self.neighbourhoods)))
        step = self.side / cells
        i, j = min(int(x / step), cells - 1), min(int(y / step), cells - 1)
        point = Point(x, y)
        nearby = [
            self.neighbourhoods[b * cells + a]
            for b in range(max(j - 1, 0), min(j + 2, cells))
            for a in range(max(i - 1, 0), min(i + 2, cells))
        ]
        for area in nearby:
            if area.prepared.covers(point):
                return area
        return nearby[0]

    def levels_at(self, x: float, y: float) -> dict[str, int]:
        """The highest level of each hazard kind whose zone holds the point."""
        point = Point(x, y)
        levels: dict[str, int] = {}
        for zone in self.zones:
            if zone.level > levels.get(zone.kind, 0) and zone.prepared.contains(point):
                levels[zone.kind] = zone.level
        return levels


def town_size(people: int) -> float:
    """Side of the square town in metres for this many people on the list."""
    return max(1_500.0, math.sqrt(people / DENSITY_PER_KM2) * 1_000)


def neighbourhood_names(count: int) -> list[str]:
    names: list[str] = []
    for chome in ("", *CHOME):
        names.extend(f"{town}{chome}" for town in TOWN_NAMES)
    if count > len(names):
        names.extend(f"第{n}区" for n in range(1, count - len(names) + 1))
    return names[:count]


def lay_neighbourhoods(rng: random.Random, side: float) -> list[Area]:
    """A grid whose inner corners are shaken, so that the areas look drawn by hand yet still
    tile the town without gaps or overlaps (corners move less than a third of a cell)."""
    cells = max(3, round(side / NEIGHBOURHOOD_SIDE_M))
    step = side / cells
    corners: dict[tuple[int, int], tuple[float, float]] = {}
    for i in range(cells + 1):
        for j in range(cells + 1):
            inner = 0 < i < cells and 0 < j < cells
            dx = rng.uniform(-0.25, 0.25) * step if inner else 0.0
            dy = rng.uniform(-0.25, 0.25) * step if inner else 0.0
            corners[i, j] = (i * step + dx, j * step + dy)
    names = neighbourhood_names(cells * cells)
    areas = []
    for n, (i, j) in enumerate((i, j) for j in range(cells) for i in range(cells)):
        ring = [corners[i, j], corners[i + 1, j], corners[i + 1, j + 1], corners[i, j + 1]]
        code = f"N{n + 1:03d}"
        # Contacts from a generator of their own, so that the ground stays what the seed gave.
        own = random.Random(f"contacts {code} {names[n]}")
        areas.append(
            Area(
                code=code,
                name=names[n],
                association=f"{names[n]}町内会",
                shape=Polygon([*ring, ring[0]]),
                association_phone=_phone(own),
                commissioner=f"{own.choice(FAMILY_NAMES)} {own.choice(GIVEN_NAMES)}",
                commissioner_phone=_phone(own),
            )
        )
    return areas


# Fictional 民生委員 of the demo town.
FAMILY_NAMES = ("石川", "小林", "加藤", "吉田", "山口", "松本", "井上", "木村", "清水", "森")
GIVEN_NAMES = ("和子", "節子", "幸子", "洋子", "清", "茂", "勝", "博", "正子", "恵子")


def _phone(rng: random.Random) -> str:
    return f"0{rng.choice((7, 8, 9))}0-{rng.randint(0, 9999):04d}-{rng.randint(0, 9999):04d}"


def river(rng: random.Random, side: float) -> LineString:
    """A river meandering from west to east a little south of the middle."""
    phase = rng.uniform(0, 2 * math.pi)
    amplitude = side * rng.uniform(0.05, 0.1)
    wavelength = side * rng.uniform(0.5, 0.8)
    base = side * rng.uniform(0.35, 0.45)
    xs = [side * k / 200 for k in range(-5, 206)]
    return LineString(
        [(x, base + amplitude * math.sin(2 * math.pi * x / wavelength + phase)) for x in xs]
    )


def flood_zones(line: LineString, town: Polygon, side: float) -> list[Zone]:
    scale = min(1.0, side / FLOOD_FULL_WIDTH_SIDE_M)
    zones = []
    for level, inner, outer in FLOOD_BANDS:
        band = line.buffer(outer * scale, quadsegs=8)
        if inner:
            band = band.difference(line.buffer(inner * scale, quadsegs=8))
        zones.append(
            Zone("flood", level, f"洪水浸水想定区域 ランク{level}", band.intersection(town))
        )
    return zones


def landslide_zones(rng: random.Random, side: float, town: Polygon) -> list[Zone]:
    """Slopes along the northern hills: each a yellow zone with a red zone at its foot."""
    zones = []
    count = max(2, round(side / 2_500))
    for n in range(count):
        cx = side * (n + rng.uniform(0.25, 0.75)) / count
        cy = side * rng.uniform(0.86, 0.95)
        length, depth = rng.uniform(250, 450), rng.uniform(80, 140)
        yellow = _ellipse(cx, cy, length, depth, rng.uniform(-0.3, 0.3))
        red = _ellipse(cx, cy - depth * 0.25, length * 0.55, depth * 0.4, 0.0)
        label = f"土砂災害警戒区域 {n + 1}"
        zones.append(Zone("landslide", 1, f"{label}（イエロー）", yellow.intersection(town)))
        zones.append(Zone("landslide", 2, f"{label}（レッド）", red.intersection(town)))
    return zones


def _ellipse(cx: float, cy: float, rx: float, ry: float, tilt: float) -> Polygon:
    ring = []
    for k in range(48):
        t = 2 * math.pi * k / 48
        x, y = rx * math.cos(t), ry * math.sin(t)
        ring.append(
            (
                cx + x * math.cos(tilt) - y * math.sin(tilt),
                cy + x * math.sin(tilt) + y * math.cos(tilt),
            )
        )
    return Polygon([*ring, ring[0]])


def lay_ground(rng: random.Random, people: int) -> Ground:
    side = town_size(people)
    town = Polygon(((0, 0), (side, 0), (side, side), (0, side), (0, 0)))
    zones = flood_zones(river(rng, side), town, side) + landslide_zones(rng, side, town)
    return Ground(side, lay_neighbourhoods(rng, side), zones)
