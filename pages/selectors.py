"""Reads for one neighbourhood's page: its people with their status in a run, and its map,
always through the scoping mechanism."""

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, FloatField, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from pages.links import person_url_maker
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


@dataclass
class ListedPerson:
    """A person as a list names them (a roster, the asking lists): what a list shows and
    orders by, read as plain values, without a model with a geometry for each of thousands."""

    pk: int
    external_id: str
    name: str
    address: str


@dataclass(frozen=True)
class RosterRow:
    """One person of a neighbourhood's roster in one run. Keys only: the template puts the
    status and the reasons into words, so that code can compare them."""

    person: ListedPerson
    status: str  # a CoverStatus key; "" when the run did not plan the person
    reasons: list[str]  # MissingReason keys
    supporters: list[str]  # names, nearest first

    @property
    def has_gap(self) -> bool:
        return self.status in GAP_STATUSES


def roster(user: Any, area: Neighbourhood, run: PlanRun | None) -> list[RosterRow]:
    """The people of the neighbourhood the user may see, with their status in the run."""
    # One query: each person's plan and helpers are found through the run's (run, person)
    # indexes, where joins by neighbourhood read the whole city's run.
    helpers: Any = Value(None, output_field=CharField())
    if run:
        helpers = ArraySubquery(
            SupporterAssignment.objects.filter(run=run, person=OuterRef("pk"))
            .exclude(state=AssignmentState.REJECTED)
            .order_by("distance_m", "pk")
            .values("supporter__name")
        )
    people = visible_people(user, area).annotate(
        **_of_their_plan(run, plan_status="status", plan_reasons="reasons"),
        helper_names=helpers,
    )
    found = {
        pk: (ListedPerson(pk, external_id, name, address), status, reasons, names)
        for pk, external_id, name, address, status, reasons, names in people.values_list(
            "pk", "external_id", "name", "address", "plan_status", "plan_reasons", "helper_names"
        )
    }
    rows = []
    for person in by_address([row[0] for row in found.values()]):
        status, reasons, names = found[person.pk][1:]
        rows.append(RosterRow(person, status or "", list(reasons or []), list(names or [])))
    return rows


def _of_their_plan(run: PlanRun | None, **columns: str) -> dict[str, Any]:
    """Annotations reading these columns of each person's plan in the run (found by the
    run's (run, person) index), named as given; nulls when there is no run."""
    if not run:
        return {name: Value(None, output_field=CharField()) for name in columns}
    plan = PersonPlan.objects.filter(run=run, person=OuterRef("pk"))
    return {name: Subquery(plan.values(column)) for name, column in columns.items()}


def visible_people(user: Any, area: Neighbourhood) -> QuerySet[Person]:
    """The active people of the neighbourhood the user may see: the page's and map's rows."""
    return persons_visible_to(user).filter(neighbourhood=area, status="active")


def ids_in(ids: list[int]) -> RawSQL:
    """Person ids for an `__in` lookup as one array parameter: a list of thousands of ids
    written as as many placeholders costs more to build and parse than the query to run."""
    return RawSQL("SELECT unnest(%s::bigint[])", (ids,))


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
    people = visible_people(user, area).annotate(
        x=_lon(), y=_lat(), **_of_their_plan(run, plan_status="status")
    )
    person_url = person_url_maker()
    query = f"?{person_query}" if person_query else ""
    shown = []
    # Rows, not models: thousands of homes read as numbers, without a geometry object each.
    for pk, name, placed, x, y, status in people.values_list(
        "pk", "name", "placed", "x", "y", "plan_status"
    ):
        shown.append(pk)
        properties = {"type": "person", "name": name, "status": status or "",
                      "url": person_url(pk) + query, **_approximate(placed)}  # fmt: skip
        features.append(_point(x, y, properties))
    features += route_features(run, shown)
    supporters = (
        supporters_visible_to(user)
        .filter(neighbourhood=area, active=True)
        .annotate(x=_lon(), y=_lat())
        .values_list("name", "placed", "x", "y")
    )
    for name, placed, x, y in supporters:
        features.append(_point(x, y, {"type": "supporter", "name": name, **_approximate(placed)}))
    shelters = (
        Shelter.objects.filter(location__intersects=envelope)
        .annotate(x=_lon(), y=_lat())
        .values_list("name", "kind", "x", "y")
    )
    for name, kind, x, y in shelters:
        features.append(_point(x, y, {"type": "shelter", "name": name, "kind": kind}))
    return {"type": "FeatureCollection", "features": features}, shown


def _approximate(placed: str) -> dict[str, bool]:
    """A home at its town's (町丁目) point is only near the house: the map marks it so. Only
    then is the property there, so that every other marker reads as before."""
    return {"approximate": True} if placed == Placed.TOWN else {}


def has_routes(run: PlanRun | None, person_ids: list[int]) -> bool:
    """Whether the map draws any route for these people: the legend names routes only then."""
    if run is None or not person_ids:
        return False
    return (
        ShelterAssignment.objects.filter(
            run=run, person_id__in=ids_in(person_ids), route__isnull=False
        )
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
        ShelterAssignment.objects.filter(
            run=run, person_id__in=ids_in(person_ids), route__isnull=False
        )
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
    return {"type": "Feature", "geometry": json.loads(geometry.geojson), "properties": properties}


def _point(x: float, y: float, properties: dict[str, Any]) -> dict[str, Any]:
    """A point feature from its coordinates as the database stores them: ST_X and ST_Y give
    the very doubles a Point read from the same row holds, so the JSON is the same."""
    shape = {"type": "Point", "coordinates": [x, y]}
    return {"type": "Feature", "geometry": shape, "properties": properties}


def _lon() -> Func:
    return Func("location", function="ST_X", template="%(function)s(%(expressions)s::geometry)",
                output_field=FloatField())  # fmt: skip


def _lat() -> Func:
    return Func("location", function="ST_Y", template="%(function)s(%(expressions)s::geometry)",
                output_field=FloatField())  # fmt: skip
