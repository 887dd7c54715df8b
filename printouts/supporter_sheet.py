"""A supporter's own sheet (A4): the people they agreed to help, each with address, phone, the
supporter's roles and times of day, and where the person goes for each hazard, with a small
map of the supporter's home and each person's, numbered alike. Only agreed pairs appear: a
candidate has not said yes, and the person has not agreed to show them their details."""

from collections.abc import Sequence

from django.contrib.gis.geos import LineString
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, TableStyle

from planner.models import SupportRole
from printouts.layout import (
    WHEN_TO_LEAVE,
    Footer,
    Styles,
    bracketed,
    build_pdf,
    japanese,
    listed,
    printed_today,
    styles,
)
from printouts.map_streets import ROUTE
from printouts.maps import HELPER, HOME, SHELTER, LegendEntry, Marker, draw_map
from printouts.needs import key_needs
from printouts.plan_cells import walk_in_words
from printouts.sheets import Destination, Helper, PlanSheet
from printouts.streets import streets_within
from printouts.tables import grid, paragraph
from registry.models import Supporter
from registry.models.choices import TimeSlot

WIDTH = 178 * mm
LABEL_WIDTH = 40 * mm
PAIR_LABEL = 34 * mm
PAIR_VALUE = WIDTH / 2 - PAIR_LABEL
PHONE = 38 * mm  # "090-1111-2222" on one line
SUPPORTER_COPY = gettext_noop("Supporter's copy")


def helped_by(supporter: Supporter, sheets: list[PlanSheet]) -> list[tuple[PlanSheet, Helper]]:
    """The people on the sheets whom this supporter agreed to help, with the supporter's entry
    on each plan; a proposed or asked pair is not theirs yet."""
    found = []
    for sheet in sheets:
        mine = next(
            (
                helper
                for helper in sheet.helpers
                if helper.agreed and helper.supporter_id == supporter.external_id
            ),
            None,
        )
        if mine is not None and sheet.shareable:
            found.append((sheet, mine))
    return found


def supporter_sheet_pdf(supporter: Supporter, sheets: list[PlanSheet], lang: str = "ja") -> bytes:
    """The supporter's sheet as PDF bytes, from the sheets of the people they may help (as the
    copy for them shows those people): only the pairs that both agreed to are printed."""
    with translation.override(lang):
        s = styles()
        helped = helped_by(supporter, sheets)
        story: list[Flowable] = [
            paragraph(_("Supporter's sheet"), s.title),
            paragraph(supporter.kana, s.kana),
            paragraph(supporter.name, s.name),
            grid(
                [
                    [
                        paragraph(_("Address"), s.label),
                        paragraph(supporter.address, s.body),
                        paragraph(_("Phone"), s.label),
                        paragraph(supporter.phone or "—", s.body),
                    ]
                ],
                [PAIR_LABEL, WIDTH - 2 * PAIR_LABEL - PHONE, PAIR_LABEL, PHONE],
                header=False,
            ),
            Spacer(1, 2 * mm),
            paragraph(str(WHEN_TO_LEAVE), s.body),
        ]
        if not helped:
            story.append(paragraph(_("No one has yet agreed to your help."), s.heading))
        else:
            # The map first, so that a sheet of one or two people keeps to one page.
            story += [Spacer(1, 2 * mm), _map(supporter, helped)]
        for number, (sheet, helper) in enumerate(helped, start=1):
            story.append(KeepTogether(_person(number, sheet, helper, s)))
        story.append(Spacer(1, 3 * mm))
        story.append(
            paragraph(
                _(
                    "Supporters help as neighbours. "
                    "This plan places no legal duty or liability on them."
                ),
                s.note,
            )
        )
        footer = Footer(_(SUPPORTER_COPY), printed_today())
        return build_pdf(story, pagesize=A4, footer=footer, title=_("Supporter's sheet"))


