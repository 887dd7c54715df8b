"""Builders for registry objects with fixed geometry where a test depends on it.

Coordinates are given in metres east and north of a fixed origin in Japan, so that a test can
say "a supporter 400 m east of the person" and mean it.
"""

import datetime as dt
import itertools
import math
from typing import Any

from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from registry.models import HazardArea, Neighbourhood, Person, Shelter, Supporter

ORIGIN_LAT, ORIGIN_LON = 35.36, 139.32
_M_PER_DEG_LAT = 111_195.0
_M_PER_DEG_LON = _M_PER_DEG_LAT * math.cos(math.radians(ORIGIN_LAT))
_numbers = itertools.count(1)


def at(east_m: float = 0.0, north_m: float = 0.0) -> Point:
    """A WGS84 point this many metres east and north of the origin."""
    return Point(
        ORIGIN_LON + east_m / _M_PER_DEG_LON, ORIGIN_LAT + north_m / _M_PER_DEG_LAT, srid=4326
    )


def square(west_m: float, south_m: float, east_m: float, north_m: float) -> MultiPolygon:
    corners = [at(west_m, south_m), at(east_m, south_m), at(east_m, north_m), at(west_m, north_m)]
    ring = [(p.x, p.y) for p in corners]
    return MultiPolygon(Polygon([*ring, ring[0]]), srid=4326)


def make_neighbourhood(**fields: Any) -> Neighbourhood:
    values: dict[str, Any] = {
        "code": f"N{next(_numbers):04d}",
        "name": "本町",
        "geom": square(-1000, -1000, 1000, 1000),
    }
    values.update(fields)
    return Neighbourhood.objects.create(**values)


def make_hazard_area(**fields: Any) -> HazardArea:
    values: dict[str, Any] = {"kind": "flood", "level": 2, "geom": square(0, 0, 100, 100)}
    values.update(fields)
    return HazardArea.objects.create(**values)


def person(**fields: Any) -> Person:
    """An unsaved person with valid values for every required field."""
    number = next(_numbers)
    values: dict[str, Any] = {
        "external_id": f"P-T{number:05d}",
        "name": "山田 花子",
        "kana": "ヤマダ ハナコ",
        "birth_date": dt.date(1940, 5, 6),
        "sex": "female",
        "address": "支えあい市本町1番1号",
        "phone": "0463-11-2233",
        "location": at(),
        "reasons": ["care_level_3"],
        "mobility": "needs_hand",
        "consent": "consented",
    }
    values.update(fields)
    return Person(**values)


def make_person(**fields: Any) -> Person:
    instance = person(**fields)
    instance.save()
    return instance


def supporter(**fields: Any) -> Supporter:
    number = next(_numbers)
    values: dict[str, Any] = {
        "external_id": f"S-T{number:05d}",
        "name": "佐藤 一郎",
        "address": "支えあい市本町1番2号",
        "location": at(),
        "available": ["weekday_night", "weekend_night"],
    }
    values.update(fields)
    return Supporter(**values)


def make_supporter(**fields: Any) -> Supporter:
    instance = supporter(**fields)
    instance.save()
    return instance


def shelter(**fields: Any) -> Shelter:
    number = next(_numbers)
    values: dict[str, Any] = {
        "external_id": f"1499900{number:07d}",
        "name": "本町小学校",
        "address": "支えあい市本町2番1号",
        "location": at(),
        "kind": "emergency_site",
        "hazards": ["flood", "earthquake"],
    }
    values.update(fields)
    return Shelter(**values)


def make_shelter(**fields: Any) -> Shelter:
    instance = shelter(**fields)
    instance.save()
    return instance
