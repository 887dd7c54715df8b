"""A hazard level in words: how deep a flood is expected, which landslide zone."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from registry.models.choices import HazardKind

# The national land data's flood depth ranks (A31a: 1 = under 0.5 m … 6 = 20 m or more).
FLOOD_DEPTHS = {
    1: gettext_noop("under 0.5 m deep"),
    2: gettext_noop("0.5 to 3 m deep"),
    3: gettext_noop("3 to 5 m deep"),
    4: gettext_noop("5 to 10 m deep"),
    5: gettext_noop("10 to 20 m deep"),
    6: gettext_noop("20 m deep or more"),
}
LANDSLIDE_ZONES = {
    1: gettext_noop("warning zone (yellow)"),
    2: gettext_noop("special warning zone (red)"),
}
WATER = {HazardKind.FLOOD, HazardKind.INLAND_FLOOD, HazardKind.STORM_SURGE, HazardKind.TSUNAMI}


def level_in_words(kind: str, level: int | None) -> str:
    """The level of a home's hazard area in the reader's language; "" without one."""
    if level is None:
        return ""
    if kind in WATER and level in FLOOD_DEPTHS:
        return _(FLOOD_DEPTHS[level])
    if kind == HazardKind.LANDSLIDE and level in LANDSLIDE_ZONES:
        return _(LANDSLIDE_ZONES[level])
    return _("level %(level)d") % {"level": level}
