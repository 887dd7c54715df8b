"""Print one neighbourhood's bundle of the city-scale town and print the speed, beside a plain
text page rendered in the same run.

    .venv/bin/python -m bench.print_plans [--neighbourhood N100]

Uses the bench database as bench.plan_city leaves it (the town and a plan run).
"""

import argparse
import io
import time

from bench.setup import django_on_bench_database, machine, peak_rss_mb


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neighbourhood", default="N100")
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
    pdf = render_bundle(
        neighbourhood=area.name, association=area.association, sheets=sheets, copy_for="officer"
    )
    rendered = time.perf_counter()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    baseline = plain_pages(pages)
    per_person = (rendered - started) / max(len(people), 1)

    print(f"print a neighbourhood bundle ({machine()})")
    print(
        f"  {args.neighbourhood}: {len(people):,} people, {pages:,} pages, {len(pdf) / 1e6:.1f} MB"
    )
    print(f"  gather the plans     {gathered - started:6.1f} s")
    render = rendered - gathered
    print(f"  render the PDF       {render:6.1f} s   {pages / render:6.1f} pages/s")
    print(f"  per person           {per_person * 1000:6.0f} ms   peak RSS {peak_rss_mb():,.0f} MB")
    rate = pages / baseline
    print(f"  baseline: {pages:,} plain text pages {baseline:5.2f} s   {rate:6.1f} pages/s")
    city = Person.objects.active().count()
    minutes = city * per_person / 60
    print(f"  a city of {city:,} active people at this pace: {minutes:,.0f} min on one core")


if __name__ == "__main__":
    main()
