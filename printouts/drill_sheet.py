"""The drill sheet (A4, one or more pages per supporter): the drill, the steps and which button
to press at each, whom to visit with a small map, the QR code of the supporter's own link with
the address under it, and a table of boxes for those who report on paper.

People are printed as the association's copy shows them, without any health detail: the
sheet is handed to a neighbour. A person that copy may no longer show (an emergency
disclosure that has ended) is left out and counted."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from drills.buttons import button_label
from drills.models import CheckState, Drill, DrillKind
from drills.visits import Visits
from printouts.layout import Footer, Styles, bracketed, build_pdf, japanese, printed_today, styles
from printouts.sheets import Destination, PlanSheet, plan_sheets
from printouts.supporter_sheet import (
    PAIR_LABEL,
    PHONE,
    SUPPORTER_COPY,
    WIDTH,
    _destination,
    supporters_map,
)
from printouts.tables import grid, paragraph
from registry.access import Copy, persons_for_copy
from registry.models import Supporter
from registry.models.choices import HazardKind, TimeSlot

QR_SIZE = 34 * mm
QR_COLUMN = 46 * mm  # the code, and its caption and address under it in few lines
NO_PADDING = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]
STEP_LABEL = 30 * mm
# The paper table's columns: number, name, the six states, each as wide as its Japanese label
# in 11 pt (「不在・連絡つかず」 on two lines).
NUMBER_WIDTH = 8 * mm
STATE_WIDTHS = {
    CheckState.CONTACTED: 19 * mm,
    CheckState.SAFE_AT_HOME: 22 * mm,
    CheckState.EVACUATING: 19 * mm,
    CheckState.ARRIVED: 25 * mm,
    CheckState.NEEDS_HELP: 22 * mm,
    CheckState.UNREACHABLE: 25 * mm,
}
NAME_WIDTH = WIDTH - NUMBER_WIDTH - sum(STATE_WIDTHS.values())
DRILL_SHEET = gettext_noop("Safety-check sheet")


@dataclass(frozen=True)
class DrillSheet:
    """One supporter's sheet: their people as the copy shows them, and their link."""

    supporter: Supporter
    people: list[PlanSheet]
    url: str


def drill_sheets(
    drill: Drill, visits: Sequence[Visits], url: Callable[[Supporter], str]
) -> tuple[list[DrillSheet], int]:
    """Each supporter's sheet data, and how many of their people the association's copy
    withholds (left out). One plan_sheets call for the whole drill."""
    everyone = {person.pk: person for visit in visits for person in visit.people}
    shown = set(
        persons_for_copy(None, Copy.ASSOCIATION)
        .filter(pk__in=everyone)
        .values_list("pk", flat=True)
    )
    # What the drill was started from: the current plans (drafts of what an issue would freeze).
    sheets = {
        sheet.person_id: sheet
        for sheet in plan_sheets(
            [everyone[pk] for pk in sorted(shown)], copy_for=Copy.ASSOCIATION, draft=True
        )
    }
    found, withheld = [], 0
    for visit in visits:
        people = [sheets[p.external_id] for p in visit.people if p.external_id in sheets]
        withheld += len(visit.people) - len(people)
        found.append(DrillSheet(visit.supporter, people, url(visit.supporter)))
    return found, withheld


def render_drill_sheets(drill: Drill, sheets: Sequence[DrillSheet], lang: str = "ja") -> bytes:
    """Every supporter's sheet, each from a new page, as PDF bytes."""
    with translation.override(lang):
        s = styles()
        story: list[Flowable] = []
        for number, sheet in enumerate(sheets):
            if number:
                story.append(PageBreak())
            story += _sheet(drill, sheet, s)
        if not sheets:
            story.append(paragraph(_("No supporter has anyone to check on in this drill."), s.body))
        footer = Footer(_(SUPPORTER_COPY), printed_today())
        return build_pdf(story, pagesize=A4, footer=footer, title=_(DRILL_SHEET))


