"""The family card: the home address to read out when calling 119, when to leave, where to go,
who comes, whom to call and what to take, on half an A5 sheet (A6) to keep by the phone. In
Japanese, English, or やさしい日本語 with furigana (lang "easy").

Each card is one page, whatever it holds, in type no smaller than 9 pt: a card that would not
fit is set smaller down to that size, then loses its least needed lines (`DROPPED_FIRST`), and
only then is drawn smaller rather than leave a second page behind."""

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from reportlab.lib import colors
from reportlab.lib.pagesizes import A6
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepInFrame, PageBreak, Paragraph, Table, TableStyle

from printouts.easy_japanese import EASY, EASY_SLOTS, easy_hazard, furigana, named
from printouts.fonts import register_fonts
from printouts.layout import (
    INK,
    WARNING,
    WHEN_TO_LEAVE,
    Footer,
    bracketed,
    build_pdf,
    frame_size,
    japanese,
    listed,
    printed_today,
)
from printouts.plan_cells import HEALTH_WITHHELD
from printouts.ruby import RubyParagraph, RubyStyle
from printouts.sheets import Destination, Helper, PlanSheet

LANGUAGES = ("ja", "easy", "en")
MARGIN = 6 * mm
# What a card's content may fill, less a point so that rounding never pushes it over.
WIDTH, HEIGHT = (size - 1 for size in frame_size(A6, MARGIN))
# Padding on each side of a name or a phone number in their table, and inside a box.
ROW_PADDING = 2
BOX_PADDING = 3

# Body type sizes a card tries, largest first: a card with little on it is set large, many
# of its readers being old; none is set smaller than 9 pt before it drops lines.
BODY_SIZES = (14.0, 13.0, 12.0, 11.5, 11.0, 10.5, 10.0, 9.5, 9.0)
SMALLEST_BODY = BODY_SIZES[-1]

# Lines a card leaves out, in this order, while it does not fit at the smallest size: what
# the family knows anyway or finds elsewhere goes first. 119 and 110 are known to all (and the
# address line names 119); a shelter's address matters least where staying home is possible;
# a candidate has not agreed to come; the 民生委員 is reached through the association too; the
# other shelters' addresses are on the plan; the devices' line already says to take their spare
# batteries, which the power backup line only details. Nothing else is dropped: the address,
# when to leave, each hazard's shelter, agreed supporters, contacts, the city's and the
# association's numbers, devices and medicines stay, and a card with still more is drawn
# smaller.
DROPPED_FIRST = (
    "emergency",
    "stay_home_address",
    "candidates",
    "commissioner",
    "shelter_address",
    "power",
)

# The card's words in Japanese and English (gettext); `printouts.easy_japanese.EASY` holds the
# same keys in やさしい日本語, and "when" besides, which is `layout.WHEN_TO_LEAVE` here.
WORDS = {
    "title": gettext_noop("When disaster comes"),
    "footer": gettext_noop("family card"),
    "address": gettext_noop("Home address: say it when you call 119"),
    "where": gettext_noop("Where to go"),
    "minutes": gettext_noop("about %(minutes)d min at a slow pace"),
    "stay_home": gettext_noop("Staying at home is possible; if it is not safe, go to:"),
    "no_shelter": gettext_noop("No shelter is planned yet."),
    "no_destinations": gettext_noop("No shelter is planned yet."),
    "who": gettext_noop("Who comes"),
    "no_helper": gettext_noop("No supporter yet: call the contacts below."),
    # With nobody below to call but 119.
    "no_helper_yet": gettext_noop("No supporter yet."),
    # A candidate in the family's words: the association has asked them, or will.
    "candidate": gettext_noop("Asked to help (no answer yet)"),
    "any_time": gettext_noop("any time"),
    "phones": gettext_noop("Phone numbers"),
    "fire": gettext_noop("Fire and ambulance"),
    "police": gettext_noop("Police"),
    "city": gettext_noop("City office"),
    "association": gettext_noop("Neighbourhood association"),
    "commissioner": gettext_noop("Welfare commissioner"),
    "take": gettext_noop("What to take"),
    "devices": gettext_noop("Medical devices and their spare batteries: %(devices)s"),
    "medication": gettext_noop("Medicines: %(medication)s"),
    "aids": gettext_noop("Mobility aids: %(aids)s"),
    "power": gettext_noop("Power supply: %(backup)s"),
    "withheld": HEALTH_WITHHELD,
}

# The times of day a supporter comes, short enough to stand beside a name (TimeSlot keys).
SLOT_WORDS = {
    "weekday_day": gettext_noop("weekdays by day"),
    "weekday_night": gettext_noop("weekday nights"),
    "weekend_day": gettext_noop("weekends by day"),
    "weekend_night": gettext_noop("weekend nights"),
}

