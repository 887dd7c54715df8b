"""The family card: who comes, where to go, whom to call, on half an A5 sheet (A6) to keep
by the phone. Each card is one page, whatever it holds: a card that would run over is drawn
smaller rather than leave a second page behind."""

from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A6
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, PageBreak, Paragraph, Table

from printouts.layout import (
    WHEN_TO_LEAVE,
    Footer,
    bracketed,
    build_pdf,
    frame_size,
    japanese,
    listed,
    printed_today,
    styles,
)
from printouts.plan_pdf import CANDIDATE, HEALTH_WITHHELD, _p, _table
from printouts.sheets import PlanSheet

MARGIN = 7 * mm
# What a card's content may fill, less a point so that rounding never pushes it over.
WIDTH, HEIGHT = (size - 1 for size in frame_size(A6, MARGIN))
# The phone column holds "090-1111-2222" on one line; names take the rest.
PHONE_WIDTH = 36 * mm


def render_family_card(sheet: PlanSheet, lang: str = "ja") -> bytes:
    return render_family_cards([sheet], lang)


def render_family_cards(sheets: list[PlanSheet], lang: str = "ja") -> bytes:
    """One card a page, for a whole neighbourhood to hand out."""
    with translation.override(lang):
        story: list[Flowable] = []
        for number, sheet in enumerate(sheets):
            if number:
                story.append(PageBreak())
            story.append(KeepInFrame(WIDTH, HEIGHT, _card(sheet), mode="shrink"))
        footer = Footer(_("family card"), printed_today())
        return build_pdf(story, pagesize=A6, footer=footer, title=_("Family card"), margin=MARGIN)


def _card(sheet: PlanSheet) -> list[Flowable]:
    s = styles(scale=0.95)
    # Headings closer to what they head than on a plan: a card has little room.
    heading = ParagraphStyle("card_heading", parent=s.heading, spaceBefore=2 * mm,
                             spaceAfter=1 * mm)  # fmt: skip

    def p(text: object, style: object = s.body) -> Paragraph:
        return _p(text, style)

    def two_columns(rows: Sequence[Sequence[Flowable | str]]) -> Table:
        return _table(rows, [WIDTH - PHONE_WIDTH, PHONE_WIDTH], header=False)

    story: list[Flowable] = [p(_("When disaster comes"), heading), p(sheet.name, s.name)]
    story.append(p(_("Who comes"), heading))
    # The card hangs by the family's phone whoever printed it, the officer too: "who comes"
    # lists only supporters who agreed, with their phones. A candidate may never come and has
    # not agreed to be called, so they are named apart, without a phone: the family then knows
    # the neighbour whom the association is asking, and calls the contacts below meanwhile.
    agreed = [h for h in sheet.helpers if h.agreed]
    candidates = [h.name for h in sheet.helpers if not h.agreed]
    if agreed:
        story.append(two_columns([[p(h.name), p(h.phone)] for h in agreed]))
    else:
        story.append(p(_("No supporter yet: call the contacts below.")))
    if candidates:
        colon = "：" if japanese() else ": "
        story.append(p(f"{_(CANDIDATE)}{colon}{listed(candidates)}", s.note))
    story.append(p(_("Where to go"), heading))
    story.append(p(str(WHEN_TO_LEAVE), s.note))
    if sheet.destinations:
        story += [p(f"{d.hazard}: {d.shelter}") for d in sheet.destinations]
    else:
        story.append(p(_("No shelter is planned yet.")))
    story.append(p(_("Phone numbers"), heading))
    rows = [[p(_("Fire and ambulance")), p("119")], [p(_("Police")), p("110")]]
    rows += [
        [p(name + (bracketed(relation) if relation else "")), p(phone)]
        for name, relation, phone in sheet.contacts
    ]
    story.append(two_columns(rows))
    if not sheet.health_shown:
        story.append(p(_(HEALTH_WITHHELD), s.note))
    return story