def _sheet(drill: Drill, sheet: DrillSheet, s: Styles) -> list[Flowable]:
    event = drill.kind == DrillKind.EVENT
    title = _("Safety-check sheet (real event)") if event else _("Safety-check drill sheet")
    supporter = sheet.supporter
    # The name alone on the title line: with its reading it would wrap mid-word.
    name = supporter.name
    heading = ParagraphStyle("for", parent=s.name, alignment=2)
    top = Table(
        [[paragraph(title, s.title), paragraph(_("For %(name)s") % {"name": name}, heading)]],
        colWidths=[WIDTH * 0.55, WIDTH * 0.45],
    )
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), *NO_PADDING]))
    story: list[Flowable] = [
        top,
        Spacer(1, 3 * mm),
        _top(drill, sheet, s),
        paragraph(_("What to do"), s.heading),
        *_steps(s, event),
        Spacer(1, 2 * mm),
        paragraph(_call_words(), s.body),
        paragraph(_("In an emergency where someone's life is at risk, call 119."), s.body),
    ]
    if not sheet.people:
        story.append(paragraph(_("No one to check on is shown on this sheet."), s.heading))
        return story
    story += [
        paragraph(_("The people you check on"), s.heading),
        _map(drill, supporter, sheet.people),
        Spacer(1, 1.5 * mm),
    ]
    story += [
        KeepTogether(_person(number, person, drill, s))
        for number, person in enumerate(sheet.people, start=1)
    ]
    story.append(
        KeepTogether(
            [
                paragraph(_("If you report on paper"), s.heading),
                paragraph(
                    _(
                        "Without a phone: tick what happened and write the time under the "
                        "box. Hand the sheet to your association afterwards."
                    ),
                    s.body,
                ),
                Spacer(1, 1.5 * mm),
                _paper_table(sheet.people, s),
            ]
        )
    )
    return story


def _call_words() -> str:
    """Whom to call when in doubt: the same words as the phone page."""
    office, phone = settings.CITY_OFFICE, settings.CITY_PHONE
    if phone:
        return _("If you need help, call %(office)s (%(office_phone)s).") % {
            "office": office, "office_phone": phone,
        }  # fmt: skip
    return _("If you need help, call %(office)s.") % {"office": office}


def _when(drill: Drill) -> str:
    start, end = timezone.localtime(drill.starts_at), timezone.localtime(drill.ends_at)
    same_day = start.date() == end.date()
    if japanese():
        day = f"{start.year}年{start.month}月{start.day}日（{'月火水木金土日'[start.weekday()]}）"
        until = f"{end:%H:%M}" if same_day else f"{end.month}月{end.day}日 {end:%H:%M}"
        return f"{day} {start:%H:%M}〜{until}"
    until = f"{end:%H:%M}" if same_day else f"{end:%Y-%m-%d %H:%M}"
    return f"{start:%a %Y-%m-%d %H:%M} – {until}"


def _top(drill: Drill, sheet: DrillSheet, s: Styles) -> Table:
    """The drill's facts on the left, the link's QR code with its address on the right."""
    kind = str(DrillKind(drill.kind).label)
    facts = grid(
        [
            [paragraph(pgettext("drill", "Name"), s.label), paragraph(drill.name, s.body)],
            [paragraph(_("Kind"), s.label), paragraph(kind, s.body)],
            [paragraph(_("Hazard"), s.label), paragraph(HazardKind(drill.hazard).label, s.body)],
            [paragraph(_("Time of day"), s.label), paragraph(TimeSlot(drill.slot).label, s.body)],
            [paragraph(_("When"), s.label), paragraph(_when(drill), s.body)],
        ],
        [PAIR_LABEL - 6 * mm, WIDTH - QR_COLUMN - 5 * mm - PAIR_LABEL + 6 * mm],
        header=False,
    )
    caption = ParagraphStyle("caption", parent=s.note, fontSize=9, leading=11.5)
    # Broken anywhere: a link has no words to keep whole.
    small = ParagraphStyle("url", parent=s.note, fontSize=8, leading=9.5, wordWrap="CJK")
    qr: list[Flowable] = [
        qr_drawing(sheet.url, QR_SIZE),
        paragraph(_("Scan with your phone's camera to report."), caption),
        paragraph(sheet.url, small),
    ]
    table = Table([[facts, qr]], colWidths=[WIDTH - QR_COLUMN, QR_COLUMN])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 5 * mm),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
            ]
        )
    )
    return table


def qr_drawing(url: str, size: float) -> Drawing:
    """The link as a QR code `size` wide, with the standard quiet zone around it."""
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    return drawing


