"""The demo town's own address reference, written as MLIT publishes 位置参照情報 (Shift_JIS,
every field quoted, CRLF): a block-level file with one point per 番 of each town, and a
town-level file with one point per town. With it loaded, the demo's people, supporters and
shelters can be placed from their addresses alone.

Demo addresses are `支えあい市{town}{番}番{号}号`, with 番 from 1 to BAN_COUNT in every town
(registry.demo.residents.address). A 番 point stands where the people, supporters and shelters
of that 番 are, on average; a 番 nobody holds gets a spot of its own inside the town.
"""

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.geos import Point

from registry.demo.sites import MUNICIPALITY_CODE
from registry.demo.town import Town
from registry.importers.addresses import BLOCK_HEADER, TOWN_HEADER

PREFECTURE = "神奈川県"
PREFECTURE_CODE = MUNICIPALITY_CODE[:2]
CITY = "支えあい市"
BAN_COUNT = 30  # residents.address draws 番 from 1 to 30
# Japan Plane Rectangular CS IX (JGD2011), Kanagawa's: MLIT's X is northing, Y easting.
PLANE_ZONE, PLANE_SRID = "9", 6677
BLOCK_FILE, TOWN_FILE = "demo-addresses-block.csv", "demo-addresses-town.csv"

_ADDRESS = re.compile(rf"{CITY}(?P<town>.+?)(?P<ban>\d+)番\d+号")


@dataclass(frozen=True)
class DemoPoint:
    town: str
    ban: int  # 0 for the town's own point
    x: float  # metres on the town's plane
    y: float


def demo_points(town: Town) -> tuple[list[DemoPoint], list[DemoPoint]]:
    """(one point per 番 of each town, one point per town)."""
    homes: dict[tuple[str, int], list[tuple[float, float]]] = defaultdict(list)
    placed = [
        *((p.address, p.x, p.y) for p in town.persons),
        *((s.address, s.x, s.y) for s in town.supporters),
        *((s.address, s.x, s.y) for s in town.shelters),
    ]
    for address, x, y in placed:
        match = _ADDRESS.fullmatch(address)
        if match:
            homes[match["town"], int(match["ban"])].append((x, y))
    blocks, towns = [], []
    for area in town.ground.neighbourhoods:
        for ban in range(1, BAN_COUNT + 1):
            held = homes.get((area.name, ban))
            if held:
                x, y = sum(p[0] for p in held) / len(held), sum(p[1] for p in held) / len(held)
            else:
                x, y = area.ban_centre(ban)
            blocks.append(DemoPoint(area.name, ban, x, y))
        middle = area.shape.point_on_surface
        towns.append(DemoPoint(area.name, 0, middle.x, middle.y))
    return blocks, towns


def _mlit_csv(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("cp932")


def _plane_xy(lon: float, lat: float) -> tuple[str, str]:
    """MLIT's Ｘ座標 (northing) and Ｙ座標 (easting), in metres."""
    point = Point(lon, lat, srid=4326)
    point.transform(PLANE_SRID)
    return f"{point.y:.1f}", f"{point.x:.1f}"


def demo_address_files(town: Town, directory: Path) -> tuple[Path, Path]:
    """Write the block-level and town-level files into `directory`; returns their paths."""
    blocks, towns = demo_points(town)
    block_rows = []
    for point in blocks:
        lon, lat = town.plane.lonlat(point.x, point.y)
        block_rows.append(
            [PREFECTURE, CITY, point.town, "", str(point.ban), PLANE_ZONE, *_plane_xy(lon, lat),
             str(lat), str(lon), "1", "1", "0", "0"]
        )  # fmt: skip
    town_rows = []
    for number, point in enumerate(towns, start=1):
        lon, lat = town.plane.lonlat(point.x, point.y)
        # 大字町丁目コード: the municipality's code, 4 digits of 大字, 3 of 丁目.
        code = f"{MUNICIPALITY_CODE}{number:04d}000"
        town_rows.append(
            [PREFECTURE_CODE, PREFECTURE, MUNICIPALITY_CODE, CITY, code, point.town, str(lat),
             str(lon), "0", "3" if "丁目" in point.town else "1"]
        )  # fmt: skip
    directory.mkdir(parents=True, exist_ok=True)
    block_path, town_path = directory / BLOCK_FILE, directory / TOWN_FILE
    block_path.write_bytes(_mlit_csv(BLOCK_HEADER, block_rows))
    town_path.write_bytes(_mlit_csv(TOWN_HEADER, town_rows))
    return block_path, town_path
