"""The sections of the individual plan about other people and places: the supporters by time
of day, where to go for each hazard, whom to call, and the signatures that make it agreed."""

from collections.abc import Sequence

from django.utils.translation import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from planner.models import SupportRole
from printouts.layout import WHEN_TO_LEAVE, Styles, bracketed, derived_style, japanese, listed
from printouts.plan_cells import (
    _label_width,
    _p,
    _role_in_words,
    _section,
    _table,
    _warning,
    _word_width,
    crossing_in_words,
    slot_in_words,
    state_in_words,
    walk_in_words,
    warned_row,
)
from printouts.sheets import Helper, PlanSheet
from registry.models.choices import TimeSlot

ROLES = list(SupportRole.values)

# The full width of a plan's content (A4 less margins).
FULL = 178 * mm
# A time slot's column: its label ("平日・昼") on one line, and a tick.
SLOT_WIDTH = 18.5 * mm
SLOT_PADDING = 2


def _slot_keys(sheet: PlanSheet) -> list[str]:
    """The time slots the supporters' table has a column for: those of the plan, or all four
    when the plan names none but its supporters say when they help; none when nobody does
    (a column of blank ticks would read as "never")."""
    if sheet.slots:
        return [cover.slot for cover in sheet.slots]
    if any(helper.slots for helper in sheet.helpers):
        return list(TimeSlot.values)
    return []


def _distance(metres: int) -> str:
    return _("%(metres)d m from the home") % {"metres": metres}


def _helper_cells(
    helper: Helper, slots: list[str], s: Styles, tick: ParagraphStyle
) -> list[Flowable]:
    name = "\n".join(part for part in (helper.name, helper.kana) if part)
    if mark := state_in_words(helper.state):
        name += "\n" + mark
    # A candidate's contacts are empty outside the officer's copy (sheets.py).
    contact = "\n".join(part for part in (helper.phone, helper.address) if part) or "—"
    return [
        _p(name, s.body),
        _p(f"{contact}\n{_distance(helper.distance_m)}", s.body),
        _p(listed(_role_in_words(role) for role in helper.roles) or "—", s.body),
        *(_p("●" if slot in helper.slots else "", tick) for slot in slots),
    ]


def supporters(sheet: PlanSheet, s: Styles) -> list[Flowable]:
    """One table of the supporters with a column per time slot, then what is still missing."""
    body: list[Flowable] = []
    slots = _slot_keys(sheet)
    tick = derived_style(s.body, "tick", alignment=1)
    slot_head = derived_style(s.label, "slot", fontSize=11, leading=14, alignment=1)
    if sheet.helpers:
        labels = [slot_in_words(slot) for slot in slots]
        slot_width = max(SLOT_WIDTH, _word_width(labels, slot_head, SLOT_PADDING))
        header = [_("Name"), _("Phone and address"), _("Role")]
        roles = max(25 * mm, _word_width([_("Role"), *map(_role_in_words, ROLES)], s.body))
        rest = FULL - slot_width * len(slots) - roles
        widths = [rest * 0.48, rest * 0.52, roles, *([slot_width] * len(slots))]
        rows = [[_p(h, s.body) for h in header] + [_p(label, slot_head) for label in labels]]
        rows += [_helper_cells(helper, slots, s, tick) for helper in sheet.helpers]
        table = _table(rows, widths)
        if slots:
            first = len(header)
            table.setStyle(
                TableStyle(
                    [
                        ("LEFTPADDING", (first, 0), (-1, -1), SLOT_PADDING),
                        ("RIGHTPADDING", (first, 0), (-1, -1), SLOT_PADDING),
                    ]
                )
            )
        body.append(table)
    else:
        body.append(_p(_("No supporter is planned yet."), s.body))
    story = _section(_("Supporters"), body, s)
    story += _slot_gaps(sheet, s)
    missing = sheet.needed - len(sheet.helpers)
    if missing > 0:
        story.append(Spacer(1, 2 * mm))
        story.append(
            _warning(
                _(
                    "Not yet found: %(missing)d of %(needed)d supporters. "
                    "The association is looking for someone."
                )
                % {"missing": missing, "needed": sheet.needed},
                s,
            )
        )
    return story


def _slot_gaps(sheet: PlanSheet, s: Styles) -> list[Flowable]:
    """The times of day the plan does not cover yet, said plainly under the table."""
    labels = {cover.slot: cover.label or slot_in_words(cover.slot) for cover in sheet.slots}
    unplanned = [labels[c.slot] for c in sheet.slots if not c.planned]
    alone = [labels[c.slot] for c in sheet.slots if c.planned and not c.helpers]
    lines = []
    if alone:
        lines.append(_("No supporter at: %(slots)s") % {"slots": listed(alone)})
    if unplanned:
        lines.append(_("Not planned yet: %(slots)s") % {"slots": listed(unplanned)})
    if not lines:
        return []
    return [Spacer(1, 2 * mm), _warning("\n".join(lines), s)]


