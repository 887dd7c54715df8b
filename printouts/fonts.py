"""Fonts for printouts: IPAex Gothic, embedded as a subset so that the Japanese text can be
read back exactly (by families' screen readers, and by the tests)."""

from functools import cache
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "IPAexGothic"
SEARCHED = (
    Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
    Path("/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf"),
    Path("/usr/local/share/fonts/ipaexg.ttf"),
)


class FontMissing(RuntimeError):
    pass


@cache
def register_fonts() -> str:
    """Register IPAex Gothic with ReportLab once; return its name."""
    configured = getattr(settings, "PRINTOUT_FONT", "")
    candidates = [Path(configured)] if configured else list(SEARCHED)
    for path in candidates:
        if path.is_file():
            pdfmetrics.registerFont(TTFont(FONT, str(path)))
            return FONT
    raise FontMissing(
        "IPAex Gothic (ipaexg.ttf) was not found; install it with "
        "'apt-get install fonts-ipaexfont' (scripts/dev.sh setup does) or set "
        "SASAEAI_PRINTOUT_FONT to the file. Looked in: " + ", ".join(str(p) for p in candidates)
    )
