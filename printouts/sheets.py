"""What goes on paper, gathered from the registry and the latest plan runs into plain data, so
that the renderers are pure functions of it."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.gis.db.models.functions import Intersection
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db.models import QuerySet
from django.utils import timezone

from planner.models import (
    AssignmentState,
    PersonPlan,
    PlanRun,
    ShelterAssignment,
    SupporterAssignment,
)
from registry.models import EmergencyContact, HazardArea, Neighbourhood, Person
from registry.models.choices import (
    CommunicationNeed,
    ConsentState,
    HazardKind,
    MedicalDevice,
    Mobility,
    Reason,
    Sex,
    ShelterKind,
    TimeSlot,
)
from registry.models.people import SHAREABLE_CONSENT

# A slow walking pace, as for an elderly person helped along: 2 km/h.
SLOW_PACE_M_PER_MIN = 2000 / 60


@dataclass(frozen=True)
class Helper:
    name: str
    kana: str
    phone: str
    address: str
    roles: list[str]
    distance_m: int
    confirmed: bool
    location: Point


@dataclass(frozen=True)
class Destination:
    hazard: str
    shelter: str
    address: str
    kind: str
    distance_m: int
    location: Point

    @property
    def walking_minutes(self) -> int:
        return max(1, round(self.distance_m / SLOW_PACE_M_PER_MIN))


@dataclass(frozen=True)
class PlanSheet:
    person_id: str
    name: str
    kana: str
    birth_date: dt.date
    age: int
    sex: str
    address: str
    phone: str
    neighbourhood: str
    reasons: list[str]
    mobility: str
    mobility_aids: str
    care_while_moving: str
    medication: str
    medical_devices: list[str]
    power_backup: str
    communication: list[str]
    place_in_home: str
    contacts: list[tuple[str, str, str]]  # name, relation, phone
    consent: str
    consent_date: dt.date | None
    shareable: bool
    review_date: dt.date | None
    version: int | None  # the plan run the sheet comes from
    plan_date: dt.date | None
    scenario: str
    needed: int
    missing: list[str]
    helpers: list[Helper]
    destinations: list[Destination]
    home: Point
    hazard_areas: list[MultiPolygon] = field(default_factory=list)
    outline: MultiPolygon | None = None


def _labels(choices: type, keys: list[str]) -> list[str]:
    labels = dict(choices.choices)  # type: ignore[attr-defined]
    return [str(labels.get(key, key)) for key in keys]


# How far around a neighbourhood (or a home) hazard areas are drawn: shelters lie within 5 km.
AREA_MARGIN_DEG = 0.05


AreaCache = dict[tuple[str, int], list[MultiPolygon]]


def _clipped(hazard: str, envelope: GEOSGeometry) -> list[MultiPolygon]:
    """The hazard's areas cut to the envelope: a river's flood bands run the length of the city,
    and a plan's map needs only the part around it."""
    clipped = (
        HazardArea.objects.filter(kind=hazard, geom__intersects=envelope)
        .annotate(part=Intersection("geom", envelope))
        .values_list("part", flat=True)
    )
    return [part for part in clipped if part and not part.empty]


def hazard_areas_near(
    hazard: str, neighbourhood_id: int | None, home: Point, cache: AreaCache
) -> list[MultiPolygon]:
    """Areas of the hazard around the person's neighbourhood (the same for everyone there, so
    a bundle passes one cache and fetches them once), or around the home."""
    if neighbourhood_id is None:
        return _clipped(hazard, Point(home.x, home.y, srid=4326).buffer(AREA_MARGIN_DEG))
    key = (hazard, neighbourhood_id)
    if key not in cache:
        area = Neighbourhood.objects.get(pk=neighbourhood_id)
        cache[key] = _clipped(hazard, area.geom.envelope.buffer(AREA_MARGIN_DEG))
    return cache[key]


def plan_sheet(person: Person) -> PlanSheet:
    return plan_sheets([person])[0]


