"""Every label Sasaeai creates has its Japanese translation."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from registry.models.choices import HazardKind

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def test_it_translates_every_message_into_japanese():
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, flags=re.MULTILINE)

    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []
    assert "#, fuzzy" not in text


def test_it_uses_the_official_names_of_the_eight_hazards():
    with translation.override("ja"):
        labels = [str(label) for label in HazardKind.labels]

    assert labels == [
        "洪水",
        "崖崩れ、土石流及び地滑り",
        "高潮",
        "地震",
        "津波",
        "大規模な火事",
        "内水氾濫",
        "火山現象",
    ]
