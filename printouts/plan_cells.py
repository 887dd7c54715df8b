"""The small parts the individual plan is built of, shared with the bundle and the family card:
paragraphs, tables that never leave a header alone at a page foot, dates as families read
them, and every key of the registry or the planner in words (no raw code reaches paper)."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from planner.models import SupportRole
from planner.scenario import walking_minutes
from printouts.dates import iso_and_wareki
from printouts.layout import SHADE, WARNING, Styles, japanese, listed
from printouts.maps import GAP
from printouts.sheets import Destination, language_in_words
from printouts.text import _PARSED as _PARSED
from printouts.text import text_paragraph
from registry.models.choices import CommunicationNeed, TimeSlot

HEALTH_WITHHELD = gettext_noop("Health details are not included in this copy.")
# A supporter the planner proposed who has not said yes: named, never shown as settled.
CANDIDATE = gettext_noop("Candidate (not yet agreed)")
# A candidate who has been asked and whose answer is pending (PairState "asked").
ASKED = gettext_noop("Asked, answer pending")


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return text_paragraph(text, style)


def _date(value: dt.date | None) -> str:
    """A date a family reads: on Japanese paper with its era date beside it."""
    if value is None:
        return "—"
    return iso_and_wareki(value) if japanese() else value.isoformat()


def _table(
    rows: Sequence[Sequence[Flowable | str]], widths: Sequence[float], header: bool = True
) -> Table:
    """A ruled table; with `header`, its first row is shaded and repeated on each page the
    table runs onto, so that a continued table still says what its columns are."""
    table = Table(list(rows), colWidths=list(widths), hAlign="LEFT", repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.Color(0.6, 0.6, 0.6)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_TOP),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_BOTTOM),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    table.setStyle(TableStyle(commands))
    return table


def _warning(text: str, s: Styles, width: float = 178 * mm) -> Table:
    """A boxed warning on a light orange ground: what a reader must not miss."""
    box = Table([[_p(text, s.body)]], colWidths=[width], hAlign="LEFT")
    box.setStyle(
        TableStyle([("BACKGROUND", (0, 0), (-1, -1), WARNING), ("BOX", (0, 0), (-1, -1), 1.2, GAP)])
    )
    return box


def warned_row(row: int) -> list[tuple[Any, ...]]:
    """A table's style for a row of one cell across the table, on the warning's ground."""
    return [("SPAN", (0, row), (-1, row)), ("BACKGROUND", (0, row), (-1, row), WARNING)]


# A table cell's padding on each side (ReportLab's default), which a label's width must leave.
CELL_PADDING = 6


def _word_width(
    texts: Sequence[str], style: ParagraphStyle, padding: float = CELL_PADDING
) -> float:
    """The width a column needs so that none of the words of `texts` is cut in two, in a
    language that breaks only between words; 0 in Japanese, which breaks anywhere."""
    if japanese():
        return 0
    words = [word for text in texts for word in text.split()]
    widest = max((stringWidth(w, style.fontName, style.fontSize) for w in words), default=0)
    return widest + 2 * padding + 1


def _label_width(labels: Sequence[str], style: ParagraphStyle, least: float) -> float:
    """The label column's width: `least`, or in a language that breaks only between words,
    enough for the longest word of any label ("Neighbourhood"), which would otherwise be cut
    in two. Japanese keeps `least`: it breaks anywhere."""
    return max(least, _word_width(labels, style))


def _facts(rows: Sequence[tuple[str, str]], s: Styles, *, pairs: bool = False) -> Table:
    """Label and value rows; with `pairs`, two of them side by side to save paper."""
    cells: list[list[Flowable | str]] = [
        [_p(label, s.label), _p(value or "—", s.body)] for label, value in rows
    ]
    labels = [label for label, _value in rows]
    if not pairs:
        label = _label_width(labels, s.label, 44 * mm)
        return _table(cells, [label, 178 * mm - label], header=False)
    if len(cells) % 2:
        cells.append(["", ""])
    joined = [cells[i] + cells[i + 1] for i in range(0, len(cells), 2)]
    label = _label_width(labels, s.label, 30 * mm)
    value = 89 * mm - label
    return _table(joined, [label, value, label, value], header=False)


class _KeepStart(CondPageBreak):
    """Before a heading: a new page when the rest of this one cannot hold the heading, what
    comes before the first table, and that table's header and first row. A heading or a table
    header is never left alone at a page foot, and a long table still starts where it is
    rather than leaving half a page blank. The start is measured once per width, and the
    flowables stay in the story as they are: keeping them together in a container would lay
    each of them out again on every attempt."""

    def __init__(self, start: Sequence[Flowable]) -> None:
        super().__init__(0)
        self._start = list(start)
        self._measured: dict[float, float] = {}

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if availWidth not in self._measured:
            self._measured[availWidth] = _start_height(self._start, availWidth, availHeight)
        self.height = self._measured[availWidth]
        frame = self._doctemplateAttr("frame")
        if frame is not None and getattr(frame, "_atTop", False):
            return 0, 0  # at the top of a page already: a new page would not help
        result: tuple[float, float] = super().wrap(availWidth, availHeight)
        return result


def _start_height(start: Sequence[Flowable], width: float, height: float) -> float:
    total = 0.0
    for flowable in start:
        total += float(flowable.getSpaceBefore() + flowable.getSpaceAfter())
        if isinstance(flowable, Table):
            return total + _first_rows_height(flowable, width, height) + 2  # a point to spare
        total += float(flowable.wrap(width, height)[1])
    return total


# The cell padding of _table: a row is as tall as its tallest cell and these.
CELL_SIDES, CELL_TOP, CELL_BOTTOM = 6, 3, 4


def _first_rows_height(table: Table, width: float, height: float) -> float:
    """The height of a table's first two rows, from their cells alone: laying out the whole
    table to learn it would cost as much as printing it. Cells keep their lines per width, so
    the table's own layout later reuses what is measured here."""
    widths: list[float | None] = list(table._argW)
    if any(w is None or isinstance(w, str) for w in widths):
        table.wrap(width, height)
        return float(sum(table._rowHeights[:2]))
    total = 0.0
    for row in table._cellvalues[:2]:
        tallest = 0.0
        for cell, cell_width in zip(row, widths, strict=False):
            if isinstance(cell, Flowable):
                assert cell_width is not None
                tallest = max(tallest, cell.wrap(cell_width - 2 * CELL_SIDES, height)[1])
        total += tallest + CELL_TOP + CELL_BOTTOM
    return total


