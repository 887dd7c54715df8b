"""Paragraphs that share their parsed text, broken lines and drawn content (printing speed,
printouts.text) print exactly as ReportLab's own paragraphs do."""

import io
from xml.sax.saxutils import escape

import pytest
from django.utils import translation
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from printouts.layout import Footer, build_pdf, derived_style, styles
from printouts.text import Text, text_paragraph

TEXTS = [
    "山田 花子",
    "—",
    "  前後に空白  と　全角空白　",
    "v1 ・ 2026-11-28（令和8年11月28日） 発行",
    "候補（未承諾）：加藤 香織、佐藤 くみ子",
    "一部対応、2人のうち0人\n候補（未承諾）：佐藤 くみ子",
    "<b> & </b> 記号はそのまま",
    "Neighbourhood association, 12 Honcho",
]
LONG = "避難先は本町小学校（指定避難所）です。電話0463-58-5298まで。" * 40


def plain(text: str, style: object) -> Paragraph:
    """ReportLab's paragraph of the same text, made and drawn the usual way."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("text", TEXTS)
def test_it_makes_the_fragments_reportlabs_parser_makes(text, lang):
    with translation.override(lang):
        s = styles()
    ours, theirs = text_paragraph(text, s.body), plain(text, s.body)
    again = text_paragraph(text, s.body)  # the second one shares the first's

    for paragraph in (ours, again):
        assert [f.__dict__ for f in paragraph.frags] == [f.__dict__ for f in theirs.frags]
        assert paragraph.style is theirs.style


def story(make, s) -> list[Flowable]:
    """Each text several times, in paragraphs and table cells at two widths, and a long one
    twice that breaks across pages."""
    items: list[Flowable] = []
    for _round in range(3):
        for text in TEXTS:
            items.append(make(text, s.body))
            items.append(Table([[make(text, s.label), make(text, s.body)]], [40 * mm, 120 * mm]))
        items += [make(LONG, s.body), Spacer(1, 200 * mm), make(LONG, s.body)]
    return items


def contents(pdf: bytes) -> list[bytes]:
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        stream = page.get_contents()
        assert stream is not None
        pages.append(stream.get_data())
    return pages


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_document_of_shared_paragraphs_draws_the_same_pages_as_reportlabs(lang):
    with translation.override(lang):
        s = styles()
        footer = Footer("copy", "2026-11-28")
        theirs = build_pdf(story(plain, s), pagesize=A4, footer=footer, title="t")
        ours = build_pdf(story(text_paragraph, s), pagesize=A4, footer=footer, title="t")
        # Once more, with everything the first one left to share.
        again = build_pdf(story(text_paragraph, s), pagesize=A4, footer=footer, title="t")

    assert len(contents(theirs)) > 3
    assert contents(ours) == contents(theirs)
    assert contents(again) == contents(theirs)


def test_a_split_paragraph_leaves_the_lines_it_shares_whole():
    s = styles()
    first, second = text_paragraph(LONG, s.body), text_paragraph(LONG, s.body)
    assert isinstance(first, Text)
    width = 170 * mm
    _w, height = first.wrap(width, 10_000)
    lines = len(first.blPara.lines)

    top, rest = first.split(width, height / 2)
    rest.wrap(width, 10_000)
    second.wrap(width, 10_000)

    assert len(second.blPara.lines) == lines
    assert len(top.blPara.lines) + len(rest.blPara.lines) == lines


def test_the_same_style_and_variant_are_made_once():
    with translation.override("ja"):
        s, again = styles(), styles()
    with translation.override("en"):
        english = styles()

    assert s is again and s is not english
    assert derived_style(s.note, "small", fontSize=9) is derived_style(s.note, "small", fontSize=9)
    assert derived_style(s.note, "small", fontSize=9).fontSize == 9
    assert derived_style(s.note, "small", fontSize=9) is not derived_style(
        s.body, "small", fontSize=9
    )
