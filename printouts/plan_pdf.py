"""The individual evacuation plan (個別避難計画書): one person's plan across every hazard and
time of day, on A4 portrait, as the version issued (or the draft, marked 案). `plan_flowables`
is shared with the neighbourhood bundle."""

from dataclasses import replace

from django.conf import settings
from django.contrib.gis.geos import LineString, Point
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, TableStyle

from printouts.layout import (
    COPY_LABELS,
    Footer,
    Owner,
    PageOwner,
    Styles,
    bracketed,
    build_pdf,
    copy_label,
    derived_style,
    japanese,
    listed,
    printed_today,
    styles,
)
from printouts.map_streets import ROUTE
from printouts.maps import HELPER, HOME, SHELTER, LegendEntry, Marker, draw_map
from printouts.plan_cells import (
    CANDIDATE,
    HEALTH_WITHHELD,
    _date,
    _facts,
    _p,
    _role_in_words,
    _section,
    _table,
    _warning,
    communication_in_words,
)
from printouts.plan_sections import destinations, signatures, supporters, whom_to_call
from printouts.register_entry import register_entry_flowables
from printouts.sheets import Destination, PlanSheet, language_in_words
from printouts.streets import streets_within
from registry.access import Copy
from registry.models.choices import Placed


def plan_flowables(sheet: PlanSheet, s: Styles, *, copy_for: str = "") -> list[Flowable]:
    """The plan's content, from a new page on. It begins with a `PageOwner` (layout.py) and
    ends with `PageOwner(None)`, so that every page of the plan after the first names the
    person and their ID at the top, and each page of a draft carries a large 「案」 across
    it: `build_pdf`'s canvas draws both, in `render_plan` and in the bundle alike, and the
    pages after the plan carry neither. `copy_for` (a key of COPY_LABELS) decides what only
    some readers are shown: the ways to check, on the officer's and commissioner's copies."""
    title = _("Individual evacuation plan")
    who = f"{sheet.name}{bracketed(sheet.person_id)}"
    draft = _("Draft") if sheet.draft else ""
    head = f"{title}{bracketed(draft) if draft else ''} ・ {who}"
    s = replace(s, heading=derived_style(s.heading, "plan-heading", spaceBefore=2.5 * mm))
    story: list[Flowable] = [
        PageOwner(Owner(running_head=head, watermark=_("DRAFT") if sheet.draft else "")),
        _p(f"{title}{bracketed(draft)}" if draft else title, s.title),
    ]
    story += _header(sheet, s)
    story += _person(sheet, s)
    story += _care(sheet, s)
    story += _contacts(sheet, s)
    story += supporters(sheet, s)
    story += destinations(sheet, s, copy_for=copy_for)
    note = _map_note(sheet, s, copy_for)
    # The map gives up the note's room, so that the note never pushes the plan onto a page more.
    shorter = 1 * mm + s.note.leading if note else 0.0
    story.append(KeepTogether([_p(_("Map"), s.heading), _plan_map(sheet, shorter), *note]))
    # What to take in one wrapping paragraph, and who holds copies in small print: the plan of
    # one supporter and one hazard keeps to two pages.
    story += _section(_("What to take"), [_p("・" + "　・".join(_what_to_take(sheet)), s.body)], s)
    story.append(Spacer(1, 1 * mm))
    story.append(
        _p(
            _("Who holds copies")
            + ("：" if japanese() else ": ")
            + _(
                "The person and family; each supporter; the neighbourhood association; "
                "the city's disaster office."
            ),
            s.note,
        )
    )
    # What the supporters sign under stays on the page they sign.
    closing = [
        _p(
            _(
                "Supporters help as neighbours. "
                "This plan places no legal duty or liability on them."
            ),
            s.note,
        )
    ]
    story += signatures(sheet, s, lead=closing)
    story.append(PageOwner(None))  # the pages that follow, in a bundle, are not this plan's
    return story


def _small(s: Styles) -> ParagraphStyle:
    return derived_style(s.note, "small", fontSize=9, leading=12.6)