def _steps(s: Styles, event: bool) -> list[Flowable]:
    """The three steps in the order drills practise them, each with the buttons it uses (the
    phone page's words, so that paper and screen say the same)."""

    def button(state: CheckState) -> str:
        label = button_label(state)
        return f"「{label}」" if japanese() else f"“{label}”"

    steps = [
        (
            _("1. Tell them"),
            (
                _("Call or visit each person and tell them what is happening. Then press %(b)s.")
                if event
                else _("Call or visit each person and tell them about the drill. Then press %(b)s.")
            )
            % {"b": button(CheckState.CONTACTED)},
        ),
        (
            _("2. Check on them"),
            _(
                "Safe at home: press %(safe)s. Nobody answers: %(away)s. They need help: "
                "press %(help)s and write a few words."
            )
            % {
                "safe": button(CheckState.SAFE_AT_HOME),
                "away": button(CheckState.UNREACHABLE),
                "help": button(CheckState.NEEDS_HELP),
            },
        ),
        (
            _("3. Go together"),
            _("When you set off press %(go)s; at the shelter press %(there)s.")
            % {"go": button(CheckState.EVACUATING), "there": button(CheckState.ARRIVED)},
        ),
    ]
    rows = [[paragraph(head, s.label), paragraph(text, s.body)] for head, text in steps]
    return [grid(rows, [STEP_LABEL, WIDTH - STEP_LABEL], header=False)]


def _drill_place(person: PlanSheet, drill: Drill) -> Destination | None:
    return next((p for p in person.destinations if p.hazard_key == drill.hazard), None)


def _person(number: int, person: PlanSheet, drill: Drill, s: Styles) -> list[Flowable]:
    place = _drill_place(person, drill)
    where = _destination(place) if place is not None else _("No shelter is planned yet.")
    rows: list[list[Flowable | str]] = [
        [paragraph(_("Address"), s.label), paragraph(person.address or "—", s.body),
         paragraph(_("Phone"), s.label), paragraph(person.phone or "—", s.body)],
        [paragraph(_("Where to go"), s.label), paragraph(where, s.body), "", ""],
    ]  # fmt: skip
    table = grid(rows, [PAIR_LABEL, WIDTH - 2 * PAIR_LABEL - PHONE, PAIR_LABEL, PHONE],
                 header=False)  # fmt: skip
    table.setStyle(TableStyle([("SPAN", (1, 1), (3, 1))]))
    kana = bracketed(person.kana) if person.kana else ""
    return [
        paragraph(f"{number}. {person.name}{kana}", s.heading),
        table,
    ]


def _paper_table(people: Sequence[PlanSheet], s: Styles) -> Table:
    """A row of boxes per person, with room for the time under each box, and a line for a
    note under it (what help is needed)."""
    head = ParagraphStyle("state", parent=s.label, fontSize=11, leading=13, alignment=1)
    box = ParagraphStyle("box", parent=s.body, fontSize=18, leading=20, alignment=1)
    time = ParagraphStyle("time", parent=s.note, fontSize=12, leading=16, alignment=1)
    rows: list[list[Flowable | list[Flowable] | str]] = [
        [
            paragraph("", head),
            paragraph(_("Name"), head),
            *(paragraph(_header(state), head) for state in STATE_WIDTHS),
        ]
    ]
    spans: list[tuple[object, ...]] = []
    for number, person in enumerate(people, start=1):
        rows.append(
            [
                paragraph(str(number), s.body),
                paragraph(person.name, s.body),
                *([paragraph("□", box), paragraph("　：　", time)] for _state in STATE_WIDTHS),
            ]
        )
        rows.append(["", paragraph(_("Note"), s.label), *[""] * len(STATE_WIDTHS)])
        note = len(rows) - 1
        spans += [("SPAN", (0, note - 1), (0, note)), ("SPAN", (2, note), (-1, note))]
    widths = [NUMBER_WIDTH, NAME_WIDTH, *STATE_WIDTHS.values()]
    table = grid(rows, widths, narrow=range(2, 2 + len(STATE_WIDTHS)), repeat_header=True)
    table.setStyle(TableStyle(spans))
    return table


def _header(state: str) -> str:
    """A button's words over its column; a long Japanese one breaks after its 「・」."""
    label = button_label(state)
    return label.replace("・", "・\n", 1) if japanese() and len(label) > 6 else label


def _map(drill: Drill, supporter: Supporter, people: Sequence[PlanSheet]) -> Flowable:
    """The supporter's home, each person's (numbered as listed) and the drill hazard's
    shelters, with the ways along the streets where the plan found them."""
    found = [(person, _drill_place(person, drill)) for person in people]
    return supporters_map(
        supporter, [(person, [place] if place else []) for person, place in found],
        height=62 * mm, pad_m=100,
    )  # fmt: skip
