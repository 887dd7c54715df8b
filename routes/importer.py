"""`import roads`: a street network from a GeoJSON FeatureCollection of LineStrings with the
properties `highway`, `name`, `bridge` (`yes`/`no`) and `steps` (`yes`/`no`). Ways people do
not walk on are dropped and counted; every row is checked before anything is written, and a
valid file replaces the whole network in one transaction. OpenStreetMap extracts are read by
`routes.osm` into the same ways.

Noding: a way is cut wherever another way crosses or touches it, so that crossing streets
connect; a bridge is never cut by what passes under it and joins the network only at its
ends (a road under a bridge is cut where a bridge end lies on it, not where it passes under).
Edges then meet at junctions numbered for pgRouting."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from registry.importers.problems import InvalidRows, Problem, UnusableFile, lazy_text
from routes.models import RoadEdge, walkable
from routes.osm import read_osm
from routes.ways import RoadsRead, Way

YES = {"yes", "true", "1", "はい"}
NO = {"no", "false", "0", "いいえ", ""}
# Junctions closer than this (degrees, about a centimetre) are one.
JUNCTION_DECIMALS = 7


@dataclass(frozen=True)
class RoadsImported:
    ways: int
    edges: int
    junctions: int
    dropped: int
    replaced: int
    dry_run: bool

    def summary(self) -> str:
        head = "Dry run, nothing written" if self.dry_run else "Imported"
        return (
            f"{head}: {self.ways:,} ways as {self.edges:,} edges between {self.junctions:,} "
            f"junctions; {self.dropped:,} ways not for walking dropped; {self.replaced:,} "
            "edges of the previous network replaced."
        )


def _flag(value: Any, line: int, column: str, problems: list[Problem]) -> bool:
    text = str(value if value is not None else "").strip().lower()
    if text in YES:
        return True
    if text not in NO:
        problems.append(Problem(line, column, lazy_text(_("“%(value)s” is not yes or no"),
                                                        value=value)))  # fmt: skip
    return False


def _lines(geometry: Any) -> Iterator[list[list[float]]]:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind == "LineString":
        yield geometry["coordinates"]
    elif kind == "MultiLineString":
        yield from geometry["coordinates"]
    else:
        raise ValueError(kind)


# OpenStreetMap's own formats, by suffix (`.osm.pbf` ends in `.pbf`); libosmium reads both.
OSM_SUFFIXES = {".pbf", ".osm"}


def read_roads(path: Path) -> RoadsRead:
    """The ways of an OpenStreetMap extract (`.osm.pbf`, `.osm`) or, by any other suffix, of a
    GeoJSON file."""
    if path.suffix.lower() in OSM_SUFFIXES:
        return read_osm(path)
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise UnusableFile.because(_("not a GeoJSON file: %(error)s") % {"error": error}) from None
    return read_geojson(data)


def read_geojson(data: Any) -> RoadsRead:
    """The ways of a parsed GeoJSON FeatureCollection, checked feature by feature."""
    features = data.get("features") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(features, list)
    ):
        raise UnusableFile.because(_("not a GeoJSON FeatureCollection"))
    problems: list[Problem] = []
    ways: list[Way] = []
    dropped = 0
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        highway = str(properties.get("highway") or "").strip()
        if not highway:
            problems.append(Problem(number, "highway", _("missing")))
            continue
        if not walkable(highway):
            dropped += 1
            continue
        bridge = _flag(properties.get("bridge"), number, "bridge", problems)
        steps = _flag(properties.get("steps"), number, "steps", problems) or highway == "steps"
        try:
            parts = list(_lines(feature.get("geometry")))
        except (ValueError, KeyError, TypeError):
            problems.append(Problem(number, "geometry", _("not a LineString")))
            continue
        for coordinates in parts:
            if len(coordinates) < 2 or any(len(point) < 2 for point in coordinates):
                problems.append(Problem(number, "geometry", _("a line needs two points")))
                continue
            wkt = "LINESTRING(" + ",".join(f"{p[0]} {p[1]}" for p in coordinates) + ")"
            name = str(properties.get("name") or "")[:200]
            ways.append(Way(number, wkt, highway, name, bridge, steps))
    if problems:
        raise InvalidRows(problems)
    return RoadsRead(ways, dropped)


NODING = """
WITH split_points AS (
    -- Where another way crosses or touches a way that is not a bridge, and where a bridge
    -- ends on it.
    SELECT w.id, ST_Union(p.geom) AS geom
    FROM ways w
    JOIN LATERAL (
        SELECT (ST_Dump(ST_Intersection(w.geom, o.geom))).geom
        FROM ways o
        WHERE o.id <> w.id AND NOT o.bridge AND ST_Intersects(w.geom, o.geom)
        UNION ALL
        SELECT e.geom FROM ways o,
            LATERAL (VALUES (ST_StartPoint(o.geom)), (ST_EndPoint(o.geom))) AS e(geom)
        WHERE o.id <> w.id AND o.bridge AND ST_Intersects(w.geom, e.geom)
    ) p ON ST_GeometryType(p.geom) = 'ST_Point'
    WHERE NOT w.bridge
    GROUP BY w.id
)
SELECT w.id, ST_AsText(piece.geom),
       ST_Length(piece.geom::geography)
