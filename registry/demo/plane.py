"""A local metric plane around the town's origin, and the conversion to WGS84.

The town is laid out in metres, where buffers and distances mean what they say, and turned into
longitude and latitude at the end. An equirectangular projection is exact enough for a town of
a few tens of kilometres (the error stays far below a metre per kilometre).
"""

import math
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Plane:
    origin_lat: float
    origin_lon: float

    @property
    def _m_per_deg_lat(self) -> float:
        return math.pi * EARTH_RADIUS_M / 180

    @property
    def _m_per_deg_lon(self) -> float:
        return self._m_per_deg_lat * math.cos(math.radians(self.origin_lat))

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        """Metres east and north of the origin → (longitude, latitude), rounded to ~1 cm so
        that the same town prints the same digits everywhere."""
        lon = self.origin_lon + x / self._m_per_deg_lon
        lat = self.origin_lat + y / self._m_per_deg_lat
        return round(lon, 7), round(lat, 7)

    def point(self, x: float, y: float) -> Point:
        return Point(*self.lonlat(x, y), srid=4326)

    def ewkt_point(self, x: float, y: float) -> str:
        lon, lat = self.lonlat(x, y)
        return f"SRID=4326;POINT({lon} {lat})"

    def multipolygon(self, shape: GEOSGeometry) -> MultiPolygon:
        """A metric polygon or multipolygon → a WGS84 MultiPolygon."""
        polygons: list[Any] = [shape] if isinstance(shape, Polygon) else list(iter(shape))
        converted = [
            Polygon(*[[self.lonlat(x, y) for x, y in ring] for ring in polygon.coords])
            for polygon in polygons
            if isinstance(polygon, Polygon) and not polygon.empty
        ]
        return MultiPolygon(*converted, srid=4326)
