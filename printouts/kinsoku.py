"""Japanese line breaking (禁則処理) for ReportLab's paragraphs in CJK wrapping: an opening
bracket never ends a line, a closing bracket, 「、」「。」 or 「：」 never starts one, and a number
or a Latin word (0463-58-5298, v2) stays whole where the line has room for it.

ReportLab breaks CJK text between any two characters, and knows only part of the rule: it hangs
one closing mark in the margin but lets 「（」 end a line and 「：」 start one. Its two wrapping
functions, `cjkFragSplit` (paragraphs of several pieces: a line break, a font change) and
`wordSplit` (a paragraph in one piece), are looked up by name in `reportlab.platypus.paragraph`
each time a paragraph is wrapped; `install()` puts these in their place, once, for every
printout."""

import unicodedata
from collections.abc import Sequence
from typing import Any

from reportlab.lib.textsplit import getCharWidths
from reportlab.platypus import paragraph
from reportlab.rl_config import _FUZZ

from printouts.ruby import NO_LINE_END, NO_LINE_START


def _latin(char: str) -> bool:
    """Part of a word written in Latin letters or digits (not a space, not CJK)."""
    return bool(char) and ord(char) < 0x3000 and unicodedata.category(char) != "Zs"


def may_break(before: str, after: str) -> bool:
    """Whether a line may end between these two characters."""
    if not before or not after:
        return True
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    return not (_latin(before) and _latin(after))


# Marks hung in the margin rather than carried over with the character before them
# (ぶら下げ, JIS X 4051): the comma and the full stop only.
HANGING = frozenset("、。，．")


def _cut(chars: Sequence[str], start: int, over: int) -> int:
    """Where the line from `start` ends, `chars[over]` being the first that does not fit: a
    comma or full stop is hung in the margin, else the line ends at the last place allowed,
    else where it runs over (a word longer than the line)."""
    after = chars[over + 1] if over + 1 < len(chars) else ""
    if chars[over] in HANGING and may_break(chars[over], after):
        return over + 1
    for cut in range(over, start, -1):
        if may_break(chars[cut - 1], chars[cut]):
            return cut
    return over


def _lines(
    chars: Sequence[str],
    widths: Sequence[float],
    max_widths: Sequence[float],
    breaks: Sequence[bool] = (),
) -> list[tuple[int, int, float, float, bool]]:
    """Lines as (start, end, width used, width allowed, ended by a line break); `breaks` marks
    the characters that are line breaks (none when empty)."""
    lines: list[tuple[int, int, float, float, bool]] = []
    start, count = 0, len(chars)
    while start < count:
        allowed = max_widths[min(len(lines), len(max_widths) - 1)]
        used, index, broken = 0.0, start, False
        while index < count:
            if breaks and breaks[index]:
                index, broken = index + 1, True
                break
            step = widths[index]
            if used + step > allowed + _FUZZ and index > start:
                break
            used += step
            index += 1
        end = index if broken or index >= count else _cut(chars, start, index)
        if not broken and end < count and breaks and breaks[end]:
            # The line is full just where a line break comes: it ends the line, not the next.
            end, broken = end + 1, True
        if end != index:
            used = sum(widths[start:end])
        lines.append((start, end, used, allowed, broken))
        start = end
    return lines


def _widths(max_widths: float | Sequence[float]) -> list[float]:
    """The widths of the lines, one a line, the last for all that follow."""
    if isinstance(max_widths, (int, float)):
        return [float(max_widths)]
    return list(max_widths)


def cjk_frag_split(
    frags: Sequence[Any],
    maxWidths: float | Sequence[float],
    calcBounds: bool,
    encoding: str = "utf8",
) -> Any:
    """`reportlab.platypus.paragraph.cjkFragSplit` with the breaking rules above."""
    chars: list[Any] = []
    for frag in frags:
        text = frag.text.decode(encoding) if isinstance(frag.text, bytes) else frag.text
        if text:
            chars.extend(paragraph.cjkU(char, frag, encoding) for char in text)
        else:
            chars.append(paragraph.cjkU(text, frag, encoding))

    allowed = _widths(maxWidths)
    if any(hasattr(char.width, "normalizedValue") for char in chars):
        # A width given as a share of the line (an image's): ReportLab's own wrapping.
        return _reportlab_split(frags, allowed, calcBounds, encoding)
    widths = [float(char.width) for char in chars]
    breaks = [hasattr(char.frag, "lineBreak") for char in chars]
    lines = [
        paragraph.makeCJKParaLine(
            chars[start:end], allowed, used, allowed - used, broken, calcBounds
        )
        for start, end, used, allowed, broken in _lines(chars, widths, allowed, breaks)
    ]
    return paragraph.ParaLines(kind=1, lines=lines)


def word_split(
    word: str | bytes,
    maxWidths: float | Sequence[float],
    fontName: str,
    fontSize: float,
    encoding: str = "utf8",
) -> list[list[Any]]:
    """`reportlab.lib.textsplit.wordSplit` (a paragraph in one piece) with the rules above."""
    text = word.decode(encoding) if isinstance(word, bytes) else word
    widths = getCharWidths(text, fontName, fontSize)
    allowed = _widths(maxWidths)
    return [
        [room - used, text[start:end]]
        for start, end, used, room, _broken in _lines(text, widths, allowed)
    ]


_reportlab_split = paragraph.cjkFragSplit


def install() -> None:
    paragraph.cjkFragSplit = cjk_frag_split
    paragraph.wordSplit = word_split
