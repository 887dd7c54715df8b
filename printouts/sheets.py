"""What goes on paper, gathered from the registry and the latest finished run of a named
scenario into plain data, so that the renderers are pure functions of it. The data has passed
the disclosure policy (registry.access) for the copy's reader: rows and fields."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, LineString, MultiPolygon, Point
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planner.models import CoverStatus, PairState, PlanRun, PlanVersion
from planner.plans import STATE_ORDER, Content, pairs_of, plan_contents, route_lines
from planner.scenario import walking_minutes
from planner.versions import Change, changes_by_person, current_versions, review_due
from printouts.layout import listed
from registry.access import (
    Copy,
    copy_for_reader,
    copy_rows,
    health_visible_ids,
    persons_for_copy,
)
from registry.hazard_levels import level_in_words
from registry.models import (
    EmergencyContact,
    HazardArea,
    Neighbourhood,
    Person,
    Shelter,
    Supporter,
)
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
    # The walking route along the streets (None: no network, or as the crow flies), its
    # metres, and the other hazards whose areas the way crosses (labels), to warn of.
    route: LineString | None = None
    route_m: int | None = None
    crosses: tuple[str, ...] = ()

    @property
    def walking_minutes(self) -> int:
        return walking_minutes(self.distance_m)

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
    scenario: str  # the scenarios (hazard and time slot) of the runs used, in words, listed
    needed: int
    missing: list[str]
    status: str  # the weakest CoverStatus key over its runs; "" when not planned yet
    helpers: list[Helper]
    destinations: list[Destination]
    home: Point
    # How the home was placed (a registry Placed key): a town's point is only near the house.
    placed: str = ""
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
    scenarios: list[str] = field(default_factory=list)  # each scenario of those runs, in words
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
    # The keys behind the labels above, for short words on a roster (health ones empty when
    # withheld): Mobility, MedicalDevice and CommunicationNeed keys (no `language:xx`).
    mobility_key: str = ""
    device_keys: list[str] = field(default_factory=list)
    communication_keys: list[str] = field(default_factory=list)

    @property
    def found(self) -> int:
        """Supporters found at the least covered time of day that was planned: a helper by
        night and another by day are not two helpers at once."""
        counts = [len(slot.helpers) for slot in self.slots if slot.planned]
        return min(counts) if counts else len(self.helpers)


def _labels(choices: type, keys: list[str]) -> list[str]:
    labels = dict(choices.choices)  # type: ignore[attr-defined]
    return [str(labels.get(key, key)) for key in keys]


# How far around a neighbourhood (or a home) hazard areas are drawn: shelters lie within 5 km.
AREA_MARGIN_DEG = 0.05


AreaCache = dict[tuple[str, int], list[MultiPolygon]]


# Detail finer than this (in degrees, about 3 m) is below a printed map's resolution: at the
# scale of a plan's map a point of ink covers ten metres.
PAPER_DETAIL_DEG = 0.00003


def _clipped(hazard: str, envelope: GEOSGeometry) -> list[MultiPolygon]:
    """The hazard's areas cut to the envelope: a river's flood bands run the length of the city,
    and a plan's map needs only the part around it; simplified to what paper can show, so that
    each of a bundle's maps cuts and draws fewer points."""
    return [
        part.simplify(PAPER_DETAIL_DEG, preserve_topology=True)
        for _level, part in HazardArea.objects.clipped_to(hazard, envelope)
    ]


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
    person: Person, *, user: Any = None, copy_for: str | None = None, draft: bool = False
) -> PlanSheet:
    return plan_sheets([person], user=user, copy_for=copy_for, draft=draft)[0]


