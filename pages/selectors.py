"""Reads for one neighbourhood's page: its people with their status in a run, and its map,
always through the scoping mechanism."""

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils.translation import gettext as _

from planner.models import (
    AssignmentState,
    CoverStatus,
    PersonPlan,
    PlanRun,
    ShelterAssignment,
    SupporterAssignment,
)
from planner.scenario import walking_minutes
from registry.access import persons_visible_to, supporters_visible_to
from registry.models import HazardArea, Neighbourhood, Person, Shelter
from registry.models.choices import HazardKind, Placed
from registry.ordering import by_address

MAP_MARGIN_DEG = 0.02
# Decimals of a route's coordinates: 1e-6 degree is about 0.1 m, finer than any street.
ROUTE_DECIMALS = 6
# Statuses the gaps list shows: someone planned, but not fully covered.
GAP_STATUSES = (CoverStatus.PARTIAL.value, CoverStatus.UNCOVERED.value)


@dataclass(frozen=True)
class RosterRow:
    """One person of a neighbourhood's roster in one run. Keys only: the template puts the
    status and the reasons into words, so that code can compare them."""

    person: Person
    status: str  # a CoverStatus key; "" when the run did not plan the person
    reasons: list[str]  # MissingReason keys
    supporters: list[str]  # names, nearest first

    @property
    def has_gap(self) -> bool:
        return self.status in GAP_STATUSES


def roster(user: Any, area: Neighbourhood, run: PlanRun | None) -> list[RosterRow]:
    """The people of the neighbourhood the user may see, with their status in the run."""
    people = by_address(
        list(
            persons_visible_to(user)
            .filter(neighbourhood=area, status="active")
            .only("pk", "external_id", "name", "address", "consent", "neighbourhood_id")
        )
    )
    plans = (
        {
            p.person_id: p
            for p in PersonPlan.objects.filter(run=run, person__neighbourhood=area).only(
                "person_id", "status", "reasons"
            )
        }
        if run
        else {}
    )
    helpers: dict[int, list[str]] = defaultdict(list)
    if run:
        for person_id, name in (
            SupporterAssignment.objects.filter(run=run, person__neighbourhood=area)
            .exclude(state="rejected")
            .order_by("distance_m")
            .values_list("person_id", "supporter__name")
        ):
            helpers[person_id].append(name)
    return [
        RosterRow(
            person=person,
            status=plans[person.pk].status if person.pk in plans else "",
            reasons=list(plans[person.pk].reasons) if person.pk in plans else [],
            supporters=helpers[person.pk],
        )
        for person in people
    ]


def map_features(
    user: Any, area: Neighbourhood, hazard: str, run: PlanRun | None, person_query: str = ""
) -> tuple[dict[str, Any], list[int]]:
    """GeoJSON of one neighbourhood for its map: its outline, the hazard's areas around it,
    the people and supporters the user may see there, the walking routes of those people in
    the run, and the shelters nearby; and the ids of the people shown, for the audit log.
    Sized for one neighbourhood, never the whole city. `person_query` keeps the map's
    scenario on the links to people's pages."""
    envelope = area.geom.envelope.buffer(MAP_MARGIN_DEG)
    features: list[dict[str, Any]] = [_feature(area.geom, {"type": "area", "name": area.name})]
    for level, part in HazardArea.objects.clipped_to(hazard, envelope):
        features.append(_feature(part, {"type": "hazard", "level": level}))
    plans = PersonPlan.objects.filter(run=run, person__neighbourhood=area) if run else None
    statuses = dict(plans.values_list("person_id", "status")) if plans is not None else {}
    people = list(
        persons_visible_to(user)
        .filter(neighbourhood=area, status="active")
        .only("pk", "name", "location", "consent", "placed")
    )
    for person in people:
        features.append(
            _feature(
                person.location,
                {
                    "type": "person",
                    "name": person.name,
                    "status": statuses.get(person.pk, ""),
                    "url": reverse("person", args=[person.pk])
                    + (f"?{person_query}" if person_query else ""),
                    **_approximate(person.placed),
                },
            )
        )
    features += route_features(run, [person.pk for person in people])
    for supporter in (
        supporters_visible_to(user)
        .filter(neighbourhood=area, active=True)
        .only("pk", "name", "location", "placed")
    ):
        features.append(
            _feature(
                supporter.location,
                {"type": "supporter", "name": supporter.name, **_approximate(supporter.placed)},
            )
        )
    for shelter in Shelter.objects.filter(location__intersects=envelope).only(
        "name", "kind", "location"
    ):
        features.append(_feature(shelter.location, {"type": "shelter", "name": shelter.name,
                                                    "kind": shelter.kind}))  # fmt: skip
    return {"type": "FeatureCollection", "features": features}, [p.pk for p in people]


def _approximate(placed: str) -> dict[str, bool]:
    """A home at its town's (町丁目) point is only near the house: the map marks it so. Only
    then is the property there, so that every other marker reads as before."""
    return {"approximate": True} if placed == Placed.TOWN else {}


def has_routes(run: PlanRun | None, person_ids: list[int]) -> bool:
    """Whether the map draws any route for these people: the legend names routes only then."""
    if run is None or not person_ids:
        return False
    return (
        ShelterAssignment.objects.filter(run=run, person_id__in=person_ids, route__isnull=False)
        .exclude(state=AssignmentState.REJECTED)
        .exists()
    )


def route_features(run: PlanRun | None, person_ids: list[int]) -> list[dict[str, Any]]:
    """The walking route of each of these people to the run's shelter for them, where the run
    drew one along the streets (a rejected shelter has none). A route starts at the home: the
    caller passes only people whose home the map shows, exactly as the map shows it."""
    if run is None or not person_ids:
        return []
    rows = (
        ShelterAssignment.objects.filter(run=run, person_id__in=person_ids, route__isnull=False)
        .exclude(state=AssignmentState.REJECTED)
        .annotate(line=AsGeoJSON("route", precision=ROUTE_DECIMALS))
        .order_by("person_id")
        .values_list("line", "route_m", "shelter__name", "route_crosses")
    )
    return [
        {
            "type": "Feature",
            "geometry": json.loads(line),
            "properties": {
                "type": "route",
                "shelter": shelter,
                "metres": metres,
                "minutes": walking_minutes(metres) if metres is not None else None,
                "crosses": sorted(crosses),
                # In the reader's language, for the tooltip: the same words as the person page.
                "warning": " ".join(
                    _("The way to the shelter crosses an area of another hazard: %(hazard)s")
                    % {"hazard": HazardKind(kind).label}
                    for kind in sorted(crosses)
                ),
            },
        }
        for line, metres, shelter, crosses in rows
    ]


def _feature(geometry: Any, properties: dict[str, Any]) -> dict[str, Any]:
    if isinstance(geometry, Point):
        # Written directly: asking GDAL for each of thousands of points is the slow part.
        shape: dict[str, Any] = {"type": "Point", "coordinates": [geometry.x, geometry.y]}
    else:
        shape = json.loads(geometry.geojson)
    return {"type": "Feature", "geometry": shape, "properties": properties}
