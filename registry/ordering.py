"""The order people read lists of homes in: by address as one walks the streets."""

import re
import unicodedata
from typing import Protocol

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[str | int, ...]:
    """A key that orders text with its runs of digits compared as numbers, full-width ones
    too: 本町1番5号, 本町11番1号, 本町11番13号, 本町19番18号, as one walks the streets, where
    the order of text puts 11番13号 before 11番1号."""
    parts = _DIGITS.split(unicodedata.normalize("NFKC", text))
    # split() with a group leaves text at even places and digits at odd ones, so that two
    # keys always compare text with text and numbers with numbers.
    return tuple(int(part) if place % 2 else part for place, part in enumerate(parts))


class Addressed(Protocol):
    address: str
    external_id: str


def by_address[T: Addressed](records: list[T]) -> list[T]:
    """Records in the order of a roster: by address, then by record ID, numbers compared as
    numbers in both."""
    return sorted(
        records, key=lambda record: (natural_key(record.address), natural_key(record.external_id))
    )
