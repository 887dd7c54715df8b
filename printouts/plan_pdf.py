"""The individual evacuation plan (個別避難計画書): one person, A4 portrait, one or two pages.
`plan_flowables` is shared with the neighbourhood bundle."""

import datetime as dt
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from planner.models import SupportRole
from printouts.dates import iso_and_wareki
from printouts.layout import (
    COPY_LABELS,
    SHADE,
    WARNING,
    WHEN_TO_LEAVE,
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
from printouts.maps import GAP, HELPER, HOME, SHELTER, Marker, draw_map
from printouts.sheets import PlanSheet

HEALTH_WITHHELD = gettext_noop("Health details are not included in this copy.")
# A supporter the planner proposed who has not said yes: named, never shown as settled.
CANDIDATE = gettext_noop("Candidate (not yet agreed)")


def _p(text: object, style: object) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _date(value: dt.date | None) -> str:
    """A date a family reads: on Japanese paper with its era date beside it."""
    if value is None:
        return "—"
    return iso_and_wareki(value) if japanese() else value.isoformat()


def _table(
    rows: Sequence[Sequence[Flowable | str]], widths: Sequence[float], header: bool = True
) -> Table:
    table = Table(list(rows), colWidths=list(widths), hAlign="LEFT")
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.Color(0.6, 0.6, 0.6)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    table.setStyle(TableStyle(commands))
    return table


# A table cell's padding on each side (ReportLab's default), which a label's width must leave.
CELL_PADDING = 6


def _label_width(labels: Sequence[str], style: ParagraphStyle, least: float) -> float:
    """The label column's width: `least`, or in a language that breaks only between words,
    enough for the longest word of any label ("Neighbourhood"), which would otherwise be cut
    in two. Japanese keeps `least`: it breaks anywhere."""
    if japanese():
        return least
    words = [word for label in labels for word in label.split()]
    widest = max((stringWidth(w, style.fontName, style.fontSize) for w in words), default=0)
    return max(least, widest + 2 * CELL_PADDING + 1)


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


def plan_flowables(sheet: PlanSheet, s: Styles) -> list[Flowable]:
    story: list[Flowable] = [_p(_("Individual evacuation plan"), s.title)]
    story.append(
        _facts(
            [
                (_("Plan version and date"), f"{sheet.version or '—'} ・ {_date(sheet.plan_date)}"),
                (_("Scenario planned"), sheet.scenario or "—"),
                (_("Next review"), _date(sheet.review_date)),
                (_("Consent"), f"{sheet.consent} ・ {_date(sheet.consent_date)}"),
                (_("Filled in by"), settings.PRINTOUT_ISSUER),
            ],
            s,
            pairs=True,
        )
    )
    story.append(_p(_("The person"), s.heading))
    story.append(_p(sheet.kana, s.kana))
    story.append(_p(sheet.name, s.name))
    story.append(
        _facts(
            [
                (
                    _("Date of birth"),
                    _("%(date)s (age %(age)d)")
                    % {"date": _date(sheet.birth_date), "age": sheet.age},
                ),
                (_("Sex"), sheet.sex),
                (_("Address"), sheet.address),
                (_("Phone"), sheet.phone),
                (_("Neighbourhood"), sheet.neighbourhood),
                *_health_rows(sheet, [(_("Why support is needed"), listed(sheet.reasons))]),
                (_("Usually found in the home"), sheet.place_in_home),
            ],
            s,
            pairs=True,
        )
    )
    story.append(_p(_("Care and needs"), s.heading))
    devices = listed(sheet.medical_devices)
    if devices and sheet.power_backup:
        devices += bracketed(_("power backup: %(backup)s") % {"backup": sheet.power_backup})
    story.append(
        _facts(
            [
                (_("Moving"), sheet.mobility),
                (_("Care while moving"), sheet.care_while_moving),
                (_("Mobility aids"), sheet.mobility_aids),
                *_health_rows(
                    sheet,
                    [
                        (_("Medication"), sheet.medication),
                        (_("Medical devices"), devices),
                        (
                            _("How warnings reach them"),
                            listed(sheet.communication) or _("Phone or in person"),
                        ),
                    ],
                ),
            ],
            s,
            pairs=True,
        )
    )
    if not sheet.health_shown:
        story.append(_p(_(HEALTH_WITHHELD), s.note))
    story.append(_p(_("Emergency contacts"), s.heading))
    if sheet.contacts:
        story.append(
            _table(
                [[_p(_("Name"), s.body), _p(_("Relation"), s.body), _p(_("Phone"), s.body)]]
                + [[_p(n, s.body), _p(r, s.body), _p(ph, s.body)] for n, r, ph in sheet.contacts],
                [70 * mm, 40 * mm, 68 * mm],
            )
        )
    else:
        story.append(_p(_("No emergency contact is recorded."), s.body))
    story += _supporters(sheet, s)
    story += _destinations(sheet, s)
    story.append(Spacer(1, 3 * mm))
    story.append(KeepTogether([_p(_("Map"), s.heading), _plan_map(sheet)]))
    story.append(_p(_("What to take"), s.heading))
    story.append(_p("・" + "\n・".join(_what_to_take(sheet)), s.body))
    story.append(_p(_("Who holds copies"), s.heading))
    story.append(
        _p(
            _(
                "The person and family; each supporter; the neighbourhood association; "
                "the city's disaster office."
            ),
            s.body,
        )
    )
    story.append(Spacer(1, 3 * mm))
    story.append(
        _p(
            _(
                "Supporters help as neighbours. "
                "This plan places no legal duty or liability on them."
            ),
            s.note,
        )
    )
    return story


def _health_rows(sheet: PlanSheet, rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Rows of health details, left out of a copy that may not show them: an empty row would
    read as "none", which is not what the copy knows."""
    return rows if sheet.health_shown else []


def _supporters(sheet: PlanSheet, s: Styles) -> list[Flowable]:
    story: list[Flowable] = [_p(_("Supporters"), s.heading)]
    if sheet.helpers:
        rows: list[list[Flowable | str]] = [
            [
                _p(_("Name"), s.body),
                _p(_("Phone"), s.body),
                _p(_("Address"), s.body),
                _p(_("Role"), s.body),
            ]
        ]
        for helper in sheet.helpers:
            roles = listed(_role_in_words(role) for role in helper.roles)
            name = f"{helper.name}\n{helper.kana}"
            if not helper.agreed:
                name += "\n" + _(CANDIDATE)
            rows.append(
                [
                    # A candidate's contacts are empty outside the officer's copy (sheets.py).
                    _p(name, s.body),
                    _p(helper.phone or "—", s.body),
                    _p(helper.address or "—", s.body),
                    _p(roles, s.body),
                ]
            )
        story.append(_table(rows, [44 * mm, 38 * mm, 52 * mm, 44 * mm]))
    missing = sheet.needed - len(sheet.helpers)
    if missing > 0:
        gap = Table(
            [
                [
                    _p(
                        _(
                            "Not yet found: %(missing)d of %(needed)d supporters. "
                            "The association is looking for someone."
                        )
                        % {"missing": missing, "needed": sheet.needed},
                        s.body,
                    )
                ]
            ],
            colWidths=[178 * mm],
            hAlign="LEFT",
        )
        gap.setStyle(
            TableStyle(
                [("BACKGROUND", (0, 0), (-1, -1), WARNING), ("BOX", (0, 0), (-1, -1), 1.2, GAP)]
            )
        )
        story.append(Spacer(1, 2 * mm))
        story.append(gap)
    return story


def _destinations(sheet: PlanSheet, s: Styles) -> list[Flowable]:
    story: list[Flowable] = [_p(_("Where to go"), s.heading), _p(str(WHEN_TO_LEAVE), s.body)]
    if sheet.destinations:
        rows: list[list[Flowable | str]] = [
            [_p(_("Hazard"), s.body), _p(_("Shelter"), s.body), _p(_("Distance"), s.body)]
        ]
        for place in sheet.destinations:
            rows.append(
                [
                    _p(place.hazard, s.body),
                    _p(f"{place.shelter}\n{place.address}{bracketed(place.kind)}", s.body),
                    _p(
                        _("%(metres)d m, about %(minutes)d min at a slow pace")
                        % {"metres": place.distance_m, "minutes": place.walking_minutes},
                        s.body,
                    ),
                ]
            )
        story.append(_table(rows, [34 * mm, 84 * mm, 60 * mm]))
    else:
        story.append(_p(_("No shelter is planned yet."), s.body))
    story.append(Spacer(1, 2 * mm))
    story.append(
        _p(
            _(
                "If the person cannot be reached: go to the home, look where they usually are, "
                "call the emergency contacts, and tell the association or the city at once."
            ),
            s.body,
        )
    )
    return story


def _plan_map(sheet: PlanSheet) -> Flowable:
    markers = [Marker(sheet.home, HOME, _("The home"), size=3 * mm)]
    # A candidate's home is left out of copies that may not show their address.
    markers += [Marker(h.location, HELPER, h.name) for h in sheet.helpers if h.location]
    # The first hazard's shelter, joined to the home by a line.
    first = next((d.location for d in sheet.destinations if d.location), None)
    shelter = next((d.shelter for d in sheet.destinations if d.location), "")
    markers += [Marker(first, SHELTER, shelter, square=True)] if first else []
    lines = [(sheet.home, first)] if first else []
    return draw_map(
        width=178 * mm,
        height=88 * mm,
        markers=markers,
        lines=lines,
        hazard_areas=sheet.hazard_areas,
        outline=sheet.outline,
        legend=[
            (HOME, _("The home")),
            (HELPER, _("Supporter")),
            (SHELTER, _("Shelter (dashed: the way, straight)")),
            (colors.Color(0.25, 0.55, 0.95, alpha=0.3), _("Hazard area")),
        ],
    )


def _what_to_take(sheet: PlanSheet) -> list[str]:
    items = [_("Health insurance card and this plan"), _("Water, food and a torch")]
    if sheet.medication:
        items.insert(0, _("Medicines: %(medication)s") % {"medication": sheet.medication})
    if sheet.medical_devices:
        items.insert(0, _("Medical devices and their spare batteries: %(devices)s")
                     % {"devices": listed(sheet.medical_devices)})  # fmt: skip
    if sheet.mobility_aids:
        items.append(_("Mobility aids: %(aids)s") % {"aids": sheet.mobility_aids})
    return items


def render_plan(sheet: PlanSheet, lang: str = "ja", copy_for: str = "family") -> bytes:
    """The plan as PDF bytes; `copy_for` (a key of COPY_LABELS) names its reader in the
    footer."""
    if copy_for not in COPY_LABELS:
        raise ValueError(f"unknown copy: {copy_for!r}")
    with translation.override(lang):
        footer = Footer(copy_label(copy_for), printed_today())
        return build_pdf(
            plan_flowables(sheet, styles()),
            pagesize=A4,
            footer=footer,
            title=_("Individual evacuation plan"),
        )


def _role_in_words(role: str) -> str:
    """A support role as the planner names it; an unknown key as it is."""
    return str(SupportRole(role).label) if role in SupportRole.values else role
