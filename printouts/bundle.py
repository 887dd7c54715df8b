"""The neighbourhood bundle, to walk the streets with: a cover naming the plan round, the roster
(名簿) in address order with each person numbered as on the overview map, the map, then each
person's plan, or for someone without consent their register entry (no plan exists for them).
The association copy shows only people whose data may be shared."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Spacer

from planner.models import CoverStatus
from printouts.layout import (
    COPY_LABELS,
    INK,
    Footer,
    Styles,
    bracketed,
    build_pdf,
    copy_label,
    japanese,
    listed,
    printed_today,
    styles,
)
from printouts.maps import (
    SHELTER,
    STATUS_COLOURS,
    STATUS_SHAPES,
    SUPPORTER,
    LegendEntry,
    Marker,
    draw_map,
    marker_glyph,
    status_marker,
)
from printouts.needs import key_needs
from printouts.plan_pdf import CANDIDATE, plan_flowables
from printouts.register_entry import register_entry_flowables
from printouts.sheets import PlanSheet
from printouts.tables import grid, paragraph
from registry.ordering import natural_key

# The copies a bundle is printed as: one person's family copy is not a bundle.
COPY_FOR = {key: label for key, label in COPY_LABELS.items() if key != "family"}
WIDTH = 178 * mm
# Roster columns: number, name and phone, address, key needs, supporters, page, 安否.
ROSTER_WIDTHS = [14.5 * mm, 39.5 * mm, 40 * mm, 26 * mm, 34 * mm, 12 * mm, 12 * mm]
NARROW = (0, 5, 6)
PAGE_NUMBER_WIDTH = ROSTER_WIDTHS[5] - 4  # inside the narrow column's padding
ROSTER_MARKER = 4.2 * mm  # half-width: room for a number in 12 pt


def in_roster_order(sheets: list[PlanSheet]) -> list[PlanSheet]:
    """Sheets as the roster lists them: by address as one walks the streets (丁目, 番, 号
    compared as numbers), then by ID; the order registry.ordering gives the people."""
    return sorted(
        sheets, key=lambda sheet: (natural_key(sheet.address), natural_key(sheet.person_id))
    )


def _status_key(sheet: PlanSheet) -> str:
    if not sheet.shareable:
        return CoverStatus.NO_CONSENT
    return sheet.status if sheet.status in STATUS_SHAPES else ""


def _not_agreed(sheet: PlanSheet) -> int:
    """Supporters on the plan, at any time of day, who have still to agree."""
    return sum(1 for helper in sheet.helpers if not helper.agreed)


def _pending(sheet: PlanSheet) -> int:
    """Supporters found (`PlanSheet.found`) who have still to agree: at the least covered time
    of day that was planned, as `found` counts them, else over the plan."""
    waiting = {helper.name for helper in sheet.helpers if not helper.agreed}
    covers = [slot.helpers for slot in sheet.slots if slot.planned]
    if not covers:
        return _not_agreed(sheet)
    return sum(1 for name in min(covers, key=len) if name in waiting)


def _status(sheet: PlanSheet) -> str:
    """Where the person stands, in words: supporters found against those needed, how many of
    them still have to agree, and whether a shelter is planned. A run's "partial" means a
    shelter but not every supporter, and says nothing of agreement: the roster says more."""
    if not sheet.shareable:
        return str(CoverStatus.NO_CONSENT.label)
    pending = _pending(sheet)
    if not sheet.found:
        words = _("No supporter yet")
    elif sheet.found < sheet.needed:
        words = _("%(found)d of %(needed)d found") % {"found": sheet.found, "needed": sheet.needed}
        if pending:
            words += bracketed(_("%(count)d awaiting agreement") % {"count": pending})
    elif waiting := _not_agreed(sheet):
        words = _("All found") + bracketed(_("%(count)d awaiting agreement") % {"count": waiting})
    else:
        words = _("All found") + bracketed(_("all agreed"))
    if not any(place.shelter for place in sheet.destinations):
        words = listed([words, _("No shelter yet")])
    return words


def scenarios_of(sheets: list[PlanSheet]) -> str:
    """The scenarios (hazard and time slot) the sheets' plans were assembled from, in words,
    since the roster's statuses hold only for them."""
    named = dict.fromkeys(name for sheet in sheets for name in sheet.scenarios)
    return listed(named) or _("Not planned yet")


