"""Furigana: readings from the dictionary lined up over the kanji they read, and ruby set
above its word on paper (positions read back from the PDF)."""

import io
import itertools
import re
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A6
from reportlab.platypus import SimpleDocTemplate

from printouts.easy_japanese import KANJI, furigana, hiragana, named, proper
from printouts.fonts import register_fonts
from printouts.ruby import RubyParagraph, RubyStyle, Segment, lay_out, positions


@dataclass(frozen=True)
class Run:
    """A piece of text as drawn: where its baseline starts, and its size."""

    text: str
    x: float
    y: float
    size: float


def runs_of(pdf: bytes, page: int = 0) -> list[Run]:
    runs: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append(Run(text.strip(), x, y, size * cm[3]))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return runs


def pdf_of(*flowables: RubyParagraph) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A6).build(list(flowables))
    return buffer.getvalue()


def style(size: float = 12) -> RubyStyle:
    return RubyStyle(font=register_fonts(), size=size)


def flat_segments(segments: list[Segment]) -> list[tuple[str, str]]:
    return [(s.base, s.reading) for s in segments]


# --- readings -------------------------------------------------------------------------------


def test_it_reads_kanji_from_the_dictionary_and_leaves_kana_bare():
    segments = flat_segments(furigana("避難を始めます"))

    assert ("避難", "ひなん") in segments
    # The okurigana stays out of the ruby: 始 reads はじ, め stands beside it.
    assert ("始", "はじ") in segments and ("め", "") in segments
    assert all(not reading for base, reading in segments if not KANJI.search(base))


def test_it_reads_a_word_by_its_context():
    """In 「高齢者等避難」 the 等 is とう, as the alert is announced, not など."""
    assert ("等", "とう") in flat_segments(furigana("警戒レベル3「高齢者等避難」"))


def test_it_reads_kanji_beside_digits_on_their_own():
    segments = flat_segments(furigana("本町1番1号"))

    assert ("番", "ばん") in segments and ("号", "ごう") in segments
    assert "".join(base for base, _reading in segments) == "本町1番1号"
    assert all(reading == "" for base, reading in segments if base.isdigit())


def test_it_reads_a_name_by_the_registry_kana_part_by_part():
    assert flat_segments(named("山田 花子", "ヤマダ ハナコ")) == [
        ("山田", "やまだ"),
        (" ", ""),
        ("花子", "はなこ"),
    ]
    # A kana part gets no ruby; parts that do not pair up are read whole.
    assert flat_segments(named("田中 さくら", "タナカ サクラ"))[-1] == ("さくら", "")
    assert flat_segments(named("佐藤一郎", "サトウ イチロウ")) == [("佐藤一郎", "さとういちろう")]


def test_it_writes_katakana_as_hiragana():
    assert hiragana("ヤマダ ハナコ・ヴァー") == "やまだ はなこ・ゔぁー"


# --- the flowable ---------------------------------------------------------------------------


def test_a_reading_is_set_smaller_above_its_word_and_centred_on_it():
    paragraph = RubyParagraph([Segment("避難", "ひなん"), Segment("します")], style(12))
    runs = {run.text: run for run in runs_of(pdf_of(paragraph))}

    base, reading, kana = runs["避難"], runs["ひなん"], runs["します"]
    assert reading.size == 6 and base.size == 12 and kana.size == 12
    assert base.y < reading.y <= base.y + 12 * 1.1  # just above the word, under the line above
    word_centre = base.x + 12  # two full-width characters of 12 pt
    reading_centre = reading.x + 9  # three kana of 6 pt
    assert abs(word_centre - reading_centre) < 0.5
    assert kana.y == base.y and kana.x >= base.x + 24


def test_the_text_reads_back_with_its_readings():
    paragraph = RubyParagraph(furigana("地震のときは本町小学校へ行きます"), style())
    text = "".join(run.text for run in runs_of(pdf_of(paragraph)))

    assert "じしん" in text and "しょうがっこう" in text
    base = "".join(run.text for run in runs_of(pdf_of(paragraph)) if run.size == 12)
    assert base == "地震のときは本町小学校へ行きます"


