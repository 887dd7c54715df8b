"""Paragraphs and ruled tables for the bundle's own pages (roster, register entries, a
supporter's sheet), in the plan's look: a light grid, the header row shaded."""

import datetime as dt
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from printouts.dates import iso_and_wareki
from printouts.layout import SHADE, japanese
from printouts.text import text_paragraph

RULE = colors.Color(0.6, 0.6, 0.6)


def paragraph(text: object, style: ParagraphStyle) -> Paragraph:
    """Text as it is (never markup), its line breaks kept."""
    return text_paragraph(text, style)


def written_date(value: dt.date | None) -> str:
    """A date a family reads: on Japanese paper with its era date beside it."""
    if value is None:
        return "—"
    return iso_and_wareki(value) if japanese() else value.isoformat()


def grid(
    rows: Sequence[Sequence[Flowable | str]],
    widths: Sequence[float],
    *,
    header: bool = True,
    narrow: Sequence[int] = (),
    repeat_header: bool = False,
) -> Table:
    """A ruled table; `narrow` columns keep 2 pt of padding instead of 6 so that a number or a
    box fits them in 12 pt type."""
    table = Table(
        list(rows), colWidths=list(widths), hAlign="LEFT", repeatRows=1 if repeat_header else 0
    )
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.6, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    for column in narrow:
        commands += [
            ("LEFTPADDING", (column, 0), (column, -1), 2),
            ("RIGHTPADDING", (column, 0), (column, -1), 2),
        ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    table.setStyle(TableStyle(commands))
    return table
