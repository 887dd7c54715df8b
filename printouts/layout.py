"""Page furniture shared by every printout: styles in large type, a footer on every page with
the confidential label, who the copy is for, the print date and "page n / m", and on the pages
of a person's plan a running header with their name and ID and, on a draft, a 「案」 watermark
(set by the `PageOwner` flowable at the start of the plan)."""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from printouts import kinsoku
from printouts.fonts import register_fonts

# Every printout's paragraphs break lines by the Japanese rules (禁則処理).
kinsoku.install()
# ReportLab checks every attribute set on a drawing's shapes against its declared type: a help
# while writing a drawing, at a cost of several per cent of a bundle's printing. The maps'
# shapes are built by code that the printout tests run with the same values.
rl_config.shapeChecking = 0

# Who a copy is for, as its footer says (keys of registry.access.Copy).
COPY_LABELS = {
    "officer": gettext_noop("Officer copy"),
    "association": gettext_noop("Association copy"),
    "commissioner": gettext_noop("Commissioner copy"),
    "family": gettext_noop("copy for the person and family"),
}


def copy_label(copy_for: str) -> str:
    """The footer's words for a copy, in the active language."""
    return _(COPY_LABELS[copy_for])


INK = colors.Color(0.08, 0.08, 0.08)
SHADE = colors.Color(0.92, 0.94, 0.97)
WARNING = colors.Color(0.98, 0.90, 0.80)


def japanese() -> bool:
    """Whether paper is being written in Japanese (the default when no language is active)."""
    return (translation.get_language() or "ja").startswith("ja")


def listed(items: Iterable[str]) -> str:
    """Items joined as the active language writes a list: 「、」 in Japanese, ", " otherwise."""
    return ("、" if japanese() else ", ").join(items)


def bracketed(text: str) -> str:
    """An aside after a word: full-width brackets in Japanese, ASCII ones after a space
    otherwise."""
    return f"（{text}）" if japanese() else f" ({text})"


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    kana: ParagraphStyle
    name: ParagraphStyle
    note: ParagraphStyle
    label: ParagraphStyle


def styles(scale: float = 1.0) -> Styles:
    """Body text is 12 pt or more: many readers are old. Japanese may break between any two
    characters; other languages break only between words ("Neighbourhood" stays whole), and a
    word longer than its cell, such as a Japanese name in an English copy, is split.

    The same objects for the same scale and language, so that paragraphs in them share their
    parsed text and broken lines (printouts.text) across plans and bundles: nothing changes a
    style once made (a variant is a new style, `derived_style`)."""
    return _styles(scale, "CJK" if japanese() else None)


@cache
def _styles(scale: float, wrap: str | None) -> Styles:
    font = register_fonts()

    def style(name: str, size: float, **extra: Any) -> ParagraphStyle:
        values: dict[str, Any] = {"textColor": INK, **extra}
        return ParagraphStyle(
            name, fontName=font, fontSize=size * scale, leading=size * scale * 1.4,
            wordWrap=wrap, **values,
        )  # fmt: skip

    return Styles(
        title=style("title", 20, spaceAfter=3 * mm),
        heading=style(
            "heading",
            15,
            spaceBefore=3.5 * mm,
            spaceAfter=1.5 * mm,
            textColor=colors.Color(0.05, 0.2, 0.45),
        ),
        body=style("body", 12),
        kana=style("kana", 12),
        name=style("name", 20),
        note=style("note", 12),
        label=style("label", 12, textColor=colors.Color(0.25, 0.25, 0.3)),
    )


_DerivedKey = tuple[int, str, tuple[tuple[str, Any], ...]]
_DERIVED: dict[_DerivedKey, tuple[ParagraphStyle, ParagraphStyle]] = {}


def derived_style(parent: ParagraphStyle, name: str, **changes: Any) -> ParagraphStyle:
    """`ParagraphStyle(name, parent=parent, **changes)`, made once per parent and changes, so
    that each plan's paragraphs in it share their work with the plans before (`styles`)."""
    key = (id(parent), name, tuple(sorted(changes.items())))
    known = _DERIVED.get(key)
    if known is not None and known[0] is parent:
        return known[1]
    if len(_DERIVED) >= 1000:  # bounded: each language and scale has a few
        _DERIVED.clear()
    style = ParagraphStyle(name, parent=parent, **changes)
    _DERIVED[key] = (parent, style)
    return style


@dataclass(frozen=True)
class Footer:
    copy_for: str
    printed: str


@dataclass(frozen=True)
class Owner:
    """Whose plan a page belongs to, as the page's furniture names it."""

    running_head: str  # "個別避難計画書 ・ 山田 花子（P-1）", on every page after the first
    watermark: str = ""  # "案" across each page of a draft; "" for an issued plan