BAND = colors.Color(0.05, 0.2, 0.45)
WHITE = colors.white
MUTED = colors.Color(0.25, 0.25, 0.3)


def card_language(sheet: PlanSheet, lang: str) -> str:
    """The card's language for a person: やさしい日本語 where Japanese is asked for and the
    person's communication needs call for it (`PlanSheet.easy_japanese`), else `lang`."""
    return "easy" if lang == "ja" and sheet.easy_japanese else lang


def render_family_card(sheet: PlanSheet, lang: str = "ja") -> bytes:
    return render_family_cards([sheet], lang)


def render_family_cards(
    sheets: Sequence[PlanSheet], lang: str = "ja", *, by_needs: bool = False
) -> bytes:
    """One card a page, for a whole neighbourhood to hand out; with `by_needs`, each card in
    `card_language(sheet, lang)`."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown card language: {lang!r}")
    story: list[Flowable] = []
    for number, sheet in enumerate(sheets):
        if number:
            story.append(PageBreak())
        language = card_language(sheet, lang) if by_needs else lang
        with translation.override(_gettext_language(language)):
            fit = fitted_card(sheet, language)
            story.append(KeepInFrame(WIDTH, HEIGHT, fit.story, mode="shrink"))
    with translation.override(_gettext_language(lang)):
        footer = Footer(_Pen(lang, SMALLEST_BODY).words("footer"), printed_today())
        title = _("Family card")
        return build_pdf(story, pagesize=A6, footer=footer, title=title, margin=MARGIN)


def _gettext_language(lang: str) -> str:
    return "ja" if lang == "easy" else lang


@dataclass(frozen=True)
class Fit:
    """How a card was made to fit: its body type size, the lines it left out, and whether it
    still had to be drawn smaller (`shrunk`)."""

    body: float
    dropped: tuple[str, ...]
    shrunk: bool
    story: list[Flowable]


def fitted_card(sheet: PlanSheet, lang: str) -> Fit:
    """The card at the largest size of BODY_SIZES that fits; below the smallest, without the
    lines of DROPPED_FIRST, one after the other, until it fits. Sizes are searched by halves:
    a card is built a few times, not once per size."""

    def story(body: float, dropped: Sequence[str] = ()) -> list[Flowable]:
        return _card(sheet, _Pen(lang, body), frozenset(dropped))

    low, high = 0, len(BODY_SIZES) - 1  # the answer lies in [low, high] when anything fits
    smallest = story(SMALLEST_BODY)
    if _height(smallest) <= HEIGHT:
        best = smallest
        while low < high:
            middle = (low + high) // 2
            built = story(BODY_SIZES[middle])
            if _height(built) <= HEIGHT:
                best, high = built, middle
            else:
                low = middle + 1
        return Fit(BODY_SIZES[high], (), False, best)
    dropped: list[str] = []
    built = smallest
    for line in DROPPED_FIRST:
        dropped.append(line)
        built = story(SMALLEST_BODY, dropped)
        if _height(built) <= HEIGHT:
            return Fit(SMALLEST_BODY, tuple(dropped), False, built)
    return Fit(SMALLEST_BODY, tuple(dropped), True, built)


def _height(story: Sequence[Flowable]) -> float:
    """The height the story takes in a frame, as KeepInFrame measures it: the space between
    two flowables is the larger of the one's space after and the other's space before."""
    height, after = 0.0, 0.0
    for index, flowable in enumerate(story):
        height += flowable.wrap(WIDTH, HEIGHT)[1]
        if index:
            height += max(flowable.getSpaceBefore() - after, 0)
        after = flowable.getSpaceAfter()
        height += after
    return height


@dataclass(frozen=True)
class _Pen:
    """Writes the card's text in one language at one size: Paragraphs in Japanese and English,
    ruby paragraphs in やさしい日本語."""

    lang: str
    body: float  # the body type size

    @property
    def easy(self) -> bool:
        return self.lang == "easy"

    def size(self, role: str) -> float:
        """The title and the home address a little larger than the rest."""
        return self.body * {"title": 1.17, "address": 1.09}.get(role, 1.0)

    def words(self, key: str, **values: object) -> str:
        if self.easy:
            text = EASY[key]
        elif key == "when":
            text = str(WHEN_TO_LEAVE)
        else:
            text = _(WORDS[key])
        return text % values if values else text

    def colon(self) -> str:
        return "：" if japanese() else ": "

    def slots(self, helper: Helper) -> str:
        """When the supporter comes, in short words ("平日夜、休日昼")."""
        if set(helper.slots) >= set(SLOT_WORDS):
            return self.words("any_time")
        if self.easy:
            return "、".join(EASY_SLOTS[slot] for slot in helper.slots if slot in EASY_SLOTS)
        return listed(_(SLOT_WORDS[slot]) for slot in helper.slots if slot in SLOT_WORDS)

    def text(self, text: str, role: str = "body", *, kana: str | None = None) -> Flowable:
        """`kana`: the text is a name, an address or a place from the data, read by that kana
        ("" when unknown; easy Japanese only): never spaced apart inside."""
        colour = {"band": WHITE, "title": WHITE, "label": MUTED}.get(role, INK)
        size = self.size(role)
        if self.easy:
            segments = named(text, kana) if kana is not None else furigana(text)
            style = RubyStyle(font=register_fonts(), size=size, color=colour)
            return RubyParagraph(segments, style)
        paragraph_style = ParagraphStyle(
            role, fontName=register_fonts(), fontSize=size, leading=size * 1.25,
            textColor=colour, wordWrap="CJK" if japanese() else None,
        )  # fmt: skip
        return Paragraph(escape(text).replace("\n", "<br/>"), paragraph_style)

    def parts(self, parts: Sequence[tuple[str, str | None]], role: str = "body") -> Flowable:
        """One paragraph of several texts; those with a kana (maybe "") are names, addresses
        or places from the data, read as `text` reads them."""
        if not self.easy:
            return self.text("".join(text for text, _kana in parts), role)
        segments = [
            segment
            for text, kana in parts
            for segment in (named(text, kana) if kana is not None else furigana(text))
        ]
        colour = WHITE if role == "title" else INK
        return RubyParagraph(
            segments, RubyStyle(font=register_fonts(), size=self.size(role), color=colour)
        )

    def band(self, text: str) -> Table:
        """A section's heading, white on dark blue: found at a glance, and dark enough to read
        when copied in black and white."""
        return self.boxed(self.text(text, "band"), background=BAND, space=1.5 * self.body / 11)

    def boxed(
        self, content: Flowable, *, background: colors.Color, space: float, border: bool = False
    ) -> Table:
        """The content on a background the card's width, with a border if asked."""
        table = Table([[content]], colWidths=[WIDTH], hAlign="LEFT")
        commands: list[tuple[object, ...]] = [
            ("BACKGROUND", (0, 0), (-1, -1), background),
            ("LEFTPADDING", (0, 0), (-1, -1), BOX_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), BOX_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 0 if self.easy else 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if border:
            commands.append(("BOX", (0, 0), (-1, -1), 1, INK))
        table.setStyle(TableStyle(commands))
        table.spaceBefore = space
        table.spaceAfter = 1
        return table

    def rows(self, rows: Sequence[tuple[Flowable, str]]) -> Table:
        """Names and phone numbers, the numbers in a column of their own."""
        cells = [[name, self.text(phone or "—")] for name, phone in rows]
        # As wide as the longest number, so that names keep the rest.
        widest = max(stringWidth(phone, register_fonts(), self.size("body")) for _n, phone in rows)
        phones = min(widest + 2 * ROW_PADDING + 2, WIDTH / 2)
        table = Table(cells, colWidths=[WIDTH - phones, phones], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.Color(0.6, 0.6, 0.6)),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), ROW_PADDING),
                    ("RIGHTPADDING", (0, 0), (-1, -1), ROW_PADDING),
                    # Ruby keeps room above each line already.
                    ("TOPPADDING", (0, 0), (-1, -1), 0 if self.easy else 0.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1 if self.easy else 1.5),
                ]
            )
        )
        return table