def plan_round(sheets: list[PlanSheet]) -> str:
    """Which plans these are, in words: issued versions (and their numbers) or drafts (案)
    that no one has agreed to yet, and how many of each."""
    planned = [sheet for sheet in sheets if sheet.shareable]
    issued = sorted({sheet.version for sheet in planned if not sheet.draft and sheet.version})
    drafts = sum(1 for sheet in planned if sheet.draft)
    parts = []
    if issued:
        versions = f"v{issued[0]}" if len(issued) == 1 else f"v{issued[0]}–v{issued[-1]}"
        count = len(planned) - drafts
        parts.append(
            ngettext(
                "Issued plans (%(versions)s): %(count)d person",
                "Issued plans (%(versions)s): %(count)d people",
                count,
            )
            % {"versions": versions, "count": count}
        )
    if drafts:
        parts.append(
            ngettext(
                "Drafts (案), not yet issued: %(count)d person",
                "Drafts (案), not yet issued: %(count)d people",
                drafts,
            )
            % {"count": drafts}
        )
    return listed(parts) or _("No plan yet")


def runs_of(sheets: list[PlanSheet]) -> str:
    """The planning runs the plans were assembled from, each named once."""
    return listed(dict.fromkeys(run for sheet in sheets for run in sheet.runs))


@dataclass(frozen=True)
class Counts:
    """Where the neighbourhood stands, supporters found (agreed or still candidates) against
    supporters needed, then agreed: "one of two found" is never read as "none", nor "all found"
    as "done" while someone has still to agree. Each person is counted once: the counts add up
    to the people."""

    none_found: int
    some_found: int
    found_not_agreed: int  # all found, not all of them agreed yet
    all_agreed: int
    no_consent: int

    @classmethod
    def of(cls, sheets: list[PlanSheet]) -> "Counts":
        planned = [sheet for sheet in sheets if sheet.shareable]
        found = [s for s in planned if s.found and s.found >= s.needed]
        return cls(
            none_found=sum(1 for s in planned if not s.found),
            some_found=sum(1 for s in planned if 0 < s.found < s.needed),
            found_not_agreed=sum(1 for s in found if _not_agreed(s)),
            all_agreed=sum(1 for s in found if not _not_agreed(s)),
            no_consent=len(sheets) - len(planned),
        )

    @property
    def total(self) -> int:
        return (
            self.none_found
            + self.some_found
            + self.found_not_agreed
            + self.all_agreed
            + self.no_consent
        )


def render_bundle(
    *,
    neighbourhood: str,
    association: str,
    sheets: list[PlanSheet],
    copy_for: str,
    lang: str = "ja",
) -> bytes:
    if copy_for not in COPY_FOR:
        raise ValueError(f"unknown copy for a bundle: {copy_for!r}")
    sheets = in_roster_order(sheets)
    with translation.override(lang):
        s = styles()
        label = copy_label(copy_for)
        story = _cover(neighbourhood, association, sheets, copy_for, s)
        story += [PageBreak(), *_roster(sheets, s)]
        story += [PageBreak(), paragraph(_("Overview map"), s.title), _overview(sheets)]
        for number, sheet in enumerate(sheets, start=1):
            story += [PageBreak(), StartsHere(_page_form(number))]
            if sheet.shareable:
                story += plan_flowables(sheet, s, copy_for=copy_for)
            else:
                story += register_entry_flowables(sheet, s)
        footer = Footer(label, printed_today())
        return build_pdf(story, pagesize=A4, footer=footer, title=_("Individual evacuation plans"))


