"""Every label Sasaeai creates has its Japanese translation."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

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


def _labels() -> list[object]:
    """Every label the registry and the planner show: model names, field names, help texts
    and choices."""
    labels: list[object] = []
    models = [
        *apps.get_app_config("registry").get_models(),
        *apps.get_app_config("planner").get_models(),
    ]
    for model in models:
        labels += [model._meta.verbose_name, model._meta.verbose_name_plural]
        for field in model._meta.get_fields():
            for attr in ("verbose_name", "help_text"):
                value = getattr(field, attr, "")
                if value and isinstance(value, Promise):
                    labels.append(value)
            base = getattr(field, "base_field", field)
            labels += [label for _, label in getattr(base, "choices", None) or []]
    return labels


def test_it_shows_every_registry_label_in_japanese():
    assert len(_labels()) > 100
    with translation.override("ja"):
        untranslated = [str(label) for label in _labels() if re.fullmatch(r"[ -~]+", str(label))]

    assert untranslated == []
