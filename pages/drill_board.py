"""What the live board of a drill shows a user: the drills they may open, and for one drill the
counts per state and neighbourhood, the people they may see with their latest state and
home, those still not reached after the set minutes, and the supporters who have not opened
their link. People and supporters the user may not see are counted, never named or located:
every row is read through registry.access."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from drills.models import (
    REACHED,
    REPORTED,
    CheckState,
    Drill,
    DrillCheck,
    DrillKind,
    DrillPerson,
    DrillReport,
    DrillSupporter,
)
from drills.services import DrillRefused, latest_states
from registry.access import (
    AnyUser,
    Role,
    areas_of,
    health_visible_ids,
    neighbourhoods_visible_to,
    persons_visible_to,
    role_of,
    supporters_visible_to,
)
from registry.models import Neighbourhood, Person
from registry.models.choices import HazardKind, TimeSlot

# A colour per state, the same on the map, the legend and the counts. Grey and black for no
# news; red for the one state that asks for someone to go.
STATE_COLOURS: dict[str, str] = {
    CheckState.NOT_REACHED: "#6b6b6b",
    CheckState.CONTACTED: "#1f6fd1",
    CheckState.SAFE_AT_HOME: "#1b6e34",
    CheckState.EVACUATING: "#c77700",
    CheckState.ARRIVED: "#6a3d9a",
    CheckState.NEEDS_HELP: "#c00000",
    CheckState.UNREACHABLE: "#222222",
}

# The services' refusals, kept in the catalogue so that the board shows them translated.
REFUSALS = (
    gettext_noop("a drill needs at least one neighbourhood"),
    gettext_noop("the drill is not open for reports"),
    gettext_noop("the person is not in this drill"),
)


def refusal_words(error: DrillRefused) -> str:
    """A service's refusal in the reader's language, hazards and time slots by their names."""
    labels = {"hazard": HazardKind, "slot": TimeSlot}
    values = {
        key: str(labels[key](value).label) if key in labels else value
        for key, value in error.values.items()
    }
    return gettext(error.message) % values if values else gettext(error.message)


# Who starts and closes drills and enters reports taken by phone; commissioners watch.
RUNNERS = (Role.OFFICER, Role.ASSOCIATION)


def drills_visible_to(user: AnyUser) -> QuerySet[Drill]:
    """Officers see every drill; associations and commissioners the drills of any of their
    neighbourhoods (the people in them are narrowed again, person by person)."""
    role = role_of(user)
    if role == Role.OFFICER:
        return Drill.objects.all()
    if role in (Role.ASSOCIATION, Role.COMMISSIONER):
        return Drill.objects.filter(neighbourhoods__in=areas_of(user)).distinct()
    return Drill.objects.none()


def may_run(user: AnyUser, drill: Drill | None = None) -> bool:
    """Whether the user may start drills, or close this one: officers any, an association
    only a drill of its own neighbourhoods alone."""
    role = role_of(user)
    if role == Role.OFFICER:
        return True
    if role != Role.ASSOCIATION:
        return False
    if drill is None:
        return True
    own = set(areas_of(user).values_list("pk", flat=True))
    return set(drill.neighbourhoods.values_list("pk", flat=True)) <= own


def may_report_on(user: AnyUser) -> bool:
    """Officers enter reports on anyone in the drill, associations on the people they see."""
    return role_of(user) in RUNNERS


class DrillStartForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    hazard = forms.ChoiceField(label=_("hazard"), choices=HazardKind.choices)
    slot = forms.ChoiceField(label=_("time slot"), choices=TimeSlot.choices)
    kind = forms.ChoiceField(label=_("kind"), choices=DrillKind.choices, initial=DrillKind.DRILL)
    neighbourhoods = forms.ModelMultipleChoiceField(
        label=_("neighbourhoods"),
        queryset=Neighbourhood.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        neighbourhoods: Any = self.fields["neighbourhoods"]
        neighbourhoods.queryset = neighbourhoods_visible_to(user).order_by("code")
        if role_of(user) != Role.OFFICER:
            # A real event is declared by the city: associations run drills.
            kind: Any = self.fields["kind"]
            kind.choices = [(DrillKind.DRILL, DrillKind.DRILL.label)]


class PhoneReportForm(forms.Form):
    """A report taken by phone, entered on the supporter's behalf. `key` is the rendered
    form's own key, so that a double submit records one report."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    state = forms.ChoiceField(
        label=_("state"), choices=[(s.value, s.label) for s in CheckState if s.value in REPORTED]
    )
    note = forms.CharField(label=_("note"), required=False, max_length=2000)


@dataclass(frozen=True)
class BoardPerson:
    person: Person
    state: str
    at: dt.datetime | None
    on_behalf: bool
    checkers: list[str]
    note: str = ""  # the latest report's note (what help is needed)


def _latest_reports(drill: Drill) -> dict[int, DrillReport]:
    reports: dict[int, DrillReport] = {}
    for report in DrillReport.objects.filter(drill=drill).order_by("at", "pk"):
        reports[report.person_id] = report
    return reports


