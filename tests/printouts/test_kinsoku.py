"""Japanese line breaking (禁則処理): no opening bracket at a line's end, no closing bracket or
「：」 at a line's start, numbers kept whole, in paragraphs and in table cells."""

import pytest
from django.utils import translation
from reportlab.platypus import Paragraph

from printouts.layout import styles
from printouts.tables import paragraph

OPENING, CLOSING = "（「", "）」：、。"
TEXTS = [
    "候補（未承諾）：加藤 香織、佐藤 くみ子",
    "避難先は本町小学校（指定避難所）です。電話0463-58-5298まで",
    "一部対応、2人のうち0人\n候補（未承諾）：佐藤 くみ子",
    "案・未発行（2026-11-28（令和8年11月28日）時点）",
]


def lines_of(para: Paragraph) -> list[str]:
    lines = []
    for line in para.blPara.lines:
        if isinstance(line, tuple):
            lines.append("".join(line[1]))
        else:
            lines.append("".join(str(word.text) for word in line.words))
    return [line.strip() for line in lines if line.strip()]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("width", range(50, 200, 7))
def test_no_line_ends_with_an_opening_bracket_or_starts_with_a_closing_one(text, width):
    with translation.override("ja"):
        para = paragraph(text, styles().body)
        para.wrap(width, 1000)
    lines = lines_of(para)

    assert "".join(lines).replace(" ", "") == text.replace("\n", "").replace(" ", "")
    for line in lines:
        assert line[-1] not in OPENING, lines
    for line in lines[1:]:
        assert line[0] not in CLOSING, lines


def test_a_phone_number_stays_whole_where_the_line_has_room_for_it():
    with translation.override("ja"):
        para = paragraph("連絡先は電話0463-58-5298です", styles().body)
        para.wrap(120, 1000)

    assert any("0463-58-5298" in line for line in lines_of(para))
