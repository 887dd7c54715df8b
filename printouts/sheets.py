"""What goes on paper, gathered from the registry and the latest finished run of a named
scenario into plain data, so that the renderers are pure functions of it. The data has passed
the disclosure policy (registry.access) for the copy's reader: rows and fields."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db.models import QuerySet
from django.utils import timezone

from planner.models import (
    AssignmentState,
    PersonPlan,
    PlanRun,
    RunStatus,
    ShelterAssignment,
    SupporterAssignment,
)
from registry.access import (
    Copy,
    copy_for_reader,
    copy_rows,
    health_visible_ids,
    persons_for_copy,
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
from registry.ordering import by_address

# A slow walking pace, as for an elderly person helped along: 2 km/h.
SLOW_PACE_M_PER_MIN = 2000 / 60


@dataclass(frozen=True)
class Helper:
    """A supporter on paper, once per plan whatever the time slots they help in. Until they
    agreed (`state` "agreed"), a supporter is only a candidate: phone, address and home
    location are empty except in the officer's copy, so that no renderer can print a
    neighbour's contacts before the neighbour said yes."""

    name: str
    kana: str
    phone: str
    address: str
    roles: list[str]  # SupportRole keys, in the order of SupportRole
    distance_m: int
    state: str  # planner.models.PairState key: "proposed", "asked" or "agreed"
    location: Point | None
    # TimeSlot keys of the slots in which they help, in TimeSlot's order.
    slots: list[str] = field(default_factory=list)
    supporter_id: str = ""

    @property
    def agreed(self) -> bool:
        return self.state == "agreed"


@dataclass(frozen=True)
class Destination:
    """Where the person goes for one hazard, and how their home stands in it."""

    hazard: str  # the hazard's label
    shelter: str  # "" when the run found no shelter in reach
    address: str
    kind: str
    distance_m: int
    location: Point | None
    hazard_key: str = ""
    # The home lies in an area of this hazard; `level` says how deep or which zone, in words.
    in_area: bool = False
    level: str = ""

    @property
    def walking_minutes(self) -> int:
        return max(1, round(self.distance_m / SLOW_PACE_M_PER_MIN))

    @property
    def stay_home(self) -> bool:
        """Outside every area of the hazard, staying home (在宅避難) is possible, with the
        shelter as the fallback."""
        return not self.in_area


@dataclass(frozen=True)
class SlotCover:
    """Who helps at one time of day (the latest finished run of that slot), by name."""

    slot: str  # TimeSlot key
    label: str
    helpers: list[str]  # names, agreed ones first
    planned: bool  # False: no run of this slot included the person yet


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
    version: int | None  # the issued version (v1, v2 …); None for a draft (案)
    plan_date: dt.date | None  # the version's issue date, or the draft's date
    scenario: str  # the scenarios the plan was assembled from, in words
    needed: int
    missing: list[str]
    status: str  # the weakest CoverStatus key over its runs; "" when not planned yet
    helpers: list[Helper]
    destinations: list[Destination]
    home: Point
    hazard_areas: list[MultiPolygon] = field(default_factory=list)
    outline: MultiPolygon | None = None
    # False when the copy may not show health details: the fields above that hold them are
    # empty, and paper says that they are withheld rather than that there are none.
    health_shown: bool = True
    # The issued plan, or the draft of what an issue would freeze.
    draft: bool = True
    issued_by: str = ""
    review_overdue: bool = False
    changes: list[str] = field(default_factory=list)  # since the previous version, in words
    runs: list[str] = field(default_factory=list)  # the runs it was assembled from, in words
    slots: list[SlotCover] = field(default_factory=list)  # the four times of day, in order
    # More of the person (health ones empty when withheld, like the fields above).
    lives_alone: bool = False
    language: str = ""  # a language other than Japanese they need, in words ("" for none)
    doctor: tuple[str, str] = ("", "")  # name, phone
    nurse: tuple[str, str] = ("", "")
    device_supplier: tuple[str, str] = ("", "")
    consent_basis: str = ""  # in words
    # Whom the neighbourhood has: its association and 民生委員 (name, phone), and the city.
    association: tuple[str, str] = ("", "")
    commissioner: tuple[str, str] = ("", "")
    city_office: tuple[str, str] = ("", "")
    # The card in やさしい日本語 by default: the person's communication needs call for it.
    easy_japanese: bool = False


def _labels(choices: type, keys: list[str]) -> list[str]:
    labels = dict(choices.choices)  # type: ignore[attr-defined]
    return [str(labels.get(key, key)) for key in keys]


# How far around a neighbourhood (or a home) hazard areas are drawn: shelters lie within 5 km.
AREA_MARGIN_DEG = 0.05


AreaCache = dict[tuple[str, int], list[MultiPolygon]]


def _clipped(hazard: str, envelope: GEOSGeometry) -> list[MultiPolygon]:
    """The hazard's areas cut to the envelope: a river's flood bands run the length of the city,
    and a plan's map needs only the part around it."""
    return [part for _level, part in HazardArea.objects.clipped_to(hazard, envelope)]


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


class NotInCopy(ValueError):
    """A person asked for on paper is not one that the copy's reader may see."""


def plan_sheet(
    person: Person,
    *,
    user: Any = None,
    copy_for: str | None = None,
    hazard: str | None = None,
    slot: str | None = None,
) -> PlanSheet:
    return plan_sheets([person], user=user, copy_for=copy_for, hazard=hazard, slot=slot)[0]


