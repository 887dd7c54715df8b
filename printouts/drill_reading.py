"""A drill's after-action figures as one reader may see them: the people and supporters the
disclosure policy lets the reader see, by name; the others only counted. Notes are shown
only where the reader may see the person's health details, since a note about needing help
often says why. The report page and the report PDF both read through this."""

from dataclasses import dataclass

from drills.models import Drill
from drills.report import Curve, DrillFigures, Note, PersonTimes, drill_figures
from registry.access import (
    AnyUser,
    Role,
    copy_for_reader,
    health_visible_ids,
    neighbourhoods_visible_to,
    persons_for_copy,
    role_of,
    supporters_visible_to,
)
from registry.models import Person, Supporter


@dataclass(frozen=True)
class ShownPerson:
    times: PersonTimes
    name: str
    kana: str
    phone: str
    neighbourhood: str


@dataclass(frozen=True)
class ShownSupporter:
    pk: int
    external_id: str
    name: str
    phone: str
    opened: bool


@dataclass(frozen=True)
class ShownNote:
    note: Note
    person: ShownPerson


@dataclass(frozen=True)
class ReadReport:
    figures: DrillFigures
    copy_for: str  # a registry.access.Copy key
    people: list[ShownPerson]  # those the reader may see, by external id
    people_hidden: int
    never_reached: list[ShownPerson]
    never_reached_hidden: int
    quiet: list[ShownSupporter]
    quiet_hidden: int
    notes: list[ShownNote]
    notes_hidden: int
    curves: list[Curve]  # of the neighbourhoods the reader looks after

    @property
    def drill(self) -> Drill:
        return self.figures.drill


def report_for_reader(drill: Drill, user: AnyUser | None = None) -> ReadReport:
    """The report for a user (None: the city office, which reads the officer's copy)."""
    copy = copy_for_reader(user)
    figures = drill_figures(drill)
    listed = {row.person for row in figures.people}
    visible = {
        person.pk: person
        for person in persons_for_copy(user, copy)
        .filter(pk__in=listed)
        .select_related("neighbourhood")
    }
    shown = {
        row.person: ShownPerson(
            times=row,
            name=visible[row.person].name,
            kana=visible[row.person].kana,
            phone=visible[row.person].phone,
            neighbourhood=_area_name(visible[row.person]),
        )
        for row in figures.people
        if row.person in visible
    }
    never = figures.never_reached
    supporters = Supporter.objects.filter(pk__in=[q.supporter for q in figures.quiet])
    if user is not None:
        supporters = supporters_visible_to(user, supporters)
    named = {s.pk: s for s in supporters}
    health = health_visible_ids(user, visible.values(), copy)
    notes = [ShownNote(note, shown[note.person]) for note in figures.notes if note.person in health]
    return ReadReport(
        figures=figures,
        copy_for=str(copy),
        people=list(shown.values()),
        people_hidden=len(figures.people) - len(shown),
        never_reached=[shown[row.person] for row in never if row.person in shown],
        never_reached_hidden=sum(row.person not in shown for row in never),
        quiet=[
            ShownSupporter(
                q.supporter,
                named[q.supporter].external_id,
                named[q.supporter].name,
                named[q.supporter].phone,
                q.opened,
            )
            for q in figures.quiet
            if q.supporter in named
        ],
        quiet_hidden=sum(q.supporter not in named for q in figures.quiet),
        notes=notes,
        notes_hidden=len(figures.notes) - len(notes),
        curves=_curves_for(user, figures),
    )


def _area_name(person: Person) -> str:
    area = person.neighbourhood
    return f"{area.code} {area.name}" if area else ""


def _curves_for(user: AnyUser | None, figures: DrillFigures) -> list[Curve]:
    """An officer (or the office) sees every neighbourhood's curves; an association those of
    its own neighbourhoods."""
    if user is None or role_of(user) == Role.OFFICER:
        return figures.curves
    mine = set(neighbourhoods_visible_to(user).values_list("pk", flat=True))
    return [curve for curve in figures.curves if curve.neighbourhood in mine]