FROM ways w
LEFT JOIN split_points s ON s.id = w.id
CROSS JOIN LATERAL ST_Dump(
    -- Snapped first: a crossing computed in floating point may lie a hair off the line.
    CASE WHEN s.geom IS NULL THEN w.geom
         ELSE ST_Split(ST_Snap(w.geom, s.geom, 1e-9), s.geom) END
) AS piece
WHERE ST_Length(piece.geom) > 0
ORDER BY w.id, piece.path
"""


def _junction(wkt_point: tuple[float, float], junctions: dict[tuple[float, float], int]) -> int:
    key = (round(wkt_point[0], JUNCTION_DECIMALS), round(wkt_point[1], JUNCTION_DECIMALS))
    return junctions.setdefault(key, len(junctions) + 1)


def _ends(wkt: str) -> tuple[tuple[float, float], tuple[float, float]]:
    points = wkt[wkt.index("(") + 1 : wkt.rindex(")")].split(",")
    first, last = points[0].split(), points[-1].split()
    return (float(first[0]), float(first[1])), (float(last[0]), float(last[1]))


def import_roads(path: Path, *, dry_run: bool = False) -> RoadsImported:
    """Read, node and (unless `dry_run`) replace the street network with the file's."""
    return import_ways(read_roads(path), dry_run=dry_run)


@transaction.atomic
def import_ways(read: RoadsRead, *, dry_run: bool = False) -> RoadsImported:
    """Node the ways read and (unless `dry_run`) replace the street network with them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE ways (id int PRIMARY KEY, geom geometry(LineString, 4326), "
            "bridge bool) ON COMMIT DROP"
        )
        cursor.executemany(
            "INSERT INTO ways VALUES (%s, ST_GeomFromText(%s, 4326), %s)",
            [(i, way.wkt, way.off_street_level) for i, way in enumerate(read.ways)],
        )
        cursor.execute("CREATE INDEX ON ways USING gist (geom)")
        cursor.execute("ANALYZE ways")
        cursor.execute(NODING)
        pieces = cursor.fetchall()
        cursor.execute("DROP TABLE ways")
    junctions: dict[tuple[float, float], int] = {}
    edges = []
    for way_index, wkt, metres in pieces:
        way = read.ways[way_index]
        start, end = _ends(wkt)
        edges.append(
            RoadEdge(
                geom=wkt, length_m=metres, highway=way.highway, name=way.name,
                bridge=way.bridge, steps=way.steps, source=_junction(start, junctions),
                target=_junction(end, junctions),
            )
        )  # fmt: skip
    replaced = RoadEdge.objects.count()
    if not dry_run:
        RoadEdge.objects.all().delete()
        RoadEdge.objects.bulk_create(edges, batch_size=5000)
    return RoadsImported(
        len(read.ways), len(edges), len(junctions), read.dropped, replaced, dry_run
    )