def plan_sheets(
    people: Sequence[Person],
    *,
    user: Any = None,
    copy_for: str | None = None,
    draft: bool = False,
) -> list[PlanSheet]:
    """Each person's plan, as the copy for this user may show it (no user: the city office;
    the copy as `registry.access.copy_for_reader` decides): health details only where the
    policy lets both the user and the copy's reader see them, so that no renderer can print
    what they may not.

    The plan is the person's current issued version; with `draft`, or for a person who has
    none yet, what an issue would freeze now (planner.plans), marked as a draft. A few queries
    for the whole list, however long, rather than a few per person."""
    copy = copy_for_reader(user, copy_for)
    ids = [person.pk for person in people]
    allowed = set(persons_for_copy(user, copy).filter(pk__in=ids).values_list("pk", flat=True))
    if missing := [person.external_id for person in people if person.pk not in allowed]:
        raise NotInCopy(f"not in the {copy} copy: {', '.join(missing)}")
    health = health_visible_ids(user, people, copy)
    issued = {} if draft else current_versions(ids)
    drafts = plan_contents([person for person in people if person.pk not in issued])
    contents = {pk: version.content for pk, version in issued.items()} | drafts
    changed = changes_by_person(list(issued.values()))
    supporters, shelters = _referenced(contents.values())
    runs = _runs(contents.values())
    routes = route_lines(contents)
    contacts: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for contact in EmergencyContact.objects.filter(person_id__in=ids).order_by(
        "person_id", "position"
    ):
        contacts[contact.person_id].append((contact.name, contact.relation, contact.phone))
    areas: AreaCache = {}
    sheets = []
    for person in people:
        content = contents[person.pk]
        version = issued.get(person.pk)
        helpers = _helpers(content, supporters, contacts_always=copy == Copy.OFFICER)
        sheet = _sheet(person, content, version, helpers, contacts[person.pk], areas)
        used = [runs[pk] for pk in content["runs"] if pk in runs]
        scenarios = list(dict.fromkeys(scenario for scenario, _label in used))
        sheet = replace(
            sheet,
            destinations=_destinations(content, shelters, routes, person.pk),
            runs=[label for _scenario, label in used],
            scenarios=scenarios,
            scenario=listed(scenarios),
            changes=[change_in_words(c, supporters, shelters) for c in changed.get(person.pk, [])],
        )
        sheets.append(sheet if person.pk in health else _without_health(sheet))
    return sheets


def _referenced(contents: Iterable[Content]) -> tuple[dict[str, Supporter], dict[str, Shelter]]:
    """The supporters and shelters the plans name, by external id, in two queries."""
    supporter_ids: set[str] = set()
    shelter_ids: set[str] = set()
    for content in contents:
        for entries in content["slots"].values():
            supporter_ids.update(entry["supporter"] for entry in entries)
        shelter_ids.update(h["shelter"] for h in content["hazards"].values() if h["shelter"])
    return (
        {s.external_id: s for s in Supporter.objects.filter(external_id__in=supporter_ids)},
        {s.external_id: s for s in Shelter.objects.filter(external_id__in=shelter_ids)},
    )


def _runs(contents: Iterable[Content]) -> dict[int, tuple[str, str]]:
    """Each run the plans use: its scenario, and the run named with its number and date."""
    ids = {pk for content in contents for pk in content["runs"]}
    found = {}
    for run in PlanRun.objects.filter(pk__in=ids).order_by("hazard", "slot"):
        scenario = _scenario_label(run.hazard, run.slot)
        date = timezone.localdate(run.started_at).isoformat()
        found[run.pk] = (scenario, f"#{run.pk} {scenario} {date}")
    return found


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
        language="",
        device_keys=[],
        communication_keys=[],
        doctor=("", ""),
        nurse=("", ""),
        device_supplier=("", ""),
        easy_japanese=False,
        health_shown=False,
    )


def _helpers(
    content: Content, supporters: dict[str, Supporter], *, contacts_always: bool
) -> list[Helper]:
    """Each supporter of the plan once, with the slots they help in. Sharing a supporter's
    contacts needs their agreement, so a candidate's phone, address and home (a map marker
    is an address) are left out unless `contacts_always` (the officer's copy, which the city
    keeps to ask them)."""
    helpers = []
    for external_id, pair in pairs_of(content).items():
        supporter = supporters.get(external_id)
        if supporter is None:  # deleted since the version was issued
            continue
        shown = pair.state == PairState.AGREED or contacts_always
        helpers.append(
            Helper(
                name=supporter.name,
                kana=supporter.kana,
                phone=supporter.phone if shown else "",
                address=supporter.address if shown else "",
                roles=pair.roles,
                distance_m=pair.metres,
                state=pair.state,
                location=supporter.location if shown else None,
                slots=pair.slots,
                supporter_id=external_id,
            )
        )
    return sorted(helpers, key=lambda h: (STATE_ORDER.index(h.state), h.distance_m))


