"""The after-action report of a drill (A4, Japanese unless asked otherwise): the drill's facts,
the totals per state, per neighbourhood the curves of people reached and arrived, the people
never reached, the supporters who did not respond, the notes, and every person's times. Read
through the disclosure policy for its reader (drills' officer copy for the city office)."""

import datetime as dt
import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Image, KeepTogether

from drills.models import CheckState, Drill, DrillKind
from drills.report import Curve
from printouts.drill_curves import SIZE_IN, curve_png
from printouts.drill_reading import ReadReport, ShownPerson, report_for_reader
from printouts.layout import Footer, Styles, bracketed, build_pdf, copy_label, printed_today, styles
from printouts.tables import grid, paragraph
from registry.access import AnyUser
from registry.models.choices import HazardKind, TimeSlot

WIDTH = 178 * mm
TITLE = gettext_lazy("After-action report of a drill")


def render_drill_report(drill: Drill, lang: str = "ja", user: AnyUser | None = None) -> bytes:
    """The report as PDF bytes, for this user (None: the city office, the officer's copy)."""
    with translation.override(lang):
        read = report_for_reader(drill, user)
        return report_pdf(read)


def report_pdf(read: ReadReport) -> bytes:
    s = styles()
    figures = read.figures
    story: list[Flowable] = [
        paragraph(str(TITLE), s.title),
        _facts(read, s),
        paragraph(_("Where everyone stands"), s.heading),
        _totals(figures.totals, s),
    ]
    if read.curves:
        story.append(paragraph(_("People reached and arrived over time"), s.heading))
    for curve in read.curves:
        story.append(KeepTogether([paragraph(_curve_heading(curve), s.body), _plot(curve,
                                   figures.length_s)]))  # fmt: skip
    story += _never_reached(read, s) + _quiet(read, s) + _notes(read, s) + _times(read, s)
    footer = Footer(copy_label(read.copy_for), printed_today())
    return build_pdf(story, pagesize=A4, footer=footer, title=str(TITLE))


def clock(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}"


def minutes(seconds: int | None) -> str:
    """Seconds from the start as minutes and seconds (m:ss); a dash for none."""
    if seconds is None:
        return "—"
    return f"{seconds // 60}:{seconds % 60:02d}"


def state_label(state: str) -> str:
    return str(CheckState(state).label)


def _facts(read: ReadReport, s: Styles) -> Flowable:
    drill = read.drill
    ended = min(filter(None, [drill.ends_at, drill.closed_at]))
    areas = "、".join(f"{a.code} {a.name}" for a in drill.neighbourhoods.order_by("code"))
    rows = [
        (_("Drill"), f"{drill.name}{bracketed(str(DrillKind(drill.kind).label))}"),
        (_("Hazard and time slot"),
         f"{HazardKind(drill.hazard).label} / {TimeSlot(drill.slot).label}"),
        (_("Neighbourhoods"), areas),
        (_("Start"), clock(drill.starts_at)),
        (_("End"), clock(ended) + (bracketed(_("closed early")) if drill.closed_at and
                                   drill.closed_at < drill.ends_at else "")),
        (_("People in the drill"), str(len(read.figures.people))),
        (_("Supporters with someone to check on"), str(drill.supporters.count())),
    ]  # fmt: skip
    return grid(
        [[paragraph(label, s.label), paragraph(value, s.body)] for label, value in rows],
        [52 * mm, WIDTH - 52 * mm],
        header=False,
    )


def _totals(totals: dict[str, int], s: Styles) -> Flowable:
    states = list(CheckState.values)
    width = WIDTH / len(states)
    return grid(
        [
            [paragraph(state_label(state), s.label) for state in states],
            [paragraph(str(totals[state]), s.name) for state in states],
        ],
        [width] * len(states),
        narrow=range(len(states)),
    )


def _curve_heading(curve: Curve) -> str:
    reached, arrived = curve.reached[-1][1], curve.arrived[-1][1]
    counts = _("%(people)d people: %(reached)d reached, %(arrived)d arrived") % {
        "people": curve.people, "reached": reached, "arrived": arrived,
    }  # fmt: skip
    return f"{curve.code} {curve.name}{bracketed(counts)}"


def _plot(curve: Curve, length_s: int) -> Flowable:
    width, height = SIZE_IN
    return Image(io.BytesIO(curve_png(curve, length_s)), width=width * 25.4 * mm,
                 height=height * 25.4 * mm)  # fmt: skip


def _hidden(count: int, s: Styles) -> list[Flowable]:
    if not count:
        return []
    text = _("And %(count)d people this copy does not show.") % {"count": count}
    return [paragraph(text, s.note)]