class PageOwner(Flowable):
    """Marks where a person's plan starts (`owner`) or ends (None); takes no room. The pages
    from the one a start is drawn on to the one its end is drawn on belong to that person:
    pages after the first carry `running_head` at the top, and, when `watermark` is set, each
    page carries it large and light across the page. A plan must start on a new page (the
    bundle puts a PageBreak before each), since a page takes the owner that starts on it.
    `plan_flowables` returns both marks around the plan, so whatever follows it in a bundle
    (a register entry, a supporter's sheet) carries no one's name.

    The canvas of `build_pdf` reads the marks back when it draws the footers: drawing records
    each on the canvas, whose state is kept page by page."""

    def __init__(self, owner: Owner | None) -> None:
        super().__init__()
        self.owner = owner

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        marks: tuple[Owner | None, ...] = getattr(self.canv, "_owner_marks", ())
        self.canv._owner_marks = (*marks, self.owner)


def _numbered_canvas(footer: Footer, *args: Any, **kwargs: Any) -> canvas.Canvas:
    return _NumberedCanvas(footer, *args, **kwargs)


class _NumberedCanvas(canvas.Canvas):
    """Holds pages back until the end, so that each footer can say how many there are."""

    def __init__(self, footer: Footer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []
        # The plan a page continues (from an earlier page), and the starts and ends of plans
        # marked on it (PageOwner).
        self._owner_at_top: Owner | None = None
        self._owner_marks: tuple[Owner | None, ...] = ()

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        if self._owner_marks:
            self._owner_at_top = self._owner_marks[-1]
        self._owner_marks = ()
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self._draw_owner()
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_owner(self) -> None:
        """The running header on a plan's later pages, and a draft's watermark on each."""
        begun = [owner for owner in self._owner_marks if owner is not None]
        owners = begun or ([self._owner_at_top] if self._owner_at_top else [])
        width, height = self._pagesize
        self.saveState()
        mark = next((owner.watermark for owner in owners if owner.watermark), "")
        if mark:
            # Drawn over the page, so light enough that the text under it stays readable.
            self.setFillColor(colors.Color(0.55, 0.55, 0.55, alpha=0.16))
            size = min(width, height) * (0.55 if len(mark) <= 2 else 0.9 / len(mark))
            self.setFont(register_fonts(), size)
            self.translate(width / 2, height / 2)
            self.rotate(35)
            self.drawCentredString(0, -size * 0.35, mark)
        self.restoreState()
        if self._owner_at_top is not None and not begun and width >= 150 * mm:
            self.saveState()
            self.setFont(register_fonts(), 10)
            self.setFillColor(INK)
            self.drawString(10 * mm, height - 9 * mm, self._owner_at_top.running_head)
            self.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
            self.setLineWidth(0.5)
            self.line(10 * mm, height - 10.5 * mm, width - 10 * mm, height - 10.5 * mm)
            self.restoreState()

    def _draw_footer(self, number: int, total: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setFont(register_fonts(), 9)
        self.setFillColor(INK)
        confidential, printed, page = (
            _("Confidential: personal information"),
            _("Printed"),
            _("page"),
        )
        left = f"{confidential} ・ {self._footer.copy_for}"
        right = f"{printed} {self._footer.printed} ・ {page} {number} / {total}"
        if width < 150 * mm:  # a card: one line each
            self.drawString(7 * mm, 8 * mm, left)
            self.drawString(7 * mm, 4 * mm, right)
        else:
            self.drawString(10 * mm, 7 * mm, left)
            self.drawRightString(width - 10 * mm, 7 * mm, right)
        self.restoreState()


# Room kept under the bottom margin for the footer, and the padding ReportLab's page frame
# keeps inside the margins on every side.
FOOTER_ROOM = 4 * mm
FRAME_PADDING = 6


def frame_size(pagesize: tuple[float, float], margin: float) -> tuple[float, float]:
    """Width and height that `build_pdf` leaves for the content of one page."""
    width, height = pagesize
    return (
        width - 2 * margin - 2 * FRAME_PADDING,
        height - 2 * margin - FOOTER_ROOM - 2 * FRAME_PADDING,
    )


def build_pdf(
    flowables: Sequence[Flowable],
    *,
    pagesize: tuple[float, float],
    footer: Footer,
    title: str,
    margin: float = 14 * mm,
) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + FOOTER_ROOM,
        title=title,
        author="Sasaeai",
    )
    document.build(list(flowables), canvasmaker=partial(_numbered_canvas, footer))
    return buffer.getvalue()


def printed_today() -> str:
    return timezone.localdate().isoformat()


# Everyone on the list leaves at alert level 3 (高齢者等避難), not at level 4 with everyone else:
# those who need help need time (Cabinet Office evacuation information guideline, 2021).
WHEN_TO_LEAVE = gettext_lazy(
    "Start to evacuate when alert level 3 (高齢者等避難, evacuation of the elderly and others) "
    "is issued, without waiting for level 4."
)
