"""The streets a map shows, read from the street network (routes.RoadEdge) in one query: each
edge within the map's bounds, cut to them, with the metres of it that the ways drawn on the
map run along (so that the map can name the streets of the way)."""

import json
import math
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from django.contrib.gis.geos import LineString, MultiLineString, Polygon
from django.db import connection

from printouts.map_streets import Street
from routes.models import RoadEdge

# The corridor around a way within which an edge counts as one it runs along (metres): the
# way follows the edges' own geometry, so a few metres is plenty.
CORRIDOR_M = 3.0
# Detail finer than this (degrees, about 2 m) is below what a printed map can show.
DETAIL_DEG = 0.00002

_QUERY = f"""
    WITH bounds AS (SELECT ST_GeomFromEWKB(%(bounds)s) AS g),
         way AS (SELECT ST_Buffer(ST_GeomFromEWKB(%(way)s)::geography, %(corridor)s)::geometry
                        AS g)
    SELECT ST_AsGeoJSON(ST_Simplify(
               -- Most edges lie wholly inside: only those across the bounds are cut.
               CASE WHEN ST_CoveredBy(e.geom, bounds.g) THEN e.geom
                    ELSE ST_Intersection(e.geom, bounds.g) END, %(detail)s), 7),
           e.name, e.highway,
           CASE WHEN way.g IS NULL OR NOT (e.geom && way.g) OR NOT ST_Intersects(e.geom, way.g)
                THEN 0
                ELSE COALESCE(ST_Length(ST_Intersection(e.geom, way.g)::geography), 0) END
    FROM {RoadEdge._meta.db_table} e, bounds, way
    WHERE e.geom && bounds.g AND ST_Intersects(e.geom, bounds.g)
"""


def streets_within(bounds: Polygon, ways: Sequence[LineString] = ()) -> list[Street]:
    """The street pieces inside `bounds` (EPSG:4326), with the metres of each that `ways`
    run along; empty when no street network is loaded."""
    way = MultiLineString(*[LineString(w.coords) for w in ways], srid=4326) if ways else None
    with connection.cursor() as cursor:
        cursor.execute(
            _QUERY,
            {
                "bounds": bytes(Polygon(bounds.exterior_ring.coords, srid=4326).ewkb),
                "way": bytes(way.ewkb) if way is not None else None,
                "corridor": CORRIDOR_M,
                "detail": DETAIL_DEG,
            },
        )
        rows = cursor.fetchall()
    streets = []
    # GeoJSON rather than WKB: one C parse per edge instead of a GEOS call per point, which
    # matters with hundreds of streets on every map.
    for geojson, name, highway, along in rows:
        parts = _lines(json.loads(geojson))
        lengths = [_planar_length(part) for part in parts]
        total = sum(lengths)
        for part, length in zip(parts, lengths, strict=True):
            # An edge cut in two by the bounds shares its metres along the way by length.
            share = float(along) * length / total if total else 0.0
            streets.append(Street(part, name, highway, share))
    return streets


Points = tuple[tuple[float, float], ...]


def _lines(geometry: dict[str, Any]) -> list[Points]:
    """The line parts of a clipped edge (a point where it only touches the bounds is none)."""
    kind = geometry.get("type")
    if kind == "LineString":
        coordinates = geometry["coordinates"]
        return [tuple((p[0], p[1]) for p in coordinates)] if len(coordinates) >= 2 else []
    if kind == "MultiLineString":
        return [line for part in geometry["coordinates"]
                for line in _lines({"type": "LineString", "coordinates": part})]  # fmt: skip
    if kind == "GeometryCollection":
        return [line for part in geometry["geometries"] for line in _lines(part)]
    return []


def _planar_length(points: Points) -> float:
    return sum(math.dist(a, b) for a, b in pairwise(points))
