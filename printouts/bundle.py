"""The neighbourhood bundle: a cover, the roster (名簿) sorted by address, an overview map, then
each person's plan. The association copy shows only people whose data may be shared."""

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from planner.models import CoverStatus
from printouts.layout import (
    COPY_LABELS,
    Footer,
    build_pdf,
    copy_label,
    japanese,
    listed,
    printed_today,
    styles,
)
from printouts.maps import SHELTER, STATUS_COLOURS, SUPPORTER, Marker, draw_map
from printouts.plan_pdf import CANDIDATE, _p, _table, plan_flowables
from printouts.sheets import PlanSheet

# The copies a bundle is printed as: one person's family copy is not a bundle.
COPY_FOR = {key: label for key, label in COPY_LABELS.items() if key != "family"}


def _status(sheet: PlanSheet) -> str:
    """The person's status as the run decided it, in words: paper never recomputes it."""
    if not sheet.shareable:
        return str(CoverStatus.NO_CONSENT.label)
    if not sheet.status:
        return _("Not planned yet")
    return str(CoverStatus(sheet.status).label)


def scenarios_of(sheets: list[PlanSheet]) -> str:
    """The scenario (hazard and time slot) the sheets were planned for, in words, since the
    roster's statuses hold only for it; a bundle is gathered for one, and sheets of several
    (each person's latest plan) name each of them."""
    named = dict.fromkeys(sheet.scenario for sheet in sheets if sheet.scenario)
    return listed(named) or _("Not planned yet")


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
    with translation.override(lang):
        s = styles()
        label = copy_label(copy_for)
        scenario = scenarios_of(sheets)
        story: list[Flowable] = [
            Spacer(1, 40 * mm),
            _p(_("Individual evacuation plans"), s.title),
            _p(neighbourhood, s.name),
            _p(association, s.body),
            _p(_("Scenario planned: %(scenario)s") % {"scenario": scenario}, s.body),
            Spacer(1, 10 * mm),
            _p(
                _("%(copy)s ・ printed %(date)s") % {"copy": label, "date": printed_today()},
                s.body,
            ),
            _p(_("%(count)d people") % {"count": len(sheets)}, s.body),
            Spacer(1, 10 * mm),
            _p(_keep_safe(copy_for), s.note),
            PageBreak(),
            _p(_("Roster: %(scenario)s") % {"scenario": scenario}, s.title),
        ]
        rows = [[_p(h, s.body) for h in (_("Name"), _("Address"), _("Status"), _("Supporters"))]]
        for sheet in sheets:
            rows.append(
                [
                    _p(f"{sheet.name}\n{sheet.kana}", s.body),
                    _p(sheet.address, s.body),
                    _p(_status(sheet), s.body),
                    _p(_roster_supporters(sheet), s.body),
                ]
            )
        story.append(_table(rows, [46 * mm, 62 * mm, 30 * mm, 44 * mm]))
        story += [PageBreak(), _p(_("Overview map"), s.title), _overview(sheets)]
        for sheet in sheets:
            story.append(PageBreak())
            story += plan_flowables(sheet, s)
        footer = Footer(label, printed_today())
        return build_pdf(story, pagesize=A4, footer=footer, title=_("Individual evacuation plans"))


def _roster_supporters(sheet: PlanSheet) -> str:
    """Those who agreed, then the candidates under their mark, so that a walker never takes
    a proposed neighbour for a settled one."""
    agreed = listed(h.name for h in sheet.helpers if h.agreed)
    candidates = listed(h.name for h in sheet.helpers if not h.agreed)
    if candidates:
        colon = "：" if japanese() else ": "
        candidates = f"{_(CANDIDATE)}{colon}{candidates}"
    return "\n".join(part for part in (agreed, candidates) if part) or "—"


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
    outline = next((sheet.outline for sheet in sheets if sheet.outline is not None), None)
    areas = next((sheet.hazard_areas for sheet in sheets if sheet.hazard_areas), [])
    for sheet in sheets:
        colour = STATUS_COLOURS.get(sheet.status, STATUS_COLOURS[""])
        markers.append(Marker(sheet.home, colour))
        markers += [
            Marker(h.location, SUPPORTER, size=1.6 * mm) for h in sheet.helpers if h.location
        ]
        for place in sheet.destinations:
            if place.location is not None and place.shelter not in seen_shelters:
                seen_shelters.add(place.shelter)
                markers.append(Marker(place.location, SHELTER, place.shelter, square=True))
    return draw_map(
        width=182 * mm,
        height=230 * mm,
        markers=markers,
        hazard_areas=areas,
        outline=outline,
        legend=[
            *(
                (STATUS_COLOURS[status], str(CoverStatus(status).label))
                for status in (CoverStatus.COVERED, CoverStatus.PARTIAL, CoverStatus.UNCOVERED)
            ),
            (STATUS_COLOURS[""], _("Not planned")),
            (SUPPORTER, _("Supporter")),
            (SHELTER, _("Shelter")),
        ],
        pad_m=100,
    )