def _header(sheet: PlanSheet, s: Styles) -> list[Flowable]:
    """Which version this is, who filled it in, when it is to be reviewed, the consent it
    rests on, and what changed since the previous version."""
    if sheet.draft:
        version = _("Draft, not issued yet (as of %(date)s)") % {"date": _date(sheet.plan_date)}
    else:
        version = _("v%(version)s, issued %(date)s") % {
            "version": sheet.version if sheet.version is not None else "—",
            "date": _date(sheet.plan_date),
        }
    review = _date(sheet.review_date)
    if sheet.review_overdue:
        review += bracketed(_("Review overdue"))
    consent = [sheet.consent, sheet.consent_basis, _date(sheet.consent_date)]
    filled_in = sheet.issued_by if not sheet.draft and sheet.issued_by else None
    story: list[Flowable] = [
        _facts(
            [
                (_("Plan version and date"), version),
                (_("Filled in by"), filled_in or settings.PRINTOUT_ISSUER),
                (_("Next review"), review),
                (_("Consent"), " ・ ".join(part for part in consent if part and part != "—")),
            ],
            s,
            pairs=True,
        )
    ]
    if sheet.review_overdue:
        story += [
            Spacer(1, 2 * mm),
            _warning(
                _("Review overdue: this plan was due to be reviewed by %(date)s.")
                % {"date": _date(sheet.review_date)},
                s,
            ),
        ]
    small = [_("Scenario planned") + ("：" if japanese() else ": ") + (sheet.scenario or "—")]
    if sheet.runs:
        small.append(_("Assembled from: %(runs)s") % {"runs": listed(sheet.runs)})
    story += [Spacer(1, 1 * mm), _p(" ・ ".join(small), _small(s))]
    if sheet.changes:
        story += _section(
            _("What changed in this version"),
            [_p("・" + "\n・".join(sheet.changes), s.body)],
            s,
        )
    return story


def _person(sheet: PlanSheet, s: Styles) -> list[Flowable]:
    household = _("Lives alone") if sheet.lives_alone else _("Lives with others")
    facts = _facts(
        [
            (
                _("Date of birth"),
                _("%(date)s (age %(age)d)") % {"date": _date(sheet.birth_date), "age": sheet.age},
            ),
            (_("Sex"), sheet.sex),
            (_("ID"), sheet.person_id),
            (_("Address"), sheet.address),
            (_("Phone"), sheet.phone),
            (_("Neighbourhood"), sheet.neighbourhood),
            (_("Household"), household),
            *([(_("Language"), _language(sheet.language))] if sheet.language else []),
            *_health_rows(sheet, [(_("Why support is needed"), listed(sheet.reasons))]),
            (_("Usually found in the home"), sheet.place_in_home),
        ],
        s,
        pairs=True,
    )
    return _section(_("The person"), [_p(sheet.kana, s.kana), _p(sheet.name, s.name), facts], s)


def _language(language: str) -> str:
    """The language the person needs, in words even if it arrives as a code (`vi`)."""
    code = language.removeprefix("language:")
    looks_like_code = code.isascii() and code.replace("-", "").isalpha() and len(code) <= 7
    return language_in_words(code) if looks_like_code and code.islower() else language


def _care(sheet: PlanSheet, s: Styles) -> list[Flowable]:
    devices = listed(sheet.medical_devices)
    if devices and sheet.power_backup:
        devices += bracketed(_("power backup: %(backup)s") % {"backup": sheet.power_backup})
    medical = [
        (_("Family doctor"), sheet.doctor),
        (_("Home-visit nurse"), sheet.nurse),
        (_("Device supplier"), sheet.device_supplier),
    ]
    # Device users need all three on paper, even as "—" (unknown), since someone must find
    # them out; for others, only those recorded.
    shown = [
        (label, " ・ ".join(part for part in contact if part))
        for label, contact in medical
        if sheet.medical_devices or any(contact)
    ]
    rows = [
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
                    listed(communication_in_words(need) for need in sheet.communication)
                    or _("Phone or in person"),
                ),
                *shown,
            ],
        ),
    ]
    body: list[Flowable] = [_facts(rows, s, pairs=True)]
    if not sheet.health_shown:
        # Covers the medical contacts too: they are health data, empty in this copy.
        body.append(_p(_(HEALTH_WITHHELD), s.note))
    return _section(_("Care and needs"), body, s)


