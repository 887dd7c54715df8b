"""Japanese addresses reduced to one spelling, so that what a city's resident system exports
and what MLIT's 位置参照情報 publishes compare as equal strings.

`normalise` is the one spelling of any address text:
- Unicode NFKC: full-width digits and Latin letters become ASCII, half-width katakana become
  full-width; kanji and kana are kept. Latin letters are upper-cased ("ａ棟" and "A棟").
- Spaces of every width are removed; a leading postal code ("〒257-0035") is dropped.
- Every hyphen and dash becomes "-"; the long vowel mark ー does so only between digits
  ("3ー12"), since elsewhere it belongs to a katakana word.
- ヶ, ケ, ヵ, カ, が and ガ between two kanji become ケ (霞が関, 霞ヶ関 and 霞ケ関 are one
  name), and ノ between two kanji becomes の (一ノ瀬 and 一の瀬). Both are different ways
  of writing the same sound, and no city has two towns told apart by them alone. 之 is a kanji
  of its own and is left alone, except as a separator between numbers.
- Kanji numerals become Arabic where they are numbers of the address, never inside a name:
  before 丁目, 番地, 番, 号, 地割, 条, 線, a hyphen or a の that leads to another number, and
  after 丁目, 番地, 番, 号 or a hyphen at the end of the text ("三丁目十二番地五"). 一番町 and
  二番丁 stay names; 三軒茶屋, 八王子 and 九段 are untouched. "一〇五" is 105, "二十三" is 23,
  "千二百三十四" is 1234.
- The separators after a number become hyphens: "12番5号", "12番地5", "12番地の5", "12の5"
  and "12-5" are all "12-5"; a last 番, 番地 or 号 is dropped ("12番" is "12"). 号室, 号棟 and
  号館 are the building's, and stay. 丁目 stays: it is part of the town name as published;
  "3丁12" is read as "3丁目12".

`town_key` and `block_key` are the forms the reference is indexed by; `parse` cuts an address
into prefecture, city, town and numbers without the reference (the matcher, which knows the
towns, cuts more reliably: registry.addresses.matching).

大字: "大字" is dropped wherever it appears in a town name, and a leading "字" too, on both
sides. Residents and systems write it or not at will ("大字本郷", "本郷"; "菖蒲町大字菖蒲",
"菖蒲町菖蒲"), and it never tells two places apart.
"""

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)  # fmt: skip

_KANJI = "\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = "\u3041-\u3096\u30a1-\u30fa\u30fc"
# A character of a Japanese name: where a town key is followed by one, the name goes on.
NAME_CHARACTER = re.compile(f"[{_KANJI}{_KANA}]")
_NUMERAL_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_NUMERAL_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = "〇○零一二三四五六七八九十百千万"

# Dashes that are never anything but a hyphen in an address (NFKC has already turned the
# full-width "－" and the small "﹣" into "-").
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−─━", "-"))
# Variant kanji that NFKC leaves alone but that name the same place.
_VARIANTS = str.maketrans({"﨑": "崎", "髙": "高", "德": "徳", "塚": "塚"})

_SPACE = re.compile(r"\s+")
_POSTAL_CODE = re.compile(r"^〒?[0-9]{3}-[0-9]{4}")
_LONG_VOWEL_AS_HYPHEN = re.compile(rf"(?<=[0-9{_NUMERAL}])ー(?=[0-9{_NUMERAL}])")
_KE = re.compile(rf"(?<=[{_KANJI}])[ヶケヵカがガ](?=[{_KANJI}])")
_NO = re.compile(rf"(?<=[{_KANJI}])ノ(?=[{_KANJI}])")

