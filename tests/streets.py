"""Hand-made street networks for tests: ways given in metres east and north of the factories'
origin, laid through the same reading and noding as `import roads`."""

from typing import Any

from routes.importer import RoadsImported, import_ways, read_geojson
from tests.factories import at


def way(points: list[tuple[float, float]], **properties: Any) -> dict[str, Any]:
    """A GeoJSON feature of a residential street through the points, properties overridden."""
    coordinates = [[at(x, y).x, at(x, y).y] for x, y in points]
    return {"type": "Feature", "properties": {"highway": "residential", **properties},
            "geometry": {"type": "LineString", "coordinates": coordinates}}  # fmt: skip


def lay_streets(*features: dict[str, Any]) -> RoadsImported:
    """Replace the street network with these ways."""
    return import_ways(read_geojson({"type": "FeatureCollection", "features": list(features)}))
