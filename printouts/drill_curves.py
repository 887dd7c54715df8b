"""A neighbourhood's cumulative curves of people reached and people arrived during a drill, drawn
with matplotlib (the Agg backend: no display) in the printouts' Japanese font, as PNG bytes for
the report PDF and the report page."""

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything draws: the server has no display

from django.conf import settings
from django.utils.translation import gettext as _
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

from drills.report import Curve
from printouts.fonts import SEARCHED, FontMissing

REACHED_COLOUR = "#1f5fa8"
ARRIVED_COLOUR = "#2e8540"
DPI = 170
# 170 mm × 62 mm: the width of the report's text, two plots and their headings to a page.
SIZE_IN = (170 / 25.4, 62 / 25.4)


@cache
def _font() -> FontProperties:
    """The same IPAex Gothic file the PDFs embed, so that Japanese labels render."""
    configured = getattr(settings, "PRINTOUT_FONT", "")
    candidates = [Path(configured)] if configured else list(SEARCHED)
    for path in candidates:
        if path.is_file():
            return FontProperties(fname=str(path))
    raise FontMissing("IPAex Gothic (ipaexg.ttf) was not found for the drill report's plots")


def _xy(steps: list[tuple[int, int]]) -> tuple[list[float], list[int]]:
    return [second / 60 for second, _count in steps], [count for _second, count in steps]


def curve_png(curve: Curve, length_s: int) -> bytes:
    """The two step curves against minutes from the start, with the number of people in the
    neighbourhood's drill as a dashed line (the height both curves aim for)."""
    font = _font()
    figure = Figure(figsize=SIZE_IN, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for steps, colour, label in (
        (curve.reached, REACHED_COLOUR, _("People reached")),
        (curve.arrived, ARRIVED_COLOUR, _("People arrived at a shelter")),
    ):
        x, y = _xy(steps)
        axes.step(x, y, where="post", color=colour, linewidth=2, label=label)
    axes.axhline(curve.people, color="#777777", linestyle="--", linewidth=1,
                 label=_("People in the drill"))  # fmt: skip
    axes.set_xlim(0, max(length_s / 60, 1))
    axes.set_ylim(0, max(curve.people, 1) * 1.08)
    axes.set_xlabel(_("Minutes from the start"), fontproperties=font, fontsize=10)
    axes.set_ylabel(_("Number of people"), fontproperties=font, fontsize=10)
    axes.grid(True, color="#dddddd", linewidth=0.6)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    for tick in (*axes.get_xticklabels(), *axes.get_yticklabels()):
        tick.set_fontproperties(font)
    # Beside the plot, where no curve runs under it.
    axes.legend(prop=_legend_font(), loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    figure.tight_layout(pad=0.4)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _legend_font() -> FontProperties:
    font = _font().copy()
    font.set_size(9)
    return font
