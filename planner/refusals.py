"""Why the rules refuse a pair, as a sentence that reads in the reader's language.

A `Refusal` is its English sentence (what the command line, `plan --json` and the stored
record have always read) that also carries its message and values, so that a page or a
printout says the same thing in Japanese. Pure: no database, no active language needed."""

from django.utils.translation import gettext


class Refusal(str):
    message: str
    values: dict[str, int]

    def __new__(cls, message: str, **values: int) -> "Refusal":
        text = super().__new__(cls, message % values if values else message)
        text.message = message
        text.values = values
        return text


def in_words(message: str, values: dict[str, int] | None = None) -> str:
    """The sentence in the active language (an unknown message reads as it was stored)."""
    translated = gettext(message)
    return translated % values if values else translated