def board_people(user: AnyUser, drill: Drill) -> tuple[list[BoardPerson], dict[int, str]]:
    """The people of the drill this user may see, with their latest state, and every person's
    state (for the counts only)."""
    states = latest_states(drill)
    reports = _latest_reports(drill)
    in_drill = DrillPerson.objects.filter(drill=drill).values("person")
    people = list(
        persons_visible_to(user, Person.objects.filter(pk__in=in_drill))
        .select_related("neighbourhood")
        .only("pk", "name", "location", "consent", "neighbourhood__code", "neighbourhood__name")
        .order_by("neighbourhood__code", "kana", "pk")
    )
    seen = {person.pk for person in people}
    visible_supporters = supporters_visible_to(user).values("pk")
    checkers: dict[int, list[str]] = {}
    for person_id, name in (
        DrillCheck.objects.filter(drill=drill, person_id__in=seen, supporter__in=visible_supporters)
        .order_by("person_id", "rank")
        .values_list("person_id", "supporter__name")
    ):
        checkers.setdefault(person_id, []).append(name)
    rows = []
    for person in people:
        report = reports.get(person.pk)
        rows.append(
            BoardPerson(
                person=person,
                state=states.get(person.pk, CheckState.NOT_REACHED),
                at=report.at if report else None,
                on_behalf=bool(report and report.on_behalf),
                checkers=checkers.get(person.pk, []),
                note=report.note if report else "",
            )
        )
    return rows, states


def board_data(user: AnyUser, drill: Drill, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the board shows, as plain JSON-ready values; the page renders it once and
    then polls the same data."""
    now = now or timezone.now()
    rows, states = board_people(user, drill)
    minutes = settings.DRILL_NOT_REACHED_MINUTES
    # The clock stops when the drill is closed or over.
    stopped = min(now, drill.closed_at or now, drill.ends_at)
    elapsed = max(0, int((stopped - drill.starts_at).total_seconds()))
    late = elapsed >= minutes * 60
    totals = dict.fromkeys(CheckState.values, 0)
    for state in states.values():
        totals[state] += 1
    # Neighbourhoods: those of the drill the user looks after, counted over everyone there.
    mine = drills_areas_for(user, drill)
    area_of = dict(
        DrillPerson.objects.filter(drill=drill).values_list("person_id", "person__neighbourhood")
    )
    areas = []
    for area in mine:
        counts = dict.fromkeys(CheckState.values, 0)
        for person_id, state in states.items():
            if area_of.get(person_id) == area.pk:
                counts[state] += 1
        areas.append({"code": area.code, "name": area.name, "counts": counts,
                      "total": sum(counts.values())})  # fmt: skip
    people = [_person_json(row) for row in rows]
    still = [row for row in people if row["state"] not in REACHED]
    # Who needs help comes first, with what they need where the reader may see health
    # details (a note often says why); else the state alone.
    helpless = [row for row in rows if row.state == CheckState.NEEDS_HELP]
    health = health_visible_ids(user, [row.person for row in helpless])
    unopened = DrillSupporter.objects.filter(drill=drill, opened_at__isnull=True)
    shown_supporters = list(
        supporters_visible_to(user)
        .filter(pk__in=unopened.values("supporter"))
        .order_by("kana", "pk")
        .values("pk", "name", "phone")
    )
    return {
        "drill": {
            "id": drill.pk,
            "name": drill.name,
            "open": drill.is_open(now),
            "starts_at": drill.starts_at.isoformat(),
            "ends_at": drill.ends_at.isoformat(),
            "closed_at": drill.closed_at.isoformat() if drill.closed_at else None,
            "elapsed_s": elapsed,
            "not_reached_minutes": minutes,
        },
        "states": [
            {
                "state": state.value,
                "label": str(state.label),
                "colour": STATE_COLOURS[state],
                "count": totals[state.value],
            }
            for state in CheckState
        ],
        "total": len(states),
        "hidden": len(states) - len(rows),
        "areas": areas,
        "people": people,
        "late": late,
        "not_reached": [row["id"] for row in still] if late else [],
        "needs_help": [
            {"id": row.person.pk, "note": row.note if row.person.pk in health else ""}
            for row in helpless
        ],
        "not_reached_hidden": (
            sum(1 for s in states.values() if s not in REACHED) - len(still) if late else 0
        ),
        "unopened": [
            {"id": s["pk"], "name": s["name"], "phone": s["phone"]} for s in shown_supporters
        ],
        "unopened_hidden": unopened.count() - len(shown_supporters),
    }


def drills_areas_for(user: AnyUser, drill: Drill) -> list[Neighbourhood]:
    """The drill's neighbourhoods whose counts this user sees: those they look after."""
    return list(
        neighbourhoods_visible_to(user)
        .filter(pk__in=drill.neighbourhoods.values("pk"))
        .order_by("code")
    )


def _person_json(row: BoardPerson) -> dict[str, Any]:
    person = row.person
    area = person.neighbourhood
    return {
        "id": person.pk,
        "name": person.name,
        "area": area.code if area else "",
        "state": row.state,
        "at": row.at.isoformat() if row.at else None,
        # The report's local time, as the board shows it.
        "time": timezone.localtime(row.at).strftime("%H:%M") if row.at else "",
        "on_behalf": row.on_behalf,
        "checkers": row.checkers,
        "lon": person.location.x,
        "lat": person.location.y,
        "url": reverse("person", args=[person.pk]),
    }


def drill_rows(user: AnyUser) -> list[Drill]:
    """The drill list, newest first, with how many people each holds."""
    return list(
        drills_visible_to(user)
        .annotate(people_count=Count("people", distinct=True))
        .order_by("-starts_at", "-pk")
    )
