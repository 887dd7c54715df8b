"""A walking route starts at the home: on the probe's town with a street network, every role's
map draws routes only from homes it shows, and no coordinate of a home it may not see appears
in any map, even after a person withdrew consent once the run had drawn their route."""

import json
import math
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import Point
from django.urls import reverse

from planner.models import ShelterAssignment
from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.access import persons_visible_to
from registry.models import Person
from routes.importer import import_roads
from tests.disclosure.town import ROLES, Town, client_for, open_emergency
from tests.factories import at

WITHDRAWN = "in_ordinance"


def _way(points: list[tuple[float, float]]) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"highway": "residential"},
            "geometry": {"type": "LineString",
                         "coordinates": [[at(x, y).x, at(x, y).y] for x, y in points]}}  # fmt: skip


def _streets(tmp_path: Path) -> None:
    """The town's main street along its homes, and a street up to each shelter."""
    path = tmp_path / "streets.geojson"
    ways = [_way([(-600, 0), (1700, 0)]), _way([(0, 0), (0, 300)]), _way([(1100, 0), (1100, 300)])]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": ways}))
    import_roads(path)


def _point(pair: list[float]) -> Point:
    return Point(pair[0], pair[1], srid=4326)


def _metres(pair: tuple[float, float], point: Any) -> float:
    dx = (pair[0] - point.x) * 111_195 * math.cos(math.radians(point.y))
    return math.hypot(dx, (pair[1] - point.y) * 111_195)


def _pairs(value: Any) -> list[tuple[float, float]]:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, float) for v in value):
        return [(value[0], value[1])]
    if isinstance(value, list):
        return [pair for item in value for pair in _pairs(item)]
    if isinstance(value, dict):
        return [pair for item in value.values() for pair in _pairs(item)]
    return []


def _check_maps(town: Town) -> int:
    """Walk every role's map of every area; return how many routes were drawn in all."""
    drawn = 0
    for role in ROLES:
        user = town.users[role]
        visible = (
            set() if user is None else set(persons_visible_to(user).values_list("pk", flat=True))
        )
        hidden = [p.location for p in Person.objects.exclude(pk__in=visible)]
        for code in town.areas:
            response = client_for(user).get(reverse("neighbourhood_map", args=[code]))
            if response.status_code != 200:
                assert role != "officer", f"{role} {code}: {response.status_code}"
                continue
            features = json.loads(response.content)["features"]
            homes = [f["geometry"]["coordinates"] for f in features
                     if f["properties"]["type"] == "person"]  # fmt: skip
            for route in (f for f in features if f["properties"]["type"] == "route"):
                start = tuple(route["geometry"]["coordinates"][0])
                # A route is drawn only from a home the same map shows.
                assert any(_metres(start, _point(home)) < 1 for home in homes), (role, code)
                drawn += 1
            for pair in _pairs(features):
                for home in hidden:
                    assert _metres(pair, home) > 5, f"{role} on {code} sees a hidden home"
    return drawn


def test_routes_are_drawn_only_from_homes_the_map_shows(town, tmp_path):
    _streets(tmp_path)
    run = plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    withdrawn = town.people[WITHDRAWN]
    assert ShelterAssignment.objects.filter(run=run, person=withdrawn, route__isnull=False).exists()
    Person.objects.filter(pk=withdrawn.pk).update(consent="refused")

    assert _check_maps(town) > 0
    # Under an emergency the association sees the people of N1 again, with their routes.
    open_emergency(town, "N1")
    association = client_for(town.users["association"])
    features = json.loads(association.get(reverse("neighbourhood_map", args=["N1"])).content)
    starts = [f["geometry"]["coordinates"][0] for f in features["features"]
              if f["properties"]["type"] == "route"]  # fmt: skip
    assert any(_metres(tuple(start), withdrawn.location) < 1 for start in starts)
    _check_maps(town)