def _person(number: int, sheet: PlanSheet, helper: Helper, s: Styles) -> list[Flowable]:
    """The person in four rows, two facts side by side where they are short."""

    def cell(text: str, style: ParagraphStyle) -> Flowable:
        return paragraph(text or "—", style)

    where = "\n".join(_destination(place) for place in sheet.destinations)
    rows: list[list[Flowable | str]] = [
        [cell(_("Address"), s.label), cell(sheet.address, s.body), "", ""],
        [cell(_("Phone"), s.label), cell(sheet.phone, s.body),
         cell(_("Key needs"), s.label), cell(listed(key_needs(sheet)), s.body)],
        [cell(_("Your role"), s.label), cell(listed(_role(r) for r in helper.roles), s.body),
         cell(_("When you help"), s.label), cell(listed(_slot(t) for t in helper.slots), s.body)],
        [cell(_("Where to go"), s.label), cell(where, s.body), "", ""],
    ]  # fmt: skip
    table = grid(rows, [PAIR_LABEL, PAIR_VALUE, PAIR_LABEL, PAIR_VALUE], header=False)
    table.setStyle(TableStyle([("SPAN", (1, 0), (3, 0)), ("SPAN", (1, 3), (3, 3))]))
    kana = bracketed(sheet.kana) if sheet.kana else ""
    return [paragraph(f"{number}. {sheet.name}{kana}", s.heading), table]


def _destination(place: Destination) -> str:
    if not place.shelter:
        colon = "：" if japanese() else ": "
        return f"{place.hazard}{colon}{_('No shelter is planned yet.')}"
    colon = "：" if japanese() else ": "
    line = f"{place.hazard}{colon}{place.shelter}{bracketed(walk_in_words(place))}"
    if place.address:
        line += f"\n{place.address}"
    return line


def _role(role: str) -> str:
    return str(SupportRole(role).label) if role in SupportRole.values else role


def _slot(slot: str) -> str:
    return str(TimeSlot(slot).label) if slot in TimeSlot.values else slot


def _map(supporter: Supporter, helped: list[tuple[PlanSheet, Helper]]) -> Flowable:
    return supporters_map(
        supporter, [(sheet, sheet.destinations) for sheet, _helper in helped],
        height=66 * mm, pad_m=120,
    )  # fmt: skip


def supporters_map(
    supporter: Supporter,
    people: Sequence[tuple[PlanSheet, Sequence[Destination]]],
    *,
    height: float,
    pad_m: float,
) -> Flowable:
    """A supporter's map (their sheet, their drill sheet): their home, each person's home
    numbered as listed, the shelters of the destinations given, and each person's way to each
    shelter once where the run found it. A shelter is its place, not its name: two may share
    a name."""
    markers = [Marker(supporter.location, HELPER, _("Your home"), size=2.6 * mm, shape="hexagon")]
    shelters: set[tuple[float, float]] = set()
    routes: dict[tuple[str, tuple[float, float]], LineString] = {}
    for number, (sheet, places) in enumerate(people, start=1):
        markers.append(Marker(sheet.home, HOME, size=3 * mm, number=str(number)))
        for place in places:
            if place.location is None:
                continue
            key = (round(place.location.x, 6), round(place.location.y, 6))
            if place.route is not None:
                routes.setdefault((sheet.person_id, key), place.route)
            if key not in shelters:
                shelters.add(key)
                markers.append(Marker(place.location, SHELTER, place.shelter, square=True))
    legend: list[LegendEntry] = [
        (HELPER, _("Your home"), "hexagon"),
        (HOME, _("The person's home (numbered as in the list)"), "circle"),
        (SHELTER, _("Shelter"), "square"),
    ]
    if routes:
        legend.append((ROUTE, _("The way along the streets"), "line"))
    return draw_map(
        width=WIDTH,
        height=height,
        markers=markers,
        outline=next((sheet.outline for sheet, _places in people if sheet.outline), None),
        legend=legend,
        pad_m=pad_m,
        routes=list(routes.values()),
        streets=streets_within if routes else None,
    )