def plan_sheets(people: Sequence[Person]) -> list[PlanSheet]:
    """Each person's sheet from their latest plan run: supporters of that run, and for each
    hazard planned the destination of the latest run of that hazard. A few queries for the
    whole list, however long, rather than a few per person."""
    ids = [person.pk for person in people]
    latest: dict[int, PersonPlan] = {}
    runs_by_hazard: dict[int, dict[str, PlanRun]] = defaultdict(dict)
    for plan in (
        PersonPlan.objects.filter(person_id__in=ids)
        .select_related("run")
        .order_by("person_id", "-run_id")
    ):
        latest.setdefault(plan.person_id, plan)
        runs_by_hazard[plan.person_id].setdefault(plan.run.hazard, plan.run)
    helpers: dict[int, list[Helper]] = defaultdict(list)
    for assignment in (
        SupporterAssignment.objects.filter(
            person_id__in=ids, run_id__in={plan.run_id for plan in latest.values()}
        )
        .exclude(state=AssignmentState.REJECTED)
        .select_related("supporter")
        .order_by("distance_m")
    ):
        if latest[assignment.person_id].run_id == assignment.run_id:
            helpers[assignment.person_id].append(_helper(assignment))
    shelters = {
        (a.person_id, a.run_id): a
        for a in ShelterAssignment.objects.filter(
            person_id__in=ids,
            run_id__in={run.pk for runs in runs_by_hazard.values() for run in runs.values()},
        )
        .exclude(state=AssignmentState.REJECTED)
        .select_related("shelter")
    }
    contacts: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for contact in EmergencyContact.objects.filter(person_id__in=ids).order_by(
        "person_id", "position"
    ):
        contacts[contact.person_id].append((contact.name, contact.relation, contact.phone))
    areas: AreaCache = {}
    sheets = []
    for person in people:
        destinations = [
            _destination(kind, shelters[(person.pk, run.pk)])
            for kind, run in runs_by_hazard[person.pk].items()
            if (person.pk, run.pk) in shelters
        ]
        sheets.append(
            _sheet(person, latest.get(person.pk), helpers[person.pk], destinations,
                   contacts[person.pk], areas)
        )  # fmt: skip
    return sheets


def _helper(assignment: SupporterAssignment) -> Helper:
    supporter = assignment.supporter
    return Helper(
        name=supporter.name,
        kana=supporter.kana,
        phone=supporter.phone,
        address=supporter.address,
        roles=list(assignment.roles),
        distance_m=assignment.distance_m,
        confirmed=assignment.state == AssignmentState.CONFIRMED,
        location=supporter.location,
    )


def _destination(kind: str, found: ShelterAssignment) -> Destination:
    return Destination(
        hazard=str(HazardKind(kind).label),
        shelter=found.shelter.name,
        address=found.shelter.address,
        kind=str(ShelterKind(found.shelter.kind).label),
        distance_m=found.distance_m,
        location=found.shelter.location,
    )


def _sheet(
    person: Person,
    latest: PersonPlan | None,
    helpers: list[Helper],
    destinations: list[Destination],
    contacts: list[tuple[str, str, str]],
    area_cache: AreaCache,
) -> PlanSheet:
    hazard = latest.run.hazard if latest else None
    areas = (
        hazard_areas_near(hazard, person.neighbourhood_id, person.location, area_cache)
        if hazard
        else []
    )
    today = timezone.localdate()
    return PlanSheet(
        person_id=person.external_id,
        name=person.name,
        kana=person.kana,
        birth_date=person.birth_date,
        age=person.age_on(today),
        sex=str(Sex(person.sex).label),
        address=person.address,
        phone=person.phone,
        neighbourhood=person.neighbourhood.name if person.neighbourhood else "",
        reasons=_labels(Reason, person.reasons),
        mobility=str(Mobility(person.mobility).label),
        mobility_aids=person.mobility_aids,
        care_while_moving=person.care_while_moving,
        medication=person.medication,
        medical_devices=_labels(MedicalDevice, person.medical_devices),
        power_backup=person.power_backup,
        communication=_labels(CommunicationNeed, person.communication),
        place_in_home=person.place_in_home,
        contacts=contacts,
        consent=str(ConsentState(person.consent).label),
        consent_date=person.consent_date,
        shareable=person.consent in SHAREABLE_CONSENT,
        review_date=person.review_date,
        version=latest.run_id if latest else None,
        plan_date=timezone.localdate(latest.run.started_at) if latest else None,
        scenario=(
            f"{HazardKind(latest.run.hazard).label} / {TimeSlot(latest.run.slot).label}"
            if latest
            else ""
        ),
        needed=latest.needed if latest else person.supporters_needed,
        missing=list(latest.reasons) if latest else [],
        helpers=helpers,
        destinations=destinations,
        home=person.location,
        hazard_areas=areas,
        outline=person.neighbourhood.geom if person.neighbourhood else None,
    )


def bundle_people(people: QuerySet[Person], copy_for: str) -> QuerySet[Person]:
    """Who an association copy may show: only people whose data may be shared."""
    people = people.active()  # type: ignore[attr-defined]
    if copy_for == "association":
        people = people.filter(consent__in=SHAREABLE_CONSENT)
    return people.select_related("neighbourhood").order_by("address", "external_id")