def _cover(
    neighbourhood: str, association: str, sheets: list[PlanSheet], copy_for: str, s: Styles
) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 40 * mm),
        paragraph(_("Individual evacuation plans"), s.title),
        paragraph(neighbourhood, s.name),
        paragraph(association, s.body),
        Spacer(1, 6 * mm),
        paragraph(_("Scenario planned: %(scenario)s") % {"scenario": scenarios_of(sheets)}, s.body),
        paragraph(_("Plans: %(round)s") % {"round": plan_round(sheets)}, s.body),
    ]
    if runs := runs_of(sheets):
        story.append(paragraph(_("Assembled from: %(runs)s") % {"runs": runs}, s.body))
    story += [
        Spacer(1, 10 * mm),
        paragraph(
            _("%(copy)s ・ printed %(date)s")
            % {"copy": copy_label(copy_for), "date": printed_today()},
            s.body,
        ),
        paragraph(_("%(count)d people") % {"count": len(sheets)}, s.body),
        Spacer(1, 10 * mm),
        paragraph(_keep_safe(copy_for), s.note),
    ]
    return story


def _roster(sheets: list[PlanSheet], s: Styles) -> list[Flowable]:
    counts = Counts.of(sheets)
    count_cells = [
        (_("No supporter yet"), counts.none_found),
        (_("Some but not all supporters found"), counts.some_found),
        (_("All found, not all agreed yet"), counts.found_not_agreed),
        (_("All found and agreed"), counts.all_agreed),
        (_("No consent (no plan)"), counts.no_consent),
    ]
    story: list[Flowable] = [
        paragraph(_("Roster: %(scenario)s") % {"scenario": scenarios_of(sheets)}, s.title),
        paragraph(_("Plans: %(round)s") % {"round": plan_round(sheets)}, s.body),
        Spacer(1, 2 * mm),
        grid(
            [
                [paragraph(words, s.label) for words, _n in count_cells],
                [paragraph(_people(n), s.name) for _w, n in count_cells],
            ],
            [WIDTH / len(count_cells)] * len(count_cells),
        ),
        Spacer(1, 3 * mm),
    ]
    rows: list[list[Flowable | str]] = [
        [
            paragraph(header, s.label)
            for header in (
                _("No."),
                _("Name and phone"),
                _("Address"),
                _("Key needs"),
                _("Supporters"),
                _("Page"),
                _("Safe"),
            )
        ]
    ]
    for number, sheet in enumerate(sheets, start=1):
        glyph = status_marker(sheet.home, _status_key(sheet), str(number), ROSTER_MARKER,
                              number_size=s.body.fontSize)  # fmt: skip
        rows.append(
            [
                marker_glyph(glyph),
                paragraph("\n".join(p for p in (sheet.name, sheet.kana, sheet.phone) if p), s.body),
                paragraph(sheet.address, s.body),
                paragraph(listed(key_needs(sheet)) or "—", s.body),
                paragraph(_roster_supporters(sheet), s.body),
                PageOf(_page_form(number), s.body.fontSize),
                TickBox(),
            ]
        )
    story.append(grid(rows, _roster_widths(sheets, s), narrow=NARROW, repeat_header=True))
    story.append(
        paragraph(
            _(
                "The numbers are those of the overview map. Tick 安否 once you have "
                "seen the person safe."
            ),
            s.note,
        )
    )
    return story


def _roster_widths(sheets: list[PlanSheet], s: Styles) -> list[float]:
    """The roster's columns; in a language that breaks only between words, the needs column
    wide enough for its longest word ("Wheelchair,"), taken from the address column."""
    widths = list(ROSTER_WIDTHS)
    if japanese():
        return widths
    words = [word for sheet in sheets for word in listed(key_needs(sheet)).split()]
    font, size = s.body.fontName, s.body.fontSize
    widest = max((stringWidth(word, font, size) for word in words), default=0) + 13
    extra = max(0.0, widest - widths[3])
    widths[3] += extra
    widths[2] -= extra
    return widths


def _people(count: int) -> str:
    return ngettext("%(count)d person", "%(count)d people", count) % {"count": count}


def _roster_supporters(sheet: PlanSheet) -> str:
    """Where the person stands (`_status`), those who agreed, then the candidates under their
    mark, so that a walker never takes a proposed neighbour for a settled one."""
    status = _status(sheet)
    if not sheet.shareable:
        return status
    agreed = listed(h.name for h in sheet.helpers if h.agreed)
    candidates = listed(h.name for h in sheet.helpers if not h.agreed)
    if candidates:
        colon = "：" if japanese() else ": "
        candidates = f"{_(CANDIDATE)}{colon}{candidates}"
    return "\n".join(part for part in (status, agreed, candidates) if part)