# The markers that make a number of the numbers before them.
_BLOCK_MARK = r"(?:番地|番(?![町丁])|号(?![室棟館]))"
_NUMBER_BEFORE = (
    rf"(?=丁目|丁(?=[0-9{_NUMERAL}-]|$)|{_BLOCK_MARK}|地割|条|線|-"
    rf"|[のノ之](?:[0-9]|[{_NUMERAL}]+(?:{_BLOCK_MARK}|$)))"
)
_NUMERAL_BEFORE_MARK = re.compile(rf"[{_NUMERAL}]+{_NUMBER_BEFORE}")
_NUMERAL_AFTER_MARK = re.compile(
    rf"(?:(?<=丁目)|(?<=番地)|(?<=番)|(?<=号)|(?<=-)|(?<=[0-9番地][のノ之]))"
    rf"[{_NUMERAL}]+(?![{_KANJI}{_KANA}])"
)
_CHOME_SHORT = re.compile(r"(?<=[0-9])丁(?=[0-9-]|$)")
_CHOME_HYPHEN = re.compile(r"丁目-+")
_SEPARATOR = re.compile(rf"(?<=[0-9])(?:{_BLOCK_MARK}[のノ之-]?|[のノ之])(?=[0-9])")
_MARK_LAST = re.compile(rf"(?<=[0-9]){_BLOCK_MARK}$")
_MARK_BEFORE_TEXT = re.compile(rf"(?<=[0-9]){_BLOCK_MARK}-?")
_HYPHENS = re.compile(r"-{2,}")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")
_OAZA = re.compile(r"大字")
_DIGITS = re.compile(r"[0-9]+")
# A number followed by one of these belongs to the town's name (本町3丁目, 北1条西2丁目,
# 第1地割, 一番町 stays kanji), not to the block.
_TOWN_NUMBER_SUFFIX = ("丁目", "条", "線", "地割", "番町", "番丁")


def kanji_number(numeral: str) -> int:
    """The value of a kanji numeral: positional ("一〇五" is 105) when it has no 十, 百, 千
    or 万, else additive ("二十三" is 23, "千二百三十四" is 1234, "十" is 10)."""
    if not any(unit in numeral for unit in "十百千万"):
        return int("".join(str(_NUMERAL_DIGITS[char]) for char in numeral))
    total = section = digit = 0
    for char in numeral:
        if char in _NUMERAL_DIGITS:
            digit = _NUMERAL_DIGITS[char]
        elif char == "万":
            total += (section + digit or 1) * 10_000
            section = digit = 0
        else:
            section += (digit or 1) * _NUMERAL_UNITS[char]
            digit = 0
    return total + section + digit


def _arabic(match: re.Match[str]) -> str:
    return str(kanji_number(match.group()))


def _normalise_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).upper().translate(_VARIANTS).translate(_DASHES)
    text = _SPACE.sub("", text)
    text = _POSTAL_CODE.sub("", text)
    text = _LONG_VOWEL_AS_HYPHEN.sub("-", text)
    text = _KE.sub("ケ", text)
    text = _NO.sub("の", text)
    text = _NUMERAL_BEFORE_MARK.sub(_arabic, text)
    text = _NUMERAL_AFTER_MARK.sub(_arabic, text)
    text = _CHOME_SHORT.sub("丁目", text)
    text = _CHOME_HYPHEN.sub("丁目", text)
    text = _SEPARATOR.sub("-", text)
    text = _MARK_LAST.sub("", text)
    text = _MARK_BEFORE_TEXT.sub("-", text)
    text = _HYPHENS.sub("-", text)
    text = _LEADING_ZEROS.sub("", text)
    return text.strip("-")


def normalise(text: str) -> str:
    """The one spelling of an address text (module docstring). Idempotent: each rewrite can
    uncover another (a numeral made Arabic makes its 番 a separator), so the rewrites are
    applied until nothing changes, which takes one more pass at most in practice."""
    result = _normalise_once(text)
    for _ in range(3):
        again = _normalise_once(result)
        if again == result:
            break
        result = again
    return result


def town_key(name: str) -> str:
    """The key of a 大字・丁目名 or 大字町丁目名: "本町三丁目" → "本町3丁目",
    "大字本郷" → "本郷", "霞ヶ関" → "霞ケ関"."""
    return _town_key_of_normalised(normalise(name))


