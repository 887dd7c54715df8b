"""Phone numbers as links that dial them and never break across lines (a number split in two
is read as two numbers on a phone's narrow screen)."""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def phone_link(number: str | None) -> SafeString | str:
    """`<a class="tel" href="tel:…">` for a number; an empty value stays empty."""
    if not number:
        return ""
    # A tel: URI holds only what is dialled: digits and a leading plus.
    dialled = re.sub(r"[^0-9+]", "", number)
    return format_html('<a class="tel" href="tel:{}">{}</a>', dialled, number)
