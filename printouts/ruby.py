"""Ruby (furigana): small kana set above the words they read, as children's books and notices
in やさしい日本語 print them. ReportLab's Paragraph has no ruby, so `RubyParagraph` lays out its
(base, reading) segments itself: each reading centred above its base, lines broken at the spaces
between words where they can be, else between segments, and never before a closing mark."""

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

# Marks that may not begin a line, and that may not end one (禁則): a line starting with 「、」
# or ending with 「「」 reads as a typesetting fault.
NO_LINE_START = frozenset(
    "、。，．・：；？！」』）］｝〕〉》】ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョ),.:;!?"
)
NO_LINE_END = frozenset("「『（［｛〔〈《【(")


@dataclass(frozen=True)
class Segment:
    """Text set as one piece: `reading` (kana) goes above `base`; "" for none."""

    base: str
    reading: str = ""


@dataclass(frozen=True)
class RubyStyle:
    font: str
    size: float
    # Half the text's size, as Japanese printing sets ruby.
    ruby_scale: float = 0.5
    color: colors.Color = colors.black
    ruby_color: colors.Color | None = None
    background: colors.Color | None = None
    padding: float = 0.0  # around the text, inside the background

    @property
    def ruby_size(self) -> float:
        return self.size * self.ruby_scale

    @property
    def ruby_room(self) -> float:
        """Height kept above each line for readings, even a line without any: an even pitch
        is easier to follow from line to line."""
        return self.ruby_size

    @property
    def line_pitch(self) -> float:
        return self.ruby_room + self.size * 1.12


@dataclass(frozen=True)
class _Placed:
    segment: Segment
    base: float  # widths of the base and of the reading
    ruby: float = 0.0


def _placed(segment: Segment, style: RubyStyle) -> _Placed:
    base = stringWidth(segment.base, style.font, style.size)
    ruby = stringWidth(segment.reading, style.font, style.ruby_size) if segment.reading else 0.0
    return _Placed(segment, base, ruby)


def positions(line: Sequence[_Placed], style: RubyStyle) -> tuple[list[tuple[float, float]], float]:
    """Where each segment's base and reading start on the line, and how wide the line is.

    A reading is centred over its base. One longer than its base may reach over the text
    beside it by up to one kana of ruby on each side (JIS X 4051), but never over another
    reading: only then are the bases set apart. At the line's start it is set flush with its
    base, not before it."""
    reach, gap = style.ruby_size, style.ruby_size * 0.2
    out: list[tuple[float, float]] = []
    x = extent = 0.0
    free = -float("inf")  # where the next reading may begin: anywhere, before the first
    for placed in line:
        if not placed.segment.reading:
            out.append((x, x))
            x += placed.base
            extent = max(extent, x)
            continue
        offset = max((placed.base - placed.ruby) / 2, -reach)
        base_x = max(x, free - offset)
        # At the line's start the reading begins with its base rather than push it along.
        ruby_x = max(base_x + offset, 0.0)
        over = ruby_x + placed.ruby - (base_x + placed.base)
        out.append((base_x, ruby_x))
        x = base_x + placed.base + max(over - reach, 0.0)
        free = ruby_x + placed.ruby + gap
        extent = max(extent, x, ruby_x + placed.ruby)
    return out, extent


def _pieces(segments: Sequence[Segment]) -> list[Segment]:
    """Segments with each run of white space in a plain one made its own " " segment: the
    places where a line breaks first."""
    pieces: list[Segment] = []
    for segment in segments:
        if segment.reading or not any(c.isspace() for c in segment.base):
            if segment.base:
                pieces.append(segment)
            continue
        word = ""
        for char in segment.base:
            if char.isspace():
                if word:
                    pieces.append(Segment(word))
                word = ""
                if not pieces or pieces[-1].base != " ":
                    pieces.append(Segment(" "))
            else:
                word += char
        if word:
            pieces.append(Segment(word))
    return pieces


