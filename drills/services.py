"""Start, report on and close a drill (or a real event). Who is in scope and who checks on whom
come from the current plans; every report is one new row, written once per button key."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from drills.models import (
    CheckState,
    Drill,
    DrillCheck,
    DrillKind,
    DrillPerson,
    DrillReport,
    DrillSupporter,
)
from planner.models import PairState, PlanRun, RunStatus
from planner.plans import plan_contents
from registry.audit import audit_record
from registry.models import AuditAction, Neighbourhood, Person, Supporter
from registry.models.access import EmergencyDisclosure
from registry.models.people import SHAREABLE_CONSENT

# A drill lasts this long unless told otherwise.
DEFAULT_HOURS = 3
# Who checks first: those who agreed, then those asked, then those only proposed.
CHECK_ORDER = [PairState.AGREED, PairState.ASKED, PairState.PROPOSED]


class DrillRefused(ValueError):
    """The drill cannot be started or the report cannot be taken, and why: `message` (an
    English msgid) with its `values`, so that a page can say it in its reader's language."""

    def __init__(self, message: str, **values: str) -> None:
        super().__init__(message % values if values else message)
        self.message, self.values = message, values


def drill_start(
    *,
    name: str,
    hazard: str,
    slot: str,
    neighbourhoods: Iterable[Neighbourhood],
    kind: str = DrillKind.DRILL,
    user: User | AnonymousUser | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> Drill:
    """A drill of the neighbourhoods' active people, checked on by their plans' supporters for
    the slot. A drill takes people who consented (or the ordinance covers); a real event also
    takes the others of an area under an active emergency disclosure for the hazard."""
    areas = list(neighbourhoods)
    if not areas:
        raise DrillRefused("a drill needs at least one neighbourhood")
    runs = PlanRun.objects.filter(hazard=hazard, slot=slot, status=RunStatus.DONE)
    if not runs.exists():
        raise DrillRefused(
            gettext_noop("no finished plan run for %(hazard)s / %(slot)s: plan it first"),
            hazard=hazard, slot=slot,
        )  # fmt: skip
    starts = starts_at or timezone.now()
    ends = ends_at or starts + dt.timedelta(hours=DEFAULT_HOURS)
    opened = _opened_areas(hazard, areas) if kind == DrillKind.EVENT else set()
    people = list(
        Person.objects.active()
        .filter(neighbourhood__in=areas)
        .order_by("pk")
        .only("pk", "consent", "neighbourhood_id", "mobility", "reasons", "medical_devices")
    )
    listed = [
        (person, person.consent not in SHAREABLE_CONSENT)
        for person in people
        if person.consent in SHAREABLE_CONSENT or person.neighbourhood_id in opened
    ]
    contents = plan_contents([person for person, _ in listed])
    with transaction.atomic():
        drill = Drill.objects.create(
            name=name, kind=kind, hazard=hazard, slot=slot, starts_at=starts, ends_at=ends,
            created_by=user if isinstance(user, User) else None,
            runs=sorted({run for c in contents.values() for run in c["runs"]}),
        )  # fmt: skip
        drill.neighbourhoods.set(areas)
        DrillPerson.objects.bulk_create(
            DrillPerson(drill=drill, person=person, under_emergency=emergency)
            for person, emergency in listed
        )
        checks = _checks(drill, contents, slot)
        DrillCheck.objects.bulk_create(checks)
        DrillSupporter.objects.bulk_create(
            DrillSupporter(drill=drill, supporter_id=supporter)
            for supporter in sorted({check.supporter_id for check in checks})
        )
        audit_record(
            action=AuditAction.CREATE, model="drills.drill", object_ids=[drill.pk],
            user=user if isinstance(user, User) else None,
            detail={"kind": kind, "hazard": hazard, "slot": slot, "people": len(listed)},
        )  # fmt: skip
    return drill


def _opened_areas(hazard: str, areas: list[Neighbourhood]) -> set[int]:
    """The areas among these that an active emergency disclosure for the hazard opens."""
    return set(
        EmergencyDisclosure.objects.active()
        .filter(hazard=hazard, neighbourhoods__in=areas)
        .values_list("neighbourhoods", flat=True)
    ) & {area.pk for area in areas}


def _checks(drill: Drill, contents: dict, slot: str) -> list[DrillCheck]:  # type: ignore[type-arg]
    entries = {pk: content["slots"].get(slot, []) for pk, content in contents.items()}
    externals = {entry["supporter"] for listed in entries.values() for entry in listed}
    supporters = dict(
        Supporter.objects.filter(external_id__in=externals).values_list("external_id", "pk")
    )
    checks = []
    for person, listed in entries.items():
        ordered = sorted(
            (e for e in listed if e["supporter"] in supporters),
            key=lambda e: CHECK_ORDER.index(e["state"]) if e["state"] in CHECK_ORDER else 9,
        )
        for rank, entry in enumerate(ordered):
            supporter = supporters[entry["supporter"]]
            checks.append(DrillCheck(drill=drill, person_id=person, supporter_id=supporter,
                                     rank=rank, state=entry["state"]))  # fmt: skip
    return checks


def drill_report(
    drill: Drill,
    person: Person,
    state: str,
    *,
    key: str,
    supporter: Supporter | None = None,
    user: User | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> tuple[DrillReport, bool]:
    """Record a report once per key: (the report, whether this call wrote it). A supporter
    reports only on their own people; an officer's entry for someone else is marked as
    taken on their behalf."""
    if state not in CheckState.values or state == CheckState.NOT_REACHED:
        raise DrillRefused(f"{state!r} is not a state a report can give")
    now = at or timezone.now()
    if not drill.is_open(now):
        raise DrillRefused("the drill is not open for reports")
    if not DrillPerson.objects.filter(drill=drill, person=person).exists():
        raise DrillRefused("the person is not in this drill")
    if (
        supporter is not None
        and not DrillCheck.objects.filter(drill=drill, person=person, supporter=supporter).exists()
    ):
        raise DrillRefused("the supporter does not check on this person")
    if supporter is None and user is None:
        raise DrillRefused("a report needs a sender")
    existing = DrillReport.objects.filter(drill=drill, key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = DrillReport(
                drill=drill, person=person, state=state, note=note.strip()[:2000], at=now,
                supporter=supporter, entered_by=user, on_behalf=user is not None,
                key=key[:64],
            )  # fmt: skip
            report.save()
    except IntegrityError:
        # The same key sent at the same moment by another request: that one is the report.
        return DrillReport.objects.get(drill=drill, key=key[:64]), False
    return report, True


def latest_states(drill: Drill) -> dict[int, str]:
    """Each person's latest state by person pk; people without a report are `not_reached`."""
    states = dict.fromkeys(
        DrillPerson.objects.filter(drill=drill).values_list("person_id", flat=True),
        str(CheckState.NOT_REACHED),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (person_id) person_id, state FROM drills_drillreport "
            "WHERE drill_id = %s ORDER BY person_id, at DESC, id DESC",
            [drill.pk],
        )
        states.update(dict(cursor.fetchall()))
    return states


def drill_close(drill: Drill, user: User | None = None) -> Drill:
    """End the drill now: links stop working and no report is taken after this."""
    if drill.closed_at is None:
        drill.closed_at = timezone.now()
        drill.save(update_fields=["closed_at"])
        audit_record(action=AuditAction.CHANGE, model="drills.drill", object_ids=[drill.pk],
                     user=user, detail={"fields": ["closed_at"]})  # fmt: skip
    return drill