def _card(sheet: PlanSheet, pen: _Pen, dropped: frozenset[str]) -> list[Flowable]:
    title = [(pen.words("title") + pen.colon(), None), (sheet.name, sheet.kana)]
    story: list[Flowable] = [
        pen.boxed(pen.parts(title, "title"), background=BAND, space=0),
        pen.boxed(
            _stacked(
                [
                    pen.text(pen.words("address"), "label"),
                    pen.text(sheet.address, "address", kana=""),
                ]
            ),
            background=colors.white,
            space=1.5,
            border=True,
        ),
        pen.boxed(pen.text(pen.words("when")), background=WARNING, space=2.5 * pen.body / 11),
    ]
    story += _where(sheet, pen, dropped)
    story += _who(sheet, pen, dropped)
    story += _phones(sheet, pen, dropped)
    story += _take(sheet, pen, dropped)
    return story


def _stacked(flowables: list[Flowable]) -> Table:
    """Flowables one under the other, as one table cell holds them."""
    table = Table([[f] for f in flowables], colWidths=[WIDTH - 2 * BOX_PADDING], hAlign="LEFT")
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
    return table


def _where(sheet: PlanSheet, pen: _Pen, dropped: frozenset[str]) -> list[Flowable]:
    story: list[Flowable] = [pen.band(pen.words("where"))]
    if not sheet.destinations:
        return [*story, pen.text(pen.words("no_destinations"))]
    for place in sheet.destinations:
        story += _destination(place, pen, dropped)
    return story