def _destinations(
    content: Content,
    shelters: dict[str, Shelter],
    routes: dict[tuple[int, str], LineString],
    person: int,
) -> list[Destination]:
    """One per hazard of the plan: those whose areas cover the home first."""
    found = []
    for kind, entry in sorted(content["hazards"].items(), key=lambda item: not item[1]["in_area"]):
        shelter = shelters.get(entry["shelter"] or "")
        found.append(
            Destination(
                hazard=str(HazardKind(kind).label),
                shelter=shelter.name if shelter else "",
                address=shelter.address if shelter else "",
                kind=str(ShelterKind(shelter.kind).label) if shelter else "",
                distance_m=entry["metres"] or 0,
                location=shelter.location if shelter else None,
                hazard_key=kind,
                in_area=entry["in_area"],
                level=level_in_words(kind, entry["level"]) if entry["in_area"] else "",
                route=routes.get((person, kind)) if shelter else None,
                route_m=entry.get("route_m"),
                crosses=tuple(str(HazardKind(k).label) for k in entry.get("crosses", [])),
            )
        )
    return found


def _slots(content: Content, helpers: list[Helper]) -> list[SlotCover]:
    names = {h.supporter_id: h.name for h in helpers}
    return [
        SlotCover(
            slot=slot,
            label=str(TimeSlot(slot).label),
            helpers=[
                names[e["supporter"]]
                for e in content["slots"].get(slot, [])
                if e["supporter"] in names
            ],
            planned=slot in content["slots"],
        )
        for slot in TimeSlot.values
    ]


def change_in_words(
    change: Change, supporters: dict[str, Supporter], shelters: dict[str, Shelter]
) -> str:
    """One change between versions as the reader's language says it."""

    def supporter() -> str:
        found = supporters.get(change.supporter)
        return found.name if found else change.supporter

    def shelter(external_id: str) -> str:
        found = shelters.get(external_id)
        return found.name if found else (external_id or _("none"))

    slot = "・".join(str(TimeSlot(key).label) for key in change.slot.split(";") if key)
    if change.what == "supporter_added":
        return _("%(slot)s: %(name)s added") % {"slot": slot, "name": supporter()}
    if change.what == "supporter_gone":
        return _("%(slot)s: %(name)s no longer helps") % {"slot": slot, "name": supporter()}
    if change.what == "supporter_state":
        return _("%(slot)s: %(name)s now %(state)s") % {
            "slot": slot, "name": supporter(), "state": PairState(change.after).label,
        }  # fmt: skip
    if change.what == "destination":
        return _("%(hazard)s: destination %(before)s → %(after)s") % {
            "hazard": HazardKind(change.hazard).label,
            "before": shelter(change.before), "after": shelter(change.after),
        }  # fmt: skip
    return _("Needs changed: %(what)s") % {"what": NEED_WORDS.get(change.after, change.after)}


NEED_WORDS = {
    "mobility": gettext_lazy("moving"),
    "reasons": gettext_lazy("why support is needed"),
    "medical_devices": gettext_lazy("medical devices"),
    "needed": gettext_lazy("supporters needed"),
}


# ISO 639 codes that Django's language table knows only by a script or region variant.
_LANGUAGE_ALIASES = {"zh": "zh-hans", "pt": "pt-br", "sr": "sr-latn"}


def language_in_words(code: str) -> str:
    """An ISO 639 code (`vi`, or `language:vi` as communication needs write it) as the
    language's name in the active language (ベトナム語); Django's own table names them."""
    code = code.removeprefix("language:").strip().lower()
    for candidate in (_LANGUAGE_ALIASES.get(code, code), code):
        try:
            return str(translation.get_language_info(candidate)["name_translated"])
        except KeyError:
            continue
    return _("Language %(code)s") % {"code": code.upper()}