def _health_rows(sheet: PlanSheet, rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Rows of health details, left out of a copy that may not show them: an empty row would
    read as "none", which is not what the copy knows."""
    return rows if sheet.health_shown else []


def _contacts(sheet: PlanSheet, s: Styles) -> list[Flowable]:
    """The family's emergency contacts, then whom to call in the neighbourhood and the city
    (shaded apart), in one table."""
    others = whom_to_call(sheet)
    if not sheet.contacts and not others:
        return _section(
            _("Emergency contacts"), [_p(_("No emergency contact is recorded."), s.body)], s
        )
    rows = [(n, r, ph) for n, r, ph in sheet.contacts] + others
    table = _table(
        [[_p(_("Name"), s.body), _p(_("Relation"), s.body), _p(_("Phone"), s.body)]]
        + [[_p(n, s.body), _p(r, s.body), _p(ph, s.body)] for n, r, ph in rows],
        [70 * mm, 50 * mm, 58 * mm],
    )
    if others:
        first = 1 + len(sheet.contacts)
        table.setStyle(TableStyle([("BACKGROUND", (0, first), (-1, -1), NEIGHBOURS)]))
    body: list[Flowable] = [table]
    if not sheet.contacts:
        body.insert(0, _p(_("No emergency contact is recorded."), s.body))
    heading = _("Emergency contacts and whom to call") if others else _("Emergency contacts")
    return _section(heading, body, s)


# Whom to call outside the family, set apart from the family's own contacts.
NEIGHBOURS = colors.Color(0.96, 0.97, 0.93)


def _plan_map(sheet: PlanSheet, shorter: float = 0.0) -> Flowable:
    markers = [Marker(sheet.home, HOME, _("The home"), size=3 * mm)]
    # A candidate's home is left out of copies that may not show their address.
    markers += [Marker(h.location, HELPER, h.name) for h in sheet.helpers if h.location]
    # Each hazard's shelter once, joined to the home by the way along the streets where the
    # run found one (two hazards' ways to one shelter drawn once), else by a straight line.
    # A shelter is its place, not its name: two shelters may share a name.
    shelters: dict[tuple[float, float], tuple[Destination, Point]] = {}
    hazards: dict[tuple[float, float], list[str]] = {}
    routes: dict[tuple[float, float], LineString] = {}
    for place in sheet.destinations:
        if place.location is None or not place.shelter:
            continue
        key = (round(place.location.x, 6), round(place.location.y, 6))
        shelters.setdefault(key, (place, place.location))
        hazards.setdefault(key, []).append(place.hazard)
        if place.route is not None:
            routes.setdefault(key, place.route)
    for key, (place, at) in shelters.items():
        # With more than one shelter on the map, each label says which hazard it is for (two
        # may even share a name).
        label = place.shelter
        if len(shelters) > 1:
            label += bracketed("・".join(hazards[key]))
        markers.append(Marker(at, SHELTER, label, square=True))
    lines = [(sheet.home, at) for key, (_place, at) in shelters.items() if key not in routes]
    legend: list[LegendEntry] = [(HOME, _("The home")), (HELPER, _("Supporter"))]
    if lines or not routes:
        legend.append((SHELTER, _("Shelter (dashed: the way, straight)")))
    else:
        legend.append((SHELTER, _("Shelter")))
    if routes:
        legend.append((ROUTE, _("The way along the streets"), "line"))
    legend.append((colors.Color(0.25, 0.55, 0.95, alpha=0.3), _hazard_area(sheet)))
    return draw_map(
        width=178 * mm,
        height=(MAP_HEIGHT_ROUTED if routes else 52 * mm) - shorter,
        markers=markers,
        lines=lines,
        hazard_areas=sheet.hazard_areas,
        outline=sheet.outline,
        legend=legend,
        routes=list(routes.values()),
        # The streets around a way drawn; a straight line among streets would read as a path
        # through the blocks, so without a way the map is as it always was.
        streets=streets_within if routes else None,
    )


def _map_note(sheet: PlanSheet, s: Styles, copy_for: str) -> list[Flowable]:
    """On the officer's copy, under the map, that a home placed at its town's point is only
    near the house: the officer can place it by hand. Other readers know the house itself."""
    if copy_for != Copy.OFFICER or sheet.placed != Placed.TOWN:
        return []
    # One line in either language (the map above is shortened by exactly that).
    note = _("The home on the map is its town's (町丁目) representative point (approximate).")
    return [Spacer(1, 1 * mm), _p(note, s.note)]


# A map with the way drawn is a little taller, so that the streets' names find room.
MAP_HEIGHT_ROUTED = 62 * mm


def _hazard_area(sheet: PlanSheet) -> str:
    """The shaded area's words, naming its hazard: the sheet's map shows the areas of the first
    hazard whose area covers the home, else of the first hazard planned."""
    hazard = next((d.hazard for d in sheet.destinations if d.in_area), "") or next(
        (d.hazard for d in sheet.destinations), ""
    )
    return _("Hazard area") + bracketed(hazard) if hazard else _("Hazard area")


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
    footer. Its pages after the first name the person and their ID at the top. Someone whose
    consent does not let the plan be shared has no plan: their register entry (名簿) prints."""
    if copy_for not in COPY_LABELS:
        raise ValueError(f"unknown copy: {copy_for!r}")
    with translation.override(lang):
        footer = Footer(copy_label(copy_for), printed_today())
        s = styles()
        story = (
            plan_flowables(sheet, s, copy_for=copy_for)
            if sheet.shareable
            else register_entry_flowables(sheet, s)
        )
        return build_pdf(
            story,
            pagesize=A4,
            footer=footer,
            title=_("Individual evacuation plan"),
        )


# The card and the bundle build on these (plan_cells holds them).
__all__ = [
    "CANDIDATE",
    "HEALTH_WITHHELD",
    "_date",
    "_p",
    "_role_in_words",
    "_table",
    "plan_flowables",
    "render_plan",
]
