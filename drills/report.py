"""The after-action figures of a drill, read from its append-only reports: per person the first
contact and the arrival (seconds from the start), per neighbourhood the cumulative numbers of
people reached and arrived over time, who was never reached, which supporters did not respond,
and the notes. The figures name people and supporters by database number only: whoever shows
them (a page, a PDF) passes them through the disclosure policy first."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from drills.models import REACHED, CheckState, Drill, DrillPerson, DrillReport, DrillSupporter
from drills.services import latest_states

# A step series: (seconds from the start, people so far), starting at (0, 0), one point per
# change, and a last point at the end of the drill.
Steps = list[tuple[int, int]]


@dataclass(frozen=True)
class PersonTimes:
    person: int  # Person pk
    external_id: str
    neighbourhood: int | None
    state: str  # the latest state, a CheckState key
    first_contact_s: int | None  # the first report that was a contact (not `unreachable`)
    arrived_s: int | None  # the first `arrived`

    @property
    def reached(self) -> bool:
        return self.first_contact_s is not None


@dataclass(frozen=True)
class Curve:
    """One neighbourhood's cumulative numbers of people reached and arrived."""

    neighbourhood: int  # Neighbourhood pk
    code: str
    name: str
    people: int
    reached: Steps
    arrived: Steps


@dataclass(frozen=True)
class QuietSupporter:
    """A supporter who sent no report in the drill, and whether they opened their link."""

    supporter: int  # Supporter pk
    opened: bool


@dataclass(frozen=True)
class Note:
    person: int  # Person pk
    at_s: int
    state: str
    text: str
    supporter: int | None  # who sent it, when a supporter did
    on_behalf: bool


@dataclass(frozen=True)
class DrillFigures:
    drill: Drill
    length_s: int  # from the start to the end, the close, or now while it runs
    people: list[PersonTimes]  # in the order of the people's external ids
    totals: dict[str, int]  # every CheckState key, in CheckState's order
    curves: list[Curve]  # one per neighbourhood of the drill, by code
    quiet: list[QuietSupporter]
    notes: list[Note]  # in the order sent

    @property
    def never_reached(self) -> list[PersonTimes]:
        return [person for person in self.people if not person.reached]


def seconds_since_start(drill: Drill, at: dt.datetime) -> int:
    return max(0, int((at - drill.starts_at).total_seconds()))


def drill_length_s(drill: Drill, now: dt.datetime | None = None) -> int:
    """Seconds from the start to the end, the close or now, whichever comes first."""
    ends = [drill.ends_at, now or timezone.now()]
    if drill.closed_at is not None:
        ends.append(drill.closed_at)
    return seconds_since_start(drill, min(ends))


def steps(times: list[int], length_s: int) -> Steps:
    """The cumulative count of the events at these seconds, as a step series up to
    `length_s` (never before the last event)."""
    series: Steps = [(0, 0)]
    for count, second in enumerate(sorted(times), start=1):
        if series[-1][0] == second:
            series[-1] = (second, count)
        else:
            series.append((second, count))
    end = max(length_s, series[-1][0])
    if series[-1][0] < end:
        series.append((end, series[-1][1]))
    return series


def drill_figures(drill: Drill, now: dt.datetime | None = None) -> DrillFigures:
    """Everything the after-action report shows, in a handful of queries."""
    listed = (
        DrillPerson.objects.filter(drill=drill)
        .select_related("person")
        .only("person__external_id", "person__neighbourhood_id")
    )
    people = {entry.person_id: entry.person for entry in listed}
    first_contact: dict[int, int] = {}
    arrived: dict[int, int] = {}
    notes: list[Note] = []
    senders: set[int] = set()
    reports = DrillReport.objects.filter(drill=drill).order_by("at", "pk")
    for report in reports.only(
        "person_id", "state", "at", "note", "supporter_id", "on_behalf"
    ).iterator():
        second = seconds_since_start(drill, report.at)
        if report.state in REACHED:
            first_contact.setdefault(report.person_id, second)
        if report.state == CheckState.ARRIVED:
            arrived.setdefault(report.person_id, second)
        if report.supporter_id is not None:
            senders.add(report.supporter_id)
        if report.note:
            notes.append(
                Note(report.person_id, second, report.state, report.note, report.supporter_id,
                     report.on_behalf)
            )  # fmt: skip
    states = latest_states(drill)
    rows = sorted(
        (
            PersonTimes(
                person=pk,
                external_id=person.external_id,
                neighbourhood=person.neighbourhood_id,
                state=states.get(pk, CheckState.NOT_REACHED),
                first_contact_s=first_contact.get(pk),
                arrived_s=arrived.get(pk),
            )
            for pk, person in people.items()
        ),
        key=lambda row: (row.external_id, row.person),
    )
    totals = dict.fromkeys(CheckState.values, 0)
    for row in rows:
        totals[row.state] += 1
    length = drill_length_s(drill, now)
    return DrillFigures(
        drill=drill,
        length_s=length,
        people=rows,
        totals=totals,
        curves=_curves(drill, rows, length),
        quiet=[
            QuietSupporter(entry.supporter_id, entry.opened_at is not None)
            for entry in DrillSupporter.objects.filter(drill=drill).order_by("supporter_id")
            if entry.supporter_id not in senders
        ],
        notes=notes,
    )


def _curves(drill: Drill, rows: list[PersonTimes], length_s: int) -> list[Curve]:
    by_area: dict[int | None, list[PersonTimes]] = defaultdict(list)
    for row in rows:
        by_area[row.neighbourhood].append(row)
    curves = []
    for area in drill.neighbourhoods.order_by("code"):
        mine = by_area.get(area.pk, [])
        curves.append(
            Curve(
                neighbourhood=area.pk,
                code=area.code,
                name=area.name,
                people=len(mine),
                reached=steps(
                    [r.first_contact_s for r in mine if r.first_contact_s is not None], length_s
                ),
                arrived=steps([r.arrived_s for r in mine if r.arrived_s is not None], length_s),
            )
        )
    return curves


def report_json(drill: Drill) -> dict[str, Any]:
    """The report as `drill report --json` prints it (interfaces.md): per person, by external
    id, the latest state and the seconds to the first contact and to the arrival; totals for
    every state."""
    figures = drill_figures(drill)
    return {
        "drill": drill.pk,
        "people": [
            {
                "person": row.external_id,
                "state": row.state,
                "first_contact_s": row.first_contact_s,
                "arrived_s": row.arrived_s,
            }
            for row in figures.people
        ],
        "totals": figures.totals,
    }