def _keep_safe(copy_for: str) -> str:
    if copy_for == "association":
        return _(
            "Keep this folder locked away. It holds personal and health information "
            "that the association may use only to help these people evacuate."
        )
    return _(
        "Keep this folder locked away. It holds personal information "
        "to be used only to help these people evacuate."
    )


def _overview(sheets: list[PlanSheet]) -> Flowable:
    markers: list[Marker] = []
    seen_shelters: set[str] = set()
    seen_supporters: set[str] = set()
    outline = next((sheet.outline for sheet in sheets if sheet.outline is not None), None)
    areas = next((sheet.hazard_areas for sheet in sheets if sheet.hazard_areas), [])
    for number, sheet in enumerate(sheets, start=1):
        markers.append(status_marker(sheet.home, _status_key(sheet), str(number)))
        # A supporter who helps several people is one dot.
        for helper in sheet.helpers:
            key = helper.supporter_id or helper.name
            if helper.location is not None and key not in seen_supporters:
                seen_supporters.add(key)
                markers.append(Marker(helper.location, SUPPORTER, size=1.6 * mm))
        for place in sheet.destinations:
            if place.location is not None and place.shelter not in seen_shelters:
                seen_shelters.add(place.shelter)
                markers.append(Marker(place.location, SHELTER, place.shelter, square=True))
    # The statuses are the runs': the legend names the scenarios they come from.
    legend: list[LegendEntry] = [
        (None, _("Status in the runs of:")),
        *((None, f"・{scenario}") for scenario in _scenario_list(sheets)),
        *(
            (STATUS_COLOURS[status], str(CoverStatus(status).label), STATUS_SHAPES[status])
            for status in (CoverStatus.COVERED, CoverStatus.PARTIAL, CoverStatus.UNCOVERED)
        ),
        (STATUS_COLOURS[""], _("Not planned"), "hollow-" + STATUS_SHAPES[""]),
    ]
    if any(not sheet.shareable for sheet in sheets):
        legend.append(
            (
                STATUS_COLOURS[CoverStatus.NO_CONSENT],
                str(CoverStatus.NO_CONSENT.label),
                "hollow-" + STATUS_SHAPES[CoverStatus.NO_CONSENT],
            )
        )
    legend += [(SUPPORTER, _("Supporter"), "circle"), (SHELTER, _("Shelter"), "square")]
    return draw_map(
        width=WIDTH,
        height=230 * mm,
        markers=markers,
        hazard_areas=areas,
        outline=outline,
        legend=legend,
        pad_m=100,
    )


def _scenario_list(sheets: list[PlanSheet]) -> list[str]:
    return list(dict.fromkeys(name for sheet in sheets for name in sheet.scenarios)) or [
        _("Not planned yet")
    ]


def _page_form(number: int) -> str:
    return f"RosterPage{number}"


class StartsHere(Flowable):
    """Where a person's pages start: draws nothing on the page, and writes the page's number
    into a form that the roster, drawn earlier, already shows (a PDF form may be used before
    it is defined), so that one pass gives the right page however long each plan runs."""

    def __init__(self, form: str) -> None:
        super().__init__()
        self.form = form
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        page = canvas.getPageNumber()
        style = styles().body
        canvas.beginForm(self.form)
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(INK)
        canvas.drawRightString(PAGE_NUMBER_WIDTH, 0, str(page))
        canvas.endForm()


class PageOf(Flowable):
    """The number of the page where a person's pages start, in the roster."""

    def __init__(self, form: str, size: float) -> None:
        super().__init__()
        self.form = form
        self.width = PAGE_NUMBER_WIDTH
        self.height = size * 1.2

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.translate(0, self.height * 0.2)
        self.canv.doForm(self.form)
        self.canv.restoreState()


class TickBox(Flowable):
    """An empty box to tick by hand."""

    def __init__(self, side: float = 6 * mm) -> None:
        super().__init__()
        self.width = self.height = side

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setLineWidth(1)
        self.canv.rect(0, 0, self.width, self.height)
