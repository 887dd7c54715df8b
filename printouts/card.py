"""The family card: who comes, where to go, whom to call, on half an A5 sheet (A6) to keep
by the phone."""

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph

from printouts.layout import Footer, build_pdf, printed_today, styles
from printouts.plan_pdf import HEALTH_WITHHELD, _p, _table
from printouts.sheets import PlanSheet


def render_family_card(sheet: PlanSheet, lang: str = "ja") -> bytes:
    return render_family_cards([sheet], lang)


def render_family_cards(sheets: list[PlanSheet], lang: str = "ja") -> bytes:
    """One card a page, for a whole neighbourhood to hand out."""
    with translation.override(lang):
        story: list[Flowable] = []
        for number, sheet in enumerate(sheets):
            if number:
                story.append(PageBreak())
            story += _card(sheet)
        footer = Footer(_("family card"), printed_today())
        return build_pdf(story, pagesize=A6, footer=footer, title=_("Family card"), margin=7 * mm)


def _card(sheet: PlanSheet) -> list[Flowable]:
    s = styles(scale=0.95)

    def p(text: object, style: object = s.body) -> Paragraph:
        return _p(text, style)

    story: list[Flowable] = [p(_("When disaster comes"), s.heading), p(sheet.name, s.name)]
    story.append(p(_("Who comes"), s.heading))
    if sheet.helpers:
        story.append(
            _table(
                [[p(h.name), p(h.phone)] for h in sheet.helpers],
                [46 * mm, 44 * mm],
                header=False,
            )
        )
    else:
        story.append(p(_("No supporter yet: call the contacts below.")))
    story.append(p(_("Where to go"), s.heading))
    if sheet.destinations:
        story += [p(f"{d.hazard}: {d.shelter}") for d in sheet.destinations]
    else:
        story.append(p(_("No shelter is planned yet.")))
    story.append(p(_("Phone numbers"), s.heading))
    rows = [[p(_("Fire and ambulance")), p("119")], [p(_("Police")), p("110")]]
    rows += [[p(f"{name}（{relation}）"), p(phone)] for name, relation, phone in sheet.contacts]
    story.append(_table(rows, [46 * mm, 44 * mm], header=False))
    if not sheet.health_shown:
        story.append(p(_(HEALTH_WITHHELD), s.note))
    return story
