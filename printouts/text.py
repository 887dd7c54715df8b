"""Paragraphs of plain text that share their work: a bundle repeats the same labels and words on
every plan ("氏名", "—", each column header), three times in four, and tables lay out every
cell again each time they are measured (to keep a heading with its table, to split it at a
page foot). Paragraphs of the same text and style share the fragments ReportLab parses from
the markup, and the lines it breaks them into at each width: both depend on the text, the
style and the width alone, and ReportLab only reads them once made."""

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.rl_config import _FUZZ


class _Shared:
    """What paragraphs of one text and style share: the parsed style and fragments, and the
    lines broken at each width (as (width, height, wrap widths, lines))."""

    __slots__ = ("frags", "lines", "parsed_style", "style")

    def __init__(self, style: ParagraphStyle, parsed_style: Any, frags: list[Any]) -> None:
        self.style = style
        self.parsed_style = parsed_style
        self.frags = frags
        self.lines: dict[float, tuple[float, float, list[float], Any]] = {}


# By (text, id(style)); the entry keeps its style, so that an id reused by a later style is
# told apart. Bounded, since a process prints bundle after bundle.
_PARSED: dict[tuple[str, int], _Shared] = {}
_PARSED_LIMIT = 50_000


class Text(Paragraph):
    """A paragraph of markup that parses once per text and style, and breaks its lines once
    per text, style and width."""

    _shared: _Shared | None = None

    def __init__(self, text: str, style: ParagraphStyle, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:  # a part made by splitting: its fragments are given
            super().__init__(text, style, *args, **kwargs)
            return
        shared = _PARSED.get((text, id(style)))
        if shared is None or shared.style is not style:
            shared = _plain_text(text, style)
            if shared is None:
                super().__init__(text, style)
                parsed: Any = self.__dict__
                shared = _Shared(style, parsed["style"], parsed["frags"])
            if len(_PARSED) >= _PARSED_LIMIT:
                _PARSED.clear()
            _PARSED[(text, id(style))] = shared
        self.caseSensitive, self.encoding = 1, "utf8"
        self.text, self.style, self.frags = text, shared.parsed_style, shared.frags
        self.bulletText = getattr(style, "bulletText", None)
        self.debug = 0
        self._shared = shared

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        shared = self._shared
        if shared is None or availWidth < _FUZZ:
            result: tuple[float, float] = super().wrap(availWidth, availHeight)
            return result
        known = shared.lines.get(availWidth)
        if known is None:
            width, height = super().wrap(availWidth, availHeight)
            made: Any = self.__dict__  # set by ReportLab's wrap
            shared.lines[availWidth] = (width, height, made["_wrapWidths"], made["blPara"])
            return width, height
        made = self.__dict__
        made["width"], made["height"], made["_wrapWidths"], made["blPara"] = known
        return known[0], known[1]

    def draw(self) -> None:
        """Drawn as ReportLab draws it, once per canvas, lines and style: the same paragraph
        again on that canvas gives the same page content (its glyphs already have their codes
        in the canvas's font subsets), so it is copied rather than drawn anew. The content is
        enclosed in q ... Q and restores the canvas's state: nothing else changes."""
        canvas = self.canv
        if self._shared is None or not _plain(self.style, self.bulletText):
            super().draw()
            return
        drawn: dict[int, tuple[Any, list[str]]] | None = getattr(canvas, "_paragraphs_drawn", None)
        if drawn is None:
            drawn = canvas._paragraphs_drawn = {}
        # By the lines themselves (kept alive by the entry, so their id is never reused): they
        # are shared by paragraphs of the same text, style and width.
        known = drawn.get(id(self.blPara))
        if known is not None and known[0] is self.blPara:
            canvas._code.extend(known[1])
            return
        start = len(canvas._code)
        super().draw()
        drawn[id(self.blPara)] = (self.blPara, canvas._code[start:])

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        """`Flowable.drawOn` (q, the move to x, y, the paragraph, Q) with a paragraph drawn
        before on this canvas copied in whole: the canvas's state is as before either way."""
        drawn = getattr(canvas, "_paragraphs_drawn", None)
        blPara = self.__dict__.get("blPara")
        known = drawn.get(id(blPara)) if drawn is not None and self._shared is not None else None
        if known is None or known[0] is not blPara or getattr(self, "_showBoundary", False):
            super().drawOn(canvas, x, y, _sW)
            return
        x = self._hAlignAdjust(x, _sW)
        code = canvas._code
        # As saveState and translate write it: translate joins an earlier "cm" only when it
        # comes right after one, and saveState's "q" comes between.
        code.append("q")
        code.append(f"{fp_str(1, 0, 0, 1, x, y)} cm")
        code.extend(known[1])
        code.append("Q")

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        # Splitting sets this paragraph's own lines (and may drop them): from here on it
        # breaks them itself.
        self._shared = None
        parts: list[Flowable] = super().split(availWidth, availHeight)
        return parts


# A fragment of each style, as ReportLab's parser makes it for a plain word, by id(style).
_TEMPLATES: dict[int, tuple[ParagraphStyle, Any, Any]] = {}


def _plain_text(text: str, style: ParagraphStyle) -> _Shared | None:
    """What ReportLab's parser makes of text without markup (no tag, no entity, so no line
    break either), without running the parser: its one fragment is that of a plain word in
    the style, with the text tidied as the parser tidies it. None for any other text."""
    if "<" in text or "&" in text or getattr(style, "textTransform", None):
        return None
    cleaned = cleanBlockQuotedText(text)
    if not cleaned:
        return None
    template = _TEMPLATES.get(id(style))
    if template is None or template[0] is not style:
        probe = Paragraph("x", style)
        if len(probe.frags) != 1:
            return None
        if len(_TEMPLATES) >= _PARSED_LIMIT:
            _TEMPLATES.clear()
        template = _TEMPLATES[id(style)] = (style, probe.style, probe.frags[0])
    # copy.copy written out: a fragment is a plain bag of attributes.
    frag = object.__new__(type(template[2]))
    frag.__dict__.update(template[2].__dict__)
    frag.text = cleaned
    return _Shared(style, template[1], [frag])


def _plain(style: ParagraphStyle, bullet: object) -> bool:
    """Whether a paragraph draws its text alone, in an opaque colour: no bullet, background
    or border, nothing that registers anything with the page beyond its content."""
    colour = style.textColor
    return (
        not bullet
        and not style.backColor
        and not (style.borderColor and style.borderWidth)
        and getattr(colour, "alpha", 1) == 1
    )


def text_paragraph(text: object, style: ParagraphStyle) -> Paragraph:
    """Text as it is (never markup), its line breaks kept."""
    return Text(escape(str(text)).replace("\n", "<br/>"), style)