def _town_key_of_normalised(text: str) -> str:
    text = _OAZA.sub("", text)
    return text.removeprefix("字")


def block_key(text: str) -> str:
    """The key of a 街区符号・地番: its first number ("１２", "十二", "12番" → "12"; a 地番
    "1234-5" or "1234番地の5" → "1234", the 本番 that the block level publishes). Empty when
    the text holds no number."""
    text = text.strip()
    if text and all(char in _NUMERAL for char in text):
        return str(kanji_number(text))
    found = _DIGITS.search(normalise(text))
    return found.group().lstrip("0") or "0" if found else ""


@dataclass(frozen=True)
class Parsed:
    """An address cut into its parts. `prefecture` and `city` are the names as given in the
    lists passed to `parse` (None when the address does not start with one); `town_key` is
    empty when the address starts with its numbers; `block_key` is empty without a number;
    `rest` is what follows the block, normalised (号, building, room)."""

    prefecture: str | None
    city: str | None
    town_key: str
    block_key: str
    rest: str


class NameIndex:
    """Names (prefectures or cities) found at the start of a normalised address: the longest
    one wins. A city in a 郡 is also found without it ("杉戸町" for "北葛飾郡杉戸町"), unless
    that shorter name belongs to two cities."""

    def __init__(self, names: Collection[str]) -> None:
        by_key: dict[str, str] = {}
        aliases: dict[str, set[str]] = {}
        for name in names:
            key = normalise(name)
            by_key[key] = name
            gun, separator, town = key.partition("郡")
            # Only towns and villages are in a 郡; 大和郡山市 has no 郡 to drop.
            if separator and gun and town.endswith(("町", "村")):
                aliases.setdefault(town, set()).add(name)
        for alias, owners in aliases.items():
            if len(owners) == 1 and alias not in by_key:
                by_key[alias] = next(iter(owners))
        self._by_key = by_key
        self._lengths = sorted({len(key) for key in by_key}, reverse=True)

    def __contains__(self, name: object) -> bool:
        return name in self._by_key.values()

    def split(self, text: str) -> tuple[str | None, str]:
        """The name at the start of `text` and what follows, or (None, text)."""
        for length in self._lengths:
            name = self._by_key.get(text[:length])
            if name is not None and length <= len(text):
                return name, text[length:]
        return None, text


def strip_town_prefix(text: str) -> str:
    """The part of an address after its city, read as a town name starts: without 大字 and
    without a leading 字."""
    return _town_key_of_normalised(text)


def split_town(text: str) -> tuple[str, str, str]:
    """Town, block and rest of a normalised address after its city, without knowing the towns:
    the block is the first number that is not part of the town's name (not followed by 丁目,
    条, 線, 地割, 番町 or 番丁); the rest follows it, without its leading hyphen."""
    for found in _DIGITS.finditer(text):
        if text.startswith(_TOWN_NUMBER_SUFFIX, found.end()):
            continue
        rest = text[found.end() :].removeprefix("-")
        return text[: found.start()], found.group(), rest
    return text, "", ""


def parse(
    address: str,
    prefectures: Collection[str] | NameIndex = PREFECTURES,
    cities: Collection[str] | NameIndex = (),
) -> Parsed:
    """Cut an address into prefecture, city, town key, block key and rest (module docstring).
    The prefecture and the city are optional in the address; "本町3丁目12番5号" parses to
    town "本町3丁目", block "12", rest "5". `prefectures` and `cities` may be given as
    NameIndex, built once, when many addresses are parsed."""
    prefecture_index = prefectures if isinstance(prefectures, NameIndex) else NameIndex(prefectures)
    city_index = cities if isinstance(cities, NameIndex) else NameIndex(cities)
    text = normalise(address)
    prefecture, text = prefecture_index.split(text)
    city, text = city_index.split(text)
    town, block, rest = split_town(strip_town_prefix(text))
    return Parsed(prefecture, city, _town_key_of_normalised(town), block, rest)