# The copies that warn of ways crossing another hazard's areas: those of the people who can
# find another way (the city's officer, the welfare commissioner), not the family's.
# The association walks the ways with the supporters, so its copy is warned too.
WARNED_COPIES = frozenset({"officer", "commissioner", "association"})


def destinations(sheet: PlanSheet, s: Styles, *, copy_for: str = "") -> list[Flowable]:
    """One row per hazard: the shelter, how far (along the streets where the run found the
    way), and how the home stands in the hazard; on the copies of WARNED_COPIES, under a
    destination whose way crosses another hazard's areas, a warning across the table."""
    body: list[Flowable] = [_p(str(WHEN_TO_LEAVE), s.body), Spacer(1, 1.5 * mm)]
    if sheet.destinations:
        rows: list[list[Flowable | str]] = [
            [
                _p(_("Hazard"), s.body),
                _p(_("Shelter"), s.body),
                _p(_("Distance"), s.body),
                _p(_("At the home"), s.body),
            ]
        ]
        warned: list[int] = []
        for place in sheet.destinations:
            if place.shelter:
                shelter = f"{place.shelter}\n{place.address}{bracketed(place.kind)}"
                distance = walk_in_words(place)
            else:
                shelter, distance = _("No shelter is planned for this hazard yet."), "—"
            rows.append(
                [
                    _p(place.hazard, s.body),
                    _p(shelter, s.body),
                    _p(distance, s.body),
                    _p(_home_in_hazard(place.in_area, place.level, bool(place.shelter)), s.body),
                ]
            )
            if place.crosses and place.shelter and copy_for in WARNED_COPIES:
                warned.append(len(rows))
                rows.append([_p(crossing_in_words(place), s.body), "", "", ""])
        table = _table(rows, [28 * mm, 58 * mm, 40 * mm, 52 * mm])
        table.setStyle(TableStyle([command for row in warned for command in warned_row(row)]))
        body.append(table)
    else:
        body.append(_p(_("No shelter is planned yet."), s.body))
    story = _section(_("Where to go"), body, s)
    story.append(Spacer(1, 1 * mm))
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


def _home_in_hazard(in_area: bool, level: str, has_shelter: bool) -> str:
    if in_area:
        inside = _("Inside the area")
        return f"{inside}{bracketed(level)}" if level else inside
    outside = _("Outside the area") + ("：" if japanese() else ": ")
    if has_shelter:
        return outside + _("Staying home (在宅避難) is possible; the shelter is the fallback.")
    return outside + _("Staying home (在宅避難) is possible.")


def whom_to_call(sheet: PlanSheet) -> list[tuple[str, str, str]]:
    """The neighbourhood's association and 民生委員, and the city office, as (name, whom,
    phone): the numbers to call besides the family's, those the sheet knows."""
    rows = [
        (_("Neighbourhood association"), sheet.association),
        (_("Welfare commissioner (民生委員)"), sheet.commissioner),
        (_("City office"), sheet.city_office),
    ]
    return [(name or "—", whom, phone or "—") for whom, (name, phone) in rows if name or phone]


def signatures(sheet: PlanSheet, s: Styles, *, lead: Sequence[Flowable] = ()) -> list[Flowable]:
    """A row to sign for the person (or the family) and for each supporter who agreed, with
    the name printed, a line to sign and a date line, all kept on one page: a plan is agreed
    when they have all signed it. `lead`, what they sign under (who holds copies, that
    supporters bear no liability), stays on the same page."""
    signers = [(_("The person (or family)"), sheet.name)]
    signers += [(_("Supporter"), helper.name) for helper in sheet.helpers if helper.agreed]
    header = [_("Who"), _("Name"), _("Signature"), _("Date")]
    # Wide enough for 「本人（または家族）」 on one line.
    whom = _label_width([w for w, _name in signers] + [header[0]], s.label, 44 * mm)
    date = max(44 * mm, _word_width([header[3]], s.body))
    name = 44 * mm
    rows: list[list[Flowable | str]] = [[_p(h, s.body) for h in header]]
    rows += [
        [_p(w, s.label), _p(n, s.body), "", _date_line(s) if japanese() else ""] for w, n in signers
    ]
    table = _table(rows, [whom, name, FULL - whom - name - date, date])
    table.setStyle(
        TableStyle(
            [
                # Room to sign by hand, the line at its foot.
                ("TOPPADDING", (0, 1), (-1, -1), 11),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 6),
                ("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
            ]
        )
    )
    return [
        KeepTogether(
            [
                *lead,
                _p(_("Signatures"), s.heading),
                _p(_("I have read this plan and agree to it."), s.note),
                table,
            ]
        )
    ]


def _date_line(s: Styles) -> Table:
    """「年 月 日」 with room to write the numbers: white space would collapse in a paragraph."""
    blank = 7 * mm
    line = Table(
        [["", _p("年", s.body), "", _p("月", s.body), "", _p("日", s.body)]],
        colWidths=[blank + 2 * mm, 5 * mm, blank, 5 * mm, blank, 5 * mm],
        hAlign="RIGHT",
    )
    line.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    )
    return line
