"""Print one neighbourhood's bundle of the city-scale town and print the speed, beside a plain
text page rendered in the same run.

    .venv/bin/python -m bench.print_plans [--neighbourhood N100] [--top 12]

Uses the bench database as bench.plan_city leaves it (the town and a plan run). The bundle is
rendered once, timed, in a fresh process (nothing of an earlier bundle to reuse); then once
more under cProfile, apart from the timed run (cProfile slows what it watches), and the
profile's top lines by own time are printed.
"""

import argparse
import cProfile
import io
import pstats
import time
from collections.abc import Callable

from bench.setup import django_on_bench_database, load_average, machine, peak_rss_mb

# The targets of the officer bundle: pages a second on one core, and the share of bare
# ReportLab's pace (the plain text pages of the same run).
TARGET_PAGES_PER_S = 250
TARGET_SHARE_OF_BASELINE = 0.25
# The same bundle (N100, 811-812 pages) before paragraphs and styles were shared: 5.8 s.
BEFORE_PAGES_PER_S = 140


def plain_pages(count: int) -> float:
    """Seconds for `count` pages of plain Japanese text, the floor for any printout."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from printouts.fonts import register_fonts

    font = register_fonts()
    started = time.perf_counter()
    pdf = canvas.Canvas(io.BytesIO(), pagesize=A4)
    for n in range(count):
        pdf.setFont(font, 12)
        for line in range(40):
            pdf.drawString(60, 780 - 18 * line, f"個別避難計画 {n} 行 {line} 支えあい市本町一丁目")
        pdf.showPage()
    pdf.save()
    return time.perf_counter() - started


def profiled(render: Callable[[], bytes], top: int) -> str:
    """One more rendering under cProfile: its top functions by own time."""
    # CPU time, not wall time: other work on the machine would show as time in whatever ran.
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    render()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(top)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    return "\n".join("    " + line for line in lines[start:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neighbourhood", default="N100")
    parser.add_argument("--top", type=int, default=12, help="profile lines to print (0: none)")
    args = parser.parse_args()
    django_on_bench_database()

    from django.utils import translation
    from pypdf import PdfReader

    from printouts.bundle import render_bundle
    from printouts.sheets import bundle_people, plan_sheets
    from registry.models import Neighbourhood, Person

    area = Neighbourhood.objects.get(code=args.neighbourhood)
    people = list(bundle_people(Person.objects.filter(neighbourhood=area), "officer"))
    started = time.perf_counter()
    with translation.override("ja"):
        sheets = plan_sheets(people)
    gathered = time.perf_counter()

    def render() -> bytes:
        return render_bundle(
            neighbourhood=area.name, association=area.association, sheets=sheets,
            copy_for="officer",
        )  # fmt: skip

    cpu = time.process_time()
    pdf = render()
    rendered = time.perf_counter()
    cpu = time.process_time() - cpu
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    baseline = plain_pages(pages)
    per_person = (rendered - started) / max(len(people), 1)

    print(f"print a neighbourhood bundle ({machine()})")
    print(
        f"  {args.neighbourhood}: {len(people):,} people, {pages:,} pages, {len(pdf) / 1e6:.1f} MB"
    )
    print(f"  gather the plans     {gathered - started:6.1f} s")
    seconds = rendered - gathered
    speed = pages / seconds
    print(f"  render the PDF       {seconds:6.1f} s   {speed:6.1f} pages/s   (CPU {cpu:.1f} s)")
    print(f"  per person           {per_person * 1000:6.0f} ms   peak RSS {peak_rss_mb():,.0f} MB")
    rate = pages / baseline
    print(f"  baseline: {pages:,} plain text pages {baseline:5.2f} s   {rate:6.1f} pages/s")
    share = speed / rate
    print(
        f"  targets: >= {TARGET_PAGES_PER_S} pages/s "
        f"({'met' if speed >= TARGET_PAGES_PER_S else 'not met'}), "
        f">= {TARGET_SHARE_OF_BASELINE:.0%} of the baseline: {share:.0%} "
        f"({'met' if share >= TARGET_SHARE_OF_BASELINE else 'not met'}); "
        f"before: {BEFORE_PAGES_PER_S} pages/s"
    )
    one, five = load_average()
    print(f"  load average {one:.2f} (1 min) {five:.2f} (5 min)")
    city = Person.objects.active().count()
    minutes = city * per_person / 60
    print(f"  a city of {city:,} active people at this pace: {minutes:,.0f} min on one core")
    if args.top:
        print(f"  profile of another rendering, top {args.top} by own time:")
        with translation.override("ja"):
            print(profiled(render, args.top))


if __name__ == "__main__":
    main()
