"""The streets a map shows, read from the street network (routes.RoadEdge) in one query: each
edge within the map's bounds, cut to them, with the metres of it that the ways drawn on the
map run along (so that the map can name the streets of the way)."""

from collections.abc import Sequence

from django.contrib.gis.geos import (
    GeometryCollection,
    GEOSGeometry,
    LineString,
    MultiLineString,
    Polygon,
)
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
    SELECT ST_AsBinary(ST_Simplify(ST_Intersection(e.geom, bounds.g), %(detail)s)),
           e.name, e.highway,
           CASE WHEN way.g IS NULL THEN 0
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
    for wkb, name, highway, along in rows:
        parts = _lines(GEOSGeometry(memoryview(bytes(wkb)), srid=4326))
        total = sum(part.length for part in parts)
        for part in parts:
            # An edge cut in two by the bounds shares its metres along the way by length.
            share = float(along) * part.length / total if total else 0.0
            points = tuple((float(x), float(y)) for x, y, *_z in part.coords)
            streets.append(Street(points, name, highway, share))
    return streets


def _lines(geometry: GEOSGeometry) -> list[LineString]:
    """The line parts of a clipped edge (a point where it only touches the bounds is none)."""
    if isinstance(geometry, LineString):
        return [geometry] if len(geometry.coords) >= 2 else []
    if isinstance(geometry, GeometryCollection):  # a MultiLineString is one too
        return [line for part in geometry for line in _lines(part)]
    return []