def _person_cell(person: ShownPerson, s: Styles) -> Flowable:
    kana = bracketed(person.kana) if person.kana else ""
    return paragraph(f"{person.name}{kana}\n{person.times.external_id}", s.body)


def _never_reached(read: ReadReport, s: Styles) -> list[Flowable]:
    story: list[Flowable] = [paragraph(_("People never reached"), s.heading)]
    if not read.never_reached and not read.never_reached_hidden:
        return [*story, paragraph(_("Everyone was reached."), s.body)]
    if read.never_reached:
        rows: list[list[Flowable | str]] = [
            [paragraph(h, s.label) for h in (_("Person"), _("Neighbourhood"), _("Phone"),
                                            _("Last state"))]
        ]  # fmt: skip
        rows += [
            [_person_cell(p, s), paragraph(p.neighbourhood, s.body),
             paragraph(p.phone or "—", s.body), paragraph(state_label(p.times.state), s.body)]
            for p in read.never_reached
        ]  # fmt: skip
        story.append(grid(rows, [62 * mm, 40 * mm, 38 * mm, 38 * mm], repeat_header=True))
    return story + _hidden(read.never_reached_hidden, s)


def _quiet(read: ReadReport, s: Styles) -> list[Flowable]:
    story: list[Flowable] = [paragraph(_("Supporters who did not respond"), s.heading)]
    if not read.quiet and not read.quiet_hidden:
        return [*story, paragraph(_("Every supporter sent a report."), s.body)]
    if read.quiet:
        rows: list[list[Flowable | str]] = [
            [paragraph(h, s.label) for h in (_("Supporter"), _("Phone"), _("Link"))]
        ]
        rows += [
            [paragraph(f"{q.name}\n{q.external_id}", s.body), paragraph(q.phone or "—", s.body),
             paragraph(_("opened, sent nothing") if q.opened else _("never opened"), s.body)]
            for q in read.quiet
        ]  # fmt: skip
        story.append(grid(rows, [80 * mm, 48 * mm, 50 * mm], repeat_header=True))
    if read.quiet_hidden:
        text = _("And %(count)d supporters of other neighbourhoods.") % {"count": read.quiet_hidden}
        story.append(paragraph(text, s.note))
    return story


def _notes(read: ReadReport, s: Styles) -> list[Flowable]:
    story: list[Flowable] = [paragraph(_("Notes"), s.heading)]
    if not read.notes and not read.notes_hidden:
        return [*story, paragraph(_("No notes were sent."), s.body)]
    if read.notes:
        rows: list[list[Flowable | str]] = [
            [
                paragraph(h, s.label)
                for h in (_("From the start"), _("Person"), _("State"), _("Note"))
            ]
        ]
        rows += [
            [paragraph(minutes(n.note.at_s), s.body), _person_cell(n.person, s),
             paragraph(state_label(n.note.state), s.body), paragraph(n.note.text, s.body)]
            for n in read.notes
        ]  # fmt: skip
        story.append(grid(rows, [20 * mm, 46 * mm, 34 * mm, 78 * mm], repeat_header=True,
                          narrow=[0]))  # fmt: skip
    if read.notes_hidden:
        text = _("And %(count)d notes this copy does not show.") % {"count": read.notes_hidden}
        story.append(paragraph(text, s.note))
    return story


def _times(read: ReadReport, s: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        # The heading never alone at the foot of a page.
        CondPageBreak(40 * mm),
        paragraph(_("Everyone's times"), s.heading),
        paragraph(_("Minutes and seconds from the start (m:ss)."), s.note),
    ]
    rows: list[list[Flowable | str]] = [
        [paragraph(h, s.label) for h in (_("ID"), _("Name"), _("Neighbourhood"),
                                        _("First contact"), _("Arrived"), _("Last state"))]
    ]  # fmt: skip
    people = sorted(read.people, key=lambda p: (p.neighbourhood, p.times.external_id))
    rows += [
        [paragraph(p.times.external_id, s.body), paragraph(p.name, s.body),
         paragraph(p.neighbourhood, s.body),
         paragraph(minutes(p.times.first_contact_s), s.body),
         paragraph(minutes(p.times.arrived_s), s.body),
         paragraph(state_label(p.times.state), s.body)]
        for p in people
    ]  # fmt: skip
    if people:
        story.append(grid(rows, [24 * mm, 36 * mm, 30 * mm, 24 * mm, 22 * mm, 42 * mm],
                          repeat_header=True, narrow=[0, 3, 4]))  # fmt: skip
    return story + _hidden(read.people_hidden, s)