def plan_sheets(
    people: Sequence[Person],
    *,
    user: Any = None,
    copy_for: str | None = None,
    hazard: str | None = None,
    slot: str | None = None,
) -> list[PlanSheet]:
    """Each person's sheet, as the copy for this user may show it (no user: the city office;
    the copy as `registry.access.copy_for_reader` decides): health details only where the
    policy lets both the user and the copy's reader see them, so that no renderer can print
    what they may not.

    The plan comes from the latest finished run of the scenario named (hazard and time slot)
    that included the person; without one, from the latest finished run that included them.
    Supporters come from that run; shelters from it for its hazard, and for each other hazard
    from the latest finished run of that hazard. A few queries for the whole list, however
    long, rather than a few per person."""
    if (hazard is None) != (slot is None):
        raise ValueError("a scenario is named by both its hazard and its time slot")
    copy = copy_for_reader(user, copy_for)
    ids = [person.pk for person in people]
    allowed = set(persons_for_copy(user, copy).filter(pk__in=ids).values_list("pk", flat=True))
    if missing := [person.external_id for person in people if person.pk not in allowed]:
        raise NotInCopy(f"not in the {copy} copy: {', '.join(missing)}")
    health = health_visible_ids(user, people, copy)
    latest: dict[int, PersonPlan] = {}
    runs_by_hazard: dict[int, dict[str, PlanRun]] = defaultdict(dict)
    for plan in (
        PersonPlan.objects.filter(person_id__in=ids, run__status=RunStatus.DONE)
        .select_related("run")
        .order_by("person_id", "-run_id")
    ):
        if hazard is None or (plan.run.hazard, plan.run.slot) == (hazard, slot):
            latest.setdefault(plan.person_id, plan)
        runs_by_hazard[plan.person_id].setdefault(plan.run.hazard, plan.run)
    for person_id, plan in latest.items():
        # The scenario's own run gives its hazard's shelter, and comes first on the sheet.
        others = runs_by_hazard[person_id]
        others.pop(plan.run.hazard, None)
        runs_by_hazard[person_id] = {plan.run.hazard: plan.run, **others}
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
            helpers[assignment.person_id].append(
                _helper(assignment, contacts_always=copy == Copy.OFFICER)
            )
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
    named = _scenario_label(hazard, slot) if hazard and slot else ""
    sheets = []
    for person in people:
        destinations = [
            _destination(kind, shelters[(person.pk, run.pk)])
            for kind, run in runs_by_hazard[person.pk].items()
            if (person.pk, run.pk) in shelters
        ]
        sheet = _sheet(person, latest.get(person.pk), helpers[person.pk], destinations,
                       contacts[person.pk], areas, named)  # fmt: skip
        sheets.append(sheet if person.pk in health else _without_health(sheet))
    return sheets


def _scenario_label(hazard: str, slot: str) -> str:
    return f"{HazardKind(hazard).label} / {TimeSlot(slot).label}"


def _without_health(sheet: PlanSheet) -> PlanSheet:
    """The sheet with every health and disability detail taken out (registry.access's
    HEALTH_FIELDS that a sheet carries), and marked so that paper says they are withheld."""
    return replace(
        sheet,
        reasons=[],
        medication="",
        medical_devices=[],
        power_backup="",
        communication=[],
        health_shown=False,
    )


def _helper(assignment: SupporterAssignment, *, contacts_always: bool) -> Helper:
    """The supporter as the copy may show them: sharing a supporter's contacts needs their
    agreement, so a candidate's phone, address and home (a map marker is an address) are left
    out unless `contacts_always` (the officer's copy, which the city keeps to ask them)."""
    supporter = assignment.supporter
    confirmed = assignment.state == AssignmentState.CONFIRMED
    shown = confirmed or contacts_always
    return Helper(
        name=supporter.name,
        kana=supporter.kana,
        phone=supporter.phone if shown else "",
        address=supporter.address if shown else "",
        roles=list(assignment.roles),
        distance_m=assignment.distance_m,
        state="agreed" if confirmed else "proposed",
        location=supporter.location if shown else None,
    )


def _destination(kind: str, found: ShelterAssignment) -> Destination:
    return Destination(
        hazard=str(HazardKind(kind).label),
        shelter=found.shelter.name,
        address=found.shelter.address,
        kind=str(ShelterKind(found.shelter.kind).label),
        distance_m=found.distance_m,
        location=found.shelter.location,
        hazard_key=kind,
    )


def _sheet(
    person: Person,
    latest: PersonPlan | None,
    helpers: list[Helper],
    destinations: list[Destination],
    contacts: list[tuple[str, str, str]],
    area_cache: AreaCache,
    named_scenario: str,
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
        scenario=_scenario_label(latest.run.hazard, latest.run.slot) if latest else named_scenario,
        needed=latest.needed if latest else person.supporters_needed,
        missing=list(latest.reasons) if latest else [],
        status=latest.status if latest else "",
        helpers=helpers,
        destinations=destinations,
        home=person.location,
        hazard_areas=areas,
        outline=person.neighbourhood.geom if person.neighbourhood else None,
    )


def bundle_people(people: QuerySet[Person], copy_for: str) -> list[Person]:
    """Who a copy may show, in the order of the roster (by address, then by ID, numbers in
    both compared as numbers): the active people that its reader may see (an association's or
    a commissioner's copy: those who consented, and the others only under an active emergency
    disclosure of their area)."""
    people = copy_rows(people.active(), copy_for)  # type: ignore[attr-defined]
    return by_address(list(people.select_related("neighbourhood")))