def _destination(place: Destination, pen: _Pen, dropped: frozenset[str]) -> list[Flowable]:
    """One hazard: where to go and how far, or that staying home is possible with the shelter
    as the fallback, or that no shelter is planned."""
    name = easy_hazard(place.hazard_key, place.hazard) if pen.easy else place.hazard
    lead = f"{name}の とき：" if pen.easy else f"【{name}】" if japanese() else f"{name}: "
    if not place.shelter:
        return [pen.text(lead + pen.words("no_shelter"))]
    minutes = pen.words("minutes", minutes=place.walking_minutes)
    opening = ""
    if place.stay_home:
        opening = pen.words("stay_home") + ("" if japanese() and not pen.easy else " ")
    lines = [pen.parts([(lead + opening, None), (place.shelter, ""), (bracketed(minutes), None)])]
    unwanted = "stay_home_address" if place.stay_home else "shelter_address"
    if place.address and unwanted not in dropped and "shelter_address" not in dropped:
        indent = "　" if japanese() else "  "
        lines.append(pen.parts([(indent, None), (place.address, "")], "label"))
    return lines


def _who(sheet: PlanSheet, pen: _Pen, dropped: frozenset[str]) -> list[Flowable]:
    # The card hangs by the family's phone whoever printed it, the officer too: "who comes"
    # lists only supporters who agreed, with their phones. A candidate may never come and has
    # not agreed to be called, so they are named apart, without a phone: the family then knows
    # the neighbour whom the association is asking, and calls the contacts below meanwhile.
    story: list[Flowable] = [pen.band(pen.words("who"))]
    agreed = [h for h in sheet.helpers if h.agreed]
    candidates = [h for h in sheet.helpers if not h.agreed]
    if agreed:
        story.append(pen.rows([(_agreed(h, pen), h.phone) for h in agreed]))
    elif _numbers(sheet):
        story.append(pen.text(pen.words("no_helper")))
    else:
        story.append(pen.text(pen.words("no_helper_yet")))
    if candidates and "candidates" not in dropped:
        parts: list[tuple[str, str | None]] = [(pen.words("candidate") + pen.colon(), None)]
        for index, helper in enumerate(candidates):
            if index:
                parts.append(("、" if japanese() else ", ", None))
            parts.append((helper.name, helper.kana))
        story.append(pen.parts(parts, "label"))
    return story


def _agreed(helper: Helper, pen: _Pen) -> Flowable:
    """An agreed supporter's name and, when known, the times of day they come."""
    when = pen.slots(helper)
    if not when:
        return pen.text(helper.name, kana=helper.kana)
    return pen.parts([(helper.name, helper.kana), (bracketed(when), None)])


def _numbers(sheet: PlanSheet) -> bool:
    """Whether the card has numbers to call besides 119 and 110."""
    offices = (sheet.city_office, sheet.association, sheet.commissioner)
    return bool(sheet.contacts) or any(phone for _name, phone in offices)


def _phones(sheet: PlanSheet, pen: _Pen, dropped: frozenset[str]) -> list[Flowable]:
    story: list[Flowable] = [pen.band(pen.words("phones"))]
    rows: list[tuple[Flowable, str]] = []
    if "emergency" not in dropped:
        rows += [(pen.text(pen.words("fire")), "119"), (pen.text(pen.words("police")), "110")]
    for name, relation, phone in sheet.contacts:
        aside = [(bracketed(relation), None)] if relation else []
        rows.append((pen.parts([(name, ""), *aside]), phone))
    offices: list[tuple[str, tuple[str, str]]] = [
        ("city", sheet.city_office),
        ("association", sheet.association),
        ("commissioner", sheet.commissioner),
    ]
    for key, (name, phone) in offices:
        # A number is what the card is for: an office without one is left out.
        if phone and key not in dropped:
            named_as = [(pen.colon(), None), (name, "")] if name else []
            rows.append((pen.parts([(pen.words(key), None), *named_as]), phone))
    if rows:
        story.append(pen.rows(rows))
    return story


def _take(sheet: PlanSheet, pen: _Pen, dropped: frozenset[str]) -> list[Flowable]:
    if not sheet.health_shown:
        return [pen.band(pen.words("take")), pen.text(pen.words("withheld"), "label")]
    lines: list[str] = []
    if sheet.medical_devices:
        lines.append(pen.words("devices", devices=listed(sheet.medical_devices)))
    if sheet.medication:
        lines.append(pen.words("medication", medication=sheet.medication))
    if sheet.mobility_aids:
        lines.append(pen.words("aids", aids=sheet.mobility_aids))
    if sheet.power_backup and "power" not in dropped:
        lines.append(pen.words("power", backup=sheet.power_backup))
    if not lines:
        return []
    return [pen.band(pen.words("take")), *(pen.text(line) for line in lines)]
