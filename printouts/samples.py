"""Regenerate the sample printouts in docs/samples from the demo town, on a database of their
own (never the demo's):

    .venv/bin/python -m printouts.samples [--out docs/samples]

The demo town is planned for floods on weekday nights and landslides at weekends; in one
neighbourhood about half of the proposed supporters are recorded as having agreed, the plans
are issued, and then printed: a person's plan, the neighbourhood bundle's cover and roster, the
family card in Japanese, easy Japanese and English, a supporter's own sheet, and the
after-action report of the demo drill (drills.demo). Everyone in the demo town is invented."""

import argparse
import io
import os
from pathlib import Path

SAMPLES_DATABASE = "sasaeai_samples"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasaeai.settings")
    os.environ.setdefault("SASAEAI_CITY_PHONE", "0463-00-0000")  # as the demo sets it
    if not os.environ.get("DATABASE_URL"):
        os.environ["SASAEAI_LOCAL_DB_NAME"] = SAMPLES_DATABASE
    import django

    django.setup()
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [SAMPLES_DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{SAMPLES_DATABASE}"')


def _first_pages(pdf: bytes, count: int) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf)).pages[:count]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/samples"))
    parser.add_argument("--neighbourhood", default="N001")
    args = parser.parse_args()
    _django()

    from django.core.management import call_command
    from django.utils import translation

    from planner.agreements import pair_step
    from planner.models import SupporterAssignment
    from printouts.bundle import render_bundle
    from printouts.card import render_family_card
    from printouts.plan_pdf import render_plan
    from printouts.services import neighbourhood_sheets
    from printouts.sheets import plan_sheets
    from registry.models import Neighbourhood, Person, Supporter

    call_command("migrate", verbosity=0)
    call_command("make_demo_town", if_empty=True, stdout=io.StringIO())
    call_command("make_demo_streets", if_empty=True, stdout=io.StringIO())
    for hazard, slot in (("flood", "weekday_night"), ("landslide", "weekend_day")):
        call_command("plan", hazard=hazard, slot=slot, if_none=True, stdout=io.StringIO())
    area = Neighbourhood.objects.get(code=args.neighbourhood)
    # Every other proposed pair of the neighbourhood said yes, at the door.
    pairs = sorted(
        set(
            SupporterAssignment.objects.filter(person__neighbourhood=area).values_list(
                "person_id", "supporter_id"
            )
        )
    )
    for person_id, supporter_id in pairs[::2]:
        person, supporter = Person.objects.get(pk=person_id), Supporter.objects.get(pk=supporter_id)
        if not person.agreements.filter(supporter=supporter).exists():
            pair_step(person=person, supporter=supporter, step="agree", user=None)
    call_command("issue_plans", stdout=io.StringIO())

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    people, sheets = neighbourhood_sheets(area, copy_for="officer", lang="ja")
    bundle = render_bundle(neighbourhood=area.name, association=area.association, sheets=sheets,
                           copy_for="officer", lang="ja")  # fmt: skip
    (out / "bundle-cover-and-roster.pdf").write_bytes(_first_pages(bundle, 4))
    # The sample person: the first with a medical device and an agreed supporter.
    chosen = next(
        (
            s
            for s in sheets
            if s.shareable and s.medical_devices and any(h.agreed for h in s.helpers)
        ),
        next(s for s in sheets if s.shareable),
    )
    person = next(p for p in people if p.external_id == chosen.person_id)
    for lang in ("ja", "en"):
        with translation.override(lang):
            [sheet] = plan_sheets([person], copy_for="family")
        (out / f"plan-{lang}.pdf").write_bytes(render_plan(sheet, lang, copy_for="family"))
        (out / f"card-{lang}.pdf").write_bytes(render_family_card(sheet, lang))
        if lang == "ja":
            (out / "card-easy.pdf").write_bytes(render_family_card(sheet, "easy"))
    helper = next(h for h in chosen.helpers if h.agreed)
    supporter = Supporter.objects.get(external_id=helper.supporter_id)
    call_command("print_plans", out=str(out), supporter=supporter.external_id,
                 stdout=io.StringIO())  # fmt: skip
    (out / f"supporter-{supporter.external_id}.pdf").replace(out / "supporter-sheet.pdf")
    _drill_report(out)
    for path in sorted(out.glob("*.pdf")):
        print(path)


def _drill_report(out: Path) -> None:
    """The after-action report of the demo drill, the officer's copy. An officer of the samples'
    database phones the people without a supporter, as the demo's `demo` login does."""
    import secrets

    from django.core.management import call_command

    from drills.demo import demo_drill
    from printouts.drill_report import render_drill_report
    from registry.management.commands.create_user import user_create_with_role

    user_create_with_role(username="samples-officer", role="officer", neighbourhoods=[],
                          password=secrets.token_urlsafe(16))  # fmt: skip
    call_command("make_demo_drill", if_none=True, stdout=io.StringIO())
    drill = demo_drill()
    assert drill is not None
    (out / "drill-report.pdf").write_bytes(render_drill_report(drill, lang="ja"))


if __name__ == "__main__":
    main()