def _section(heading: str, body: Sequence[Flowable], s: Styles) -> list[Flowable]:
    """A heading and its body, the heading never alone at a page foot."""
    title = _p(heading, s.heading)
    return [_KeepStart([title, *body]), title, *body] if body else [title]


# --- keys in words ---------------------------------------------------------------------------


def _role_in_words(role: str) -> str:
    """A support role as the planner names it; an unknown key as it is."""
    return str(SupportRole(role).label) if role in SupportRole.values else role


def slot_in_words(slot: str) -> str:
    """A time slot (TimeSlot key) as its label."""
    return str(TimeSlot(slot).label) if slot in TimeSlot.values else slot


def communication_in_words(need: str) -> str:
    """A communication need in words: the registry's labels, or a needed language by name.
    A key may reach here unlabelled (`language:vi`); a label passes through."""
    if need.startswith("language:"):
        return language_in_words(need)
    if need in CommunicationNeed.values:
        return str(CommunicationNeed(need).label)
    return need


def state_in_words(state: str) -> str:
    """A supporter's agreement state on paper: nothing for one who agreed; the candidate's
    mark otherwise, and for one who was asked, that the answer is pending."""
    if state == "agreed":
        return ""
    if state == "asked":
        return f"{_(CANDIDATE)}\n{_(ASKED)}"
    return _(CANDIDATE)


def walk_in_words(place: Destination) -> str:
    """How far the shelter is and how long the walk takes: along the streets (道のり) when the
    run found the way there, else the distance the planner measured."""
    if place.route_m is not None:
        return _("%(metres)s m along the streets, about %(minutes)d min at a slow pace") % {
            "metres": f"{round(place.route_m):,}",
            "minutes": walking_minutes(place.route_m),
        }
    return _("%(metres)d m, about %(minutes)d min at a slow pace") % {
        "metres": place.distance_m,
        "minutes": place.walking_minutes,
    }


def crossing_in_words(place: Destination) -> str:
    """The warning for a way that crosses another hazard's areas: the officer is to find
    another way, or to tell the supporters which stretch to watch."""
    hazards = listed(hazard if japanese() else hazard.lower() for hazard in place.crosses)
    # The hazard is named: two hazards' shelters may share a name.
    words = _(
        "%(hazard)s: the way to %(shelter)s crosses an area at risk of %(hazards)s: "
        "check another way."
    )
    return words % {"hazard": place.hazard, "shelter": place.shelter, "hazards": hazards}
