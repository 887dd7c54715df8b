"""Links to people's pages for lists of thousands: the URL resolver is asked once, not once a
row (resolving a URL costs more than writing the rest of a row)."""

from collections.abc import Callable
from html import escape

from django.urls import reverse

# An id no person has, for finding where the resolver writes the id; the last place it occurs
# is taken, so that digits in a script prefix cannot be mistaken for it.
_MARK = 987654321987


def person_url_maker(*, for_html: bool = False) -> Callable[[int], str]:
    """A function from a person's pk to `reverse("person", args=[pk])`, exactly; escaped for
    an HTML attribute when `for_html` (only the prefix can hold characters to escape)."""
    head, tail = reverse("person", args=[_MARK]).rsplit(str(_MARK), 1)
    if for_html:
        head, tail = escape(head), escape(tail)
    return lambda pk: f"{head}{int(pk)}{tail}"