def _may_break_before(line: Sequence[_Placed], index: int) -> bool:
    before, after = line[index - 1].segment.base[-1], line[index].segment.base[0]
    # A number or a Latin word stays whole ("11", "110").
    latin = before.isascii() and before.isalnum() and after.isascii() and after.isalnum()
    return after not in NO_LINE_START and before not in NO_LINE_END and not latin


def _split_too_wide(segment: Segment, width: float, style: RubyStyle) -> list[Segment]:
    """A plain segment wider than a whole line, cut into pieces that fit (a long number, or
    kana with no word break); a segment with a reading stays whole and may run over."""
    if segment.reading:
        return [segment]
    pieces, current = [], ""
    for char in segment.base:
        if current and stringWidth(current + char, style.font, style.size) > width:
            pieces.append(current)
            current = ""
        current += char
    return [Segment(piece) for piece in [*pieces, current] if piece]


def _width(line: Sequence[_Placed], style: RubyStyle) -> float:
    return positions(line, style)[1]


def _break_point(line: list[_Placed], width: float, style: RubyStyle) -> int:
    """Where the next line starts in `line` (which runs over by its last segment): after its
    last space if what follows fits a line, else before the last segment that may begin one."""
    for index in range(len(line) - 1, 0, -1):
        if line[index - 1].segment.base == " ":
            if _width(line[index:], style) <= width:
                return index
            break
    for index in range(len(line) - 1, 0, -1):
        if line[index - 1].segment.base != " " and _may_break_before(line, index):
            return index
    return len(line) - 1


def lay_out(segments: Sequence[Segment], width: float, style: RubyStyle) -> list[list[_Placed]]:
    """Lines of placed segments, filled greedily: whole words (runs between spaces) where
    they fit, a word longer than a line broken between its segments."""
    space = _Placed(Segment(" "), style.size * 0.5)
    lines: list[list[_Placed]] = [[]]
    for piece in _pieces(segments):
        line = lines[-1]
        if piece.base == " ":
            if line:
                line.append(space)
            continue
        too_wide = _width([_placed(piece, style)], style) > width
        for part in _split_too_wide(piece, width, style) if too_wide else [piece]:
            line = lines[-1]
            line.append(_placed(part, style))
            if _width(line, style) > width and len(line) > 1:
                cut = _break_point(line, width, style)
                lines[-1], rest = line[:cut], line[cut:]
                lines.append(rest)
    for line in lines:
        while line and line[-1].segment.base == " ":
            line.pop()
    return [line for line in lines if line] or [[]]


class RubyParagraph(Flowable):
    """A paragraph of segments, readings above their bases, wrapped to the width given."""

    def __init__(self, segments: Sequence[Segment], style: RubyStyle) -> None:
        super().__init__()
        self.segments = list(segments)
        self.style = style
        self._lines: list[list[_Placed]] = [[]]

    def text(self) -> str:
        """The base text, as a reader without the readings sees it."""
        return "".join(segment.base for segment in self.segments)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        padding = self.style.padding
        self._lines = lay_out(self.segments, availWidth - 2 * padding, self.style)
        self.width = availWidth
        self.height = len(self._lines) * self.style.line_pitch + 2 * padding
        return self.width, self.height

    def draw(self) -> None:
        style, canvas = self.style, self.canv
        if style.background is not None:
            canvas.setFillColor(style.background)
            canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        top = self.height - style.padding
        for line in self._lines:
            ruby_baseline = top - style.ruby_size * 0.88
            baseline = top - style.ruby_room - style.size * 0.9
            starts, _extent = positions(line, style)
            for placed, (base_x, ruby_x) in zip(line, starts, strict=True):
                segment = placed.segment
                canvas.setFillColor(style.color)
                canvas.setFont(style.font, style.size)
                canvas.drawString(style.padding + base_x, baseline, segment.base)
                if segment.reading:
                    canvas.setFillColor(style.ruby_color or style.color)
                    canvas.setFont(style.font, style.ruby_size)
                    canvas.drawString(style.padding + ruby_x, ruby_baseline, segment.reading)
            top -= style.line_pitch
