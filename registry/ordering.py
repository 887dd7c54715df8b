"""The order people read lists of homes in: by address as one walks the streets."""

import re
import unicodedata
from typing import Protocol

_DIGITS = re.compile(r"(\d+)")
# Kanji numerals where an address counts (三丁目, 十二番): place names such as 一宮 stay text.
_KANJI_COUNT = re.compile(r"([〇一二三四五六七八九十百千]+)(?=丁目|番|号|地割)")
_KANJI_DIGITS = {c: n for n, c in enumerate("〇一二三四五六七八九")}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}


def kanji_number(text: str) -> int:
    """二十三 → 23, 十 → 10, 百五 → 105, 三〇五 → 305: the numerals addresses are written in."""
    total, digits = 0, 0
    for char in text:
        if char in _KANJI_UNITS:
            total += (digits or 1) * _KANJI_UNITS[char]
            digits = 0
        else:
            digits = digits * 10 + _KANJI_DIGITS[char]
    return total + digits


def natural_key(text: str) -> tuple[str | int, ...]:
    """A key that orders text with its runs of digits compared as numbers, full-width ones
    too: 本町1番5号, 本町11番1号, 本町11番13号, 本町19番18号, as one walks the streets, where
    the order of text puts 11番13号 before 11番1号. Kanji numerals of 丁目, 番 and 号 count
    as numbers too (三丁目 before 十丁目)."""
    normal = unicodedata.normalize("NFKC", text)
    normal = _KANJI_COUNT.sub(lambda match: str(kanji_number(match.group(1))), normal)
    parts: list[str | int] = list(_DIGITS.split(normal))
    # split() with a group leaves text at even places and digits at odd ones, so that two
    # keys always compare text with text and numbers with numbers.
    parts[1::2] = map(int, parts[1::2])
    return tuple(parts)


class Addressed(Protocol):
    address: str
    external_id: str


def by_address[T: Addressed](records: list[T]) -> list[T]:
    """Records in the order of a roster: by address, then by record ID, numbers compared as
    numbers in both."""
    return sorted(
        records, key=lambda record: (natural_key(record.address), natural_key(record.external_id))
    )