def languages_needed(communication: list[str]) -> str:
    """The languages other than Japanese among the communication needs, by name in the
    reader's language (`language:vi` → ベトナム語)."""
    return listed(language_in_words(need) for need in communication if need.startswith("language:"))


def _status(content: Content, person: Person) -> str:
    if person.consent not in SHAREABLE_CONSENT:
        return CoverStatus.NO_CONSENT
    return content["status"]


def _sheet(
    person: Person,
    content: Content,
    version: PlanVersion | None,
    helpers: list[Helper],
    contacts: list[tuple[str, str, str]],
    area_cache: AreaCache,
) -> PlanSheet:
    # The map shows the areas of the first hazard that covers the home (else the first one).
    hazards = sorted(content["hazards"], key=lambda kind: not content["hazards"][kind]["in_area"])
    areas = (
        hazard_areas_near(hazards[0], person.neighbourhood_id, person.location, area_cache)
        if hazards
        else []
    )
    today = timezone.localdate()
    area = person.neighbourhood
    communication = [c for c in person.communication if not c.startswith("language:")]
    # A draft shows the review date that issuing it today would set.
    review = version.review_due if version else review_due(today)
    return PlanSheet(
        person_id=person.external_id,
        name=person.name,
        kana=person.kana,
        birth_date=person.birth_date,
        age=person.age_on(today),
        sex=str(Sex(person.sex).label),
        address=person.address,
        phone=person.phone,
        neighbourhood=area.name if area else "",
        reasons=_labels(Reason, person.reasons),
        mobility=str(Mobility(person.mobility).label),
        mobility_aids=person.mobility_aids,
        care_while_moving=person.care_while_moving,
        medication=person.medication,
        medical_devices=_labels(MedicalDevice, person.medical_devices),
        power_backup=person.power_backup,
        communication=_labels(CommunicationNeed, communication),
        place_in_home=person.place_in_home,
        contacts=contacts,
        consent=str(ConsentState(person.consent).label),
        consent_date=person.consent_date,
        shareable=person.consent in SHAREABLE_CONSENT,
        review_date=review,
        version=version.number if version else None,
        plan_date=timezone.localdate(version.issued_at) if version else today,
        scenario="",
        needed=content["needs"]["needed"],
        missing=list(content["missing"]),
        status=_status(content, person),
        helpers=helpers,
        destinations=[],
        home=person.location,
        placed=person.placed,
        hazard_areas=areas,
        outline=area.geom if area else None,
        draft=version is None,
        issued_by=version.issuer if version else "",
        review_overdue=bool(version and review and review < today),
        slots=_slots(content, helpers),
        lives_alone=person.lives_alone,
        language=languages_needed(person.communication),
        doctor=(getattr(person, "doctor", ""), getattr(person, "doctor_phone", "")),
        nurse=(getattr(person, "nurse", ""), getattr(person, "nurse_phone", "")),
        device_supplier=(
            getattr(person, "device_supplier", ""),
            getattr(person, "device_supplier_phone", ""),
        ),
        consent_basis=person.consent_basis,
        association=(area.association, getattr(area, "association_phone", ""))
        if area
        else ("", ""),
        commissioner=(
            (getattr(area, "commissioner", ""), getattr(area, "commissioner_phone", ""))
            if area
            else ("", "")
        ),
        city_office=(getattr(settings, "CITY_OFFICE", ""), getattr(settings, "CITY_PHONE", "")),
        easy_japanese=any(
            need == CommunicationNeed.COGNITIVE or need.startswith("language:")
            for need in person.communication
        ),
        mobility_key=person.mobility,
        device_keys=list(person.medical_devices),
        communication_keys=communication,
    )


def bundle_people(people: QuerySet[Person], copy_for: str) -> list[Person]:
    """Who a copy may show, in the order of the roster (by address, then by ID, numbers in
    both compared as numbers): the active people that its reader may see (an association's or
    a commissioner's copy: those who consented, and the others only under an active emergency
    disclosure of their area)."""
    people = copy_rows(people.active(), copy_for)  # type: ignore[attr-defined]
    return by_address(list(people.select_related("neighbourhood")))