def test_a_long_reading_reaches_over_the_kana_beside_it_rather_than_space_the_words():
    # 話 (1 character) reads はなし (3 kana at half size: 1.5 characters).
    line = lay_out([Segment("お"), Segment("話", "はなし"), Segment("を")], 500, style(10))
    paragraph = RubyParagraph([p.segment for p in line[0]], style(10))
    runs = {run.text: run for run in runs_of(pdf_of(paragraph))}

    assert runs["話"].x - runs["お"].x == 10 and runs["を"].x - runs["話"].x == 10
    assert runs["はなし"].x < runs["話"].x  # it reaches left over お


def test_two_long_readings_side_by_side_never_overlap():
    segments = [Segment("本町", "ほんちょう"), Segment("会長", "かいちょう")]
    runs = {run.text: run for run in runs_of(pdf_of(RubyParagraph(segments, style(10))))}

    first_ends = runs["ほんちょう"].x + 5 * 5
    assert runs["かいちょう"].x >= first_ends
    assert runs["会長"].x >= runs["本町"].x + 20


def test_lines_break_between_words_within_the_width():
    text = "家に いても いいです。あぶない ときは 本町小学校へ 行きます。"
    lines = lay_out(furigana(text), 120, style(12))
    written = ["".join(p.segment.base for p in line) for line in lines]

    assert len(lines) > 2
    assert "".join(written).replace(" ", "") == text.replace(" ", "")
    assert all(not line.startswith(("、", "。", " ")) for line in written)
    # A word that fits a line is never cut: each line ends where a space was.
    words = text.split()
    assert all(any(word.startswith(line.split()[-1]) for word in words) for line in written)


def test_a_word_longer_than_the_line_breaks_between_segments_but_keeps_numbers_whole():
    address = "支えあい市本町三丁目11番13号サンシャインコーポ本町東第二号棟1203号室"
    lines = lay_out(furigana(address), 100, style(12))
    written = ["".join(p.segment.base for p in line) for line in lines]

    assert "".join(written) == address
    pairs = itertools.pairwise(written)
    assert all(not re.search(r"\d$", a) or not re.match(r"\d", b) for a, b in pairs)


def test_the_paragraph_is_as_tall_as_its_lines():
    paragraph = RubyParagraph(furigana("避難所へ 行きます。" * 6), style(10))
    _width, height = paragraph.wrap(100, 1000)

    lines = len(lay_out(paragraph.segments, 100, style(10)))
    assert lines > 1 and height == lines * style(10).line_pitch


def test_a_long_reading_at_the_start_of_a_line_begins_with_its_word():
    paragraph = RubyParagraph([Segment("本町", "ほんちょう"), Segment("へ")], style(10))
    runs = {run.text: run for run in runs_of(pdf_of(paragraph))}

    assert runs["ほんちょう"].x == runs["本町"].x  # not pushed right, nor out of the margin
    assert runs["へ"].x >= runs["ほんちょう"].x + 5 * 5 - 5  # reaching over へ by a kana at most


def test_a_kanji_ke_kanji_word_takes_one_reading_over_the_whole_word():
    assert flat_segments(furigana("桜ヶ丘")) == [("桜ヶ丘", "さくらがおか")]
    assert flat_segments(furigana("桜ヶ丘小学校"))[0] == ("桜ヶ丘", "さくらがおか")


def test_a_name_from_the_data_is_read_whole_and_never_spaced_apart():
    for name in ("桜ヶ丘小学校", "栄町中学校", "本町町内会"):
        segments = proper(name)
        assert "".join(s.base for s in segments) == name
        assert len(segments) == 1 and segments[0].reading, segments
        [line] = lay_out(segments, 300, style())
        # One piece of text: its characters stand side by side, as the name is written.
        assert len(line) == 1


def test_spaces_on_a_card_line_stand_only_between_phrases_not_inside_a_place():
    segments = [*furigana("にげる 場所："), *proper("桜ヶ丘小学校")]
    [line] = lay_out(segments, 400, style())
    bases = [placed.segment.base for placed in line]

    assert bases[-1] == "桜ヶ丘小学校" and bases.count(" ") == 1
    starts, _width = positions(line, style())
    # The place starts right after the colon before it: no gap pushed into the line.
    colon = bases.index("：")
    assert starts[colon + 1][0] - starts[colon][0] == pytest.approx(line[colon].base)
