"""The neighbourhood page's roster and gaps, written in Python: a city neighbourhood lists
thousands of people, and the template engine's cost per row (variable look-ups, filters, the
URL tag, lazy-aware escaping) was most of the page's time. The rows are the ones the template
wrote, byte for byte, escaped the same way (Django's `escape` is `html.escape` of the text)."""

from collections.abc import Callable, Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from pages.links import person_url_maker
from pages.selectors import RosterRow
from pages.templatetags.words import reason_words, status_words

register = template.Library()


def _escaped_words(words: Callable[[str], str]) -> Callable[[str], str]:
    """A key's words, escaped, put into the current language once per list, not once a row."""
    seen: dict[str, str] = {}

    def lookup(key: str) -> str:
        if key not in seen:
            seen[key] = escape(words(key))
        return seen[key]

    return lookup


def _status_tag(key: str, words: Callable[[str], str]) -> str:
    return f'<span class="tag status-{escape(key)}">{words(key)}</span>'


@register.simple_tag
def roster_rows(rows: Iterable[RosterRow], query: str) -> SafeString:
    """The roster's table rows: name and address linking to the person's page in the scenario
    of `query`, the status in words, the supporters nearest first (— for none)."""
    person_url = person_url_maker(for_html=True)
    words = _escaped_words(status_words)
    comma = escape(pgettext("list separator", ", "))
    query = escape(query)
    written = []
    for row in rows:
        person = row.person
        status = _status_tag(row.status, words) if row.status else "—"
        supporters = comma.join(escape(name) for name in row.supporters) or "—"
        # Laid out as the template's loop laid the rows out, so that the page reads the same.
        written.append(
            f'\n        <tr><td><a href="{person_url(person.pk)}?{query}">'
            f"{escape(person.name)}</a><br><small>{escape(person.address)}</small></td>"
            f"\n            <td>{status}</td><td>{supporters}</td></tr>\n      "
        )
    return mark_safe("".join(written))  # every value escaped above


@register.simple_tag
def gap_items(rows: Iterable[RosterRow], query: str) -> SafeString:
    """The gaps list's items: each person not fully covered, with what is missing."""
    person_url = person_url_maker(for_html=True)
    words = _escaped_words(status_words)
    reason = _escaped_words(lambda key: reason_words([key])[0])
    comma = escape(pgettext("list separator", ", "))
    query = escape(query)
    written = []
    for row in rows:
        person = row.person
        reasons = " " + comma.join(reason(key) for key in row.reasons) if row.reasons else ""
        written.append(
            f'<li><a href="{person_url(person.pk)}?{query}">{escape(person.name)}</a>'
            f"\n    {_status_tag(row.status, words)}{reasons}</li>\n  "
        )
    return mark_safe("".join(written))  # every value escaped above
