"""やさしい日本語 (easy Japanese) for the family card: its words as short plain sentences, and
furigana over every kanji. Readings come from SudachiDict through SudachiPy (context decides
「等」 as とう in 「高齢者等避難」); a person's name is read as the registry spells it in kana,
which a dictionary cannot know."""

import re
import threading
from functools import cache, lru_cache
from typing import Any

from sudachipy import Dictionary, SplitMode  # type: ignore[import-untyped]

from printouts.ruby import Segment

KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]")
KANA = re.compile(r"[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fd\u30fe]")
# Runs that a reading is aligned over: kanji with the kana around them; anything else (digits,
# Latin letters, marks, spaces) is read separately, as Sudachi reads 「1番」 whole as イチバン.
READABLE = re.compile(
    r"[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]+"
)

# The card's words, one short sentence each (文化庁「在留支援のためのやさしい日本語ガイドライン」:
# one idea a sentence, です・ます, no double negatives, words spaced apart). Keys match
# `printouts.card.WORDS`.
EASY = {
    "title": "災害の とき",
    "footer": "かぞくの カード",
    "address": "119に 電話したら この 住所を 言います",
    "when": "「警戒レベル3 高齢者等避難」が 出たら、すぐ にげます。レベル4を 待ちません。",
    "where": "どこへ にげますか",
    "minutes": "歩いて %(minutes)d分",
    "stay_home": "家に いて いいです。あぶない ときは：",
    "no_shelter": "にげる 場所は まだ ありません。",
    "no_destinations": "にげる 場所は まだ 決まって いません。",
    "who": "だれが 来ますか",
    "no_helper": "まだ 決まって いません。下の 番号に 電話して ください。",
    "no_helper_yet": "まだ 決まって いません。",
    "candidate": "たのんで いる 人（まだ 返事が ありません）",
    "any_time": "いつでも",
    "phones": "電話番号",
    "fire": "火事・救急車",
    "police": "警察",
    "city": "市役所",
    "association": "町内会",
    "commissioner": "民生委員",
    "take": "持って いく もの",
    "devices": "機械と バッテリー：%(devices)s",
    "medication": "くすり：%(medication)s",
    "aids": "歩く ための 道具：%(aids)s",
    "power": "電気：%(backup)s",
    "withheld": "体の ことは この カードに 書いて いません。",
}

# The times of day a supporter comes (TimeSlot keys), as the family card says them.
EASY_SLOTS = {
    "weekday_day": "平日の 昼",
    "weekday_night": "平日の 夜",
    "weekend_day": "土日の 昼",
    "weekend_night": "土日の 夜",
}

# Hazards in the short words that warnings on radio and television use (with furigana they
# are the words to learn); a hazard not here is written as its label.
EASY_HAZARDS = {
    "flood": "大雨・洪水",
    "inland_flood": "大雨で 町に 水",
    "landslide": "がけ崩れ",
    "storm_surge": "高潮",
    "earthquake": "地震",
    "tsunami": "津波",
    "large_fire": "大きな 火事",
    "volcano": "噴火",
}


def easy_hazard(key: str, label: str) -> str:
    return EASY_HAZARDS.get(key, label)


def hiragana(kana: str) -> str:
    """Katakana as hiragana (ルビ on easy-Japanese paper is set in hiragana); ー and others
    as they are."""
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana)


_local = threading.local()


@cache
def _dictionary() -> Any:
    return Dictionary(dict="core")


def _tokenizer() -> Any:
    """One tokenizer a thread: Sudachi's tokenizer keeps state while it works. Middle-sized
    units (mode B: 本町/小学校, not 本町小学校 whole) keep each reading over its own word."""
    if not hasattr(_local, "tokenizer"):
        _local.tokenizer = _dictionary().tokenizer(SplitMode.B)
    return _local.tokenizer


def furigana(text: str) -> list[Segment]:
    """The text as segments, each kanji run with its reading and kana left bare."""
    return list(_read(text))


# A card is built a few times over while it is fitted to its page, with the same words.
@lru_cache(maxsize=4096)
def _read(text: str) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    for morpheme in _tokenizer().tokenize(text):
        segments += _aligned(morpheme.surface(), morpheme.reading_form())
    return tuple(segments)


def proper(text: str) -> list[Segment]:
    """A name, an address or a place taken from the data (桜ヶ丘小学校, 本町町内会): each run
    of kanji words read as one (group ruby), so that no reading longer than its word pushes
    the word's parts apart; only the data's own spaces stay between its parts."""
    return list(_proper(text))


@lru_cache(maxsize=4096)
def _proper(text: str) -> tuple[Segment, ...]:
    merged: list[Segment] = []
    for segment in _read(text):
        if segment.reading and merged and merged[-1].reading:
            last = merged.pop()
            segment = Segment(last.base + segment.base, last.reading + segment.reading)
        merged.append(segment)
    return tuple(merged)


def named(name: str, kana: str) -> list[Segment]:
    """A person's name read as the registry spells it: part by part where name and kana have
    as many parts (山田/やまだ, 花子/はなこ), whole otherwise; without kana, a name from the
    data read by the dictionary (`proper`)."""
    if not kana.strip():
        return proper(name)
    parts, readings = name.split(), kana.split()
    if len(parts) != len(readings):
        parts, readings = ["".join(parts)], ["".join(readings)]
    segments: list[Segment] = []
    for index, (part, reading) in enumerate(zip(parts, readings, strict=True)):
        if index:
            segments.append(Segment(" "))
        segments += _matched(part, hiragana(reading)) or [Segment(part, hiragana(reading))]
    return segments


def _aligned(surface: str, reading: str) -> list[Segment]:
    if not KANJI.search(surface):
        return [Segment(surface)]
    if READABLE.fullmatch(surface) is None:
        # Digits or marks among the kanji: read each kanji run on its own.
        segments: list[Segment] = []
        position = 0
        for run in READABLE.finditer(surface):
            if run.start() > position:
                segments.append(Segment(surface[position : run.start()]))
            segments += furigana(run.group()) if run.group() != surface else [Segment(surface)]
            position = run.end()
        if position < len(surface):
            segments.append(Segment(surface[position:]))
        return segments
    reading = hiragana(reading)
    if KANJI.search(reading) or not KANA.search(reading):
        return [Segment(surface)]  # a word the dictionary could not read: better bare than wrong
    return _matched(surface, reading) or [Segment(surface, reading)]


# Kana that stand for themselves in a reading, so that a word's reading is split at them:
# hiragana and katakana, but not ヵ and ヶ (counters and place names, read か, が or け).
_KANA_RUN = "\u3041-\u3096\u30a1-\u30f4\u30f7-\u30fa\u30fc"


def _matched(surface: str, reading: str) -> list[Segment] | None:
    """Kanji runs given the part of the reading between the kana around them (始め/はじめ →
    始/はじ, め), so that ruby stands over kanji only; None when they do not line up."""
    # ヵ and ヶ are read as kanji (桜ヶ丘 さくらがおか): the reading runs over them.
    runs = re.findall(rf"[^{_KANA_RUN}]+|[{_KANA_RUN}]+", surface)
    if len(runs) == 1 and KANJI.search(surface):
        return [Segment(surface, reading)]
    pattern = "".join(
        "(.+?)" if KANJI.search(run) else f"({re.escape(hiragana(run))})" for run in runs
    )
    found = re.fullmatch(pattern, reading)
    if found is None:
        return None
    return [
        Segment(run, read) if KANJI.search(run) else Segment(run)
        for run, read in zip(runs, found.groups(), strict=True)
    ]
