"""Print a city's plans to files: one bundle per neighbourhood, or one person's plan and card."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import translation

from printouts.bundle import render_bundle
from printouts.card import render_family_card
from printouts.plan_pdf import render_plan
from printouts.sheets import PlanSheet, bundle_people, plan_sheet, plan_sheets
from registry.audit import audit_record
from registry.models import AuditAction, Neighbourhood, Person

Progress = Callable[[str], None]


def _write(path: Path, data: bytes) -> None:
    # Written beside the target and renamed: never half a PDF where a whole one is expected.
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def print_person(
    person: Person, out: Path, *, lang: str, copy_for: str, user: Any = None
) -> list[Path]:
    with translation.override(lang):
        sheet = plan_sheet(person)
    plan, card = out / f"plan-{person.external_id}.pdf", out / f"card-{person.external_id}.pdf"
    _write(plan, render_plan(sheet, lang))
    _write(card, render_family_card(sheet, lang))
    audit_record(
        action=AuditAction.PRINT, model=Person, object_ids=[person.pk], user=user,
        detail={"lang": lang},
    )  # fmt: skip
    return [plan, card]


def neighbourhood_sheets(
    area: Neighbourhood, *, copy_for: str, lang: str, user: Any = None
) -> tuple[list[Person], list[PlanSheet]]:
    """The people of a neighbourhood a copy shows (for a user, only those the user may see)
    and their sheets: what the command and the pages print alike."""
    scope = Person.objects.all() if user is None else Person.objects.visible_to(user)
    people = list(bundle_people(scope.filter(neighbourhood=area), copy_for))
    with translation.override(lang):
        return people, plan_sheets(people)


def print_neighbourhoods(
    neighbourhoods: list[Neighbourhood],
    out: Path,
    *,
    lang: str,
    copy_for: str,
    progress: Progress | None = None,
    user: Any = None,
) -> list[Path]:
    """One bundle per neighbourhood; for a user, only the people that user may see."""
    say = progress or (lambda message: None)
    written = []
    for number, area in enumerate(neighbourhoods, start=1):
        people, sheets = neighbourhood_sheets(area, copy_for=copy_for, lang=lang, user=user)
        path = out / f"bundle-{area.code}-{copy_for}-{lang}.pdf"
        _write(path, render_bundle(
            neighbourhood=area.name, association=area.association, sheets=sheets,
            copy_for=copy_for, lang=lang,
        ))  # fmt: skip
        written.append(path)
        audit_record(
            action=AuditAction.PRINT, model=Person, object_ids=[p.pk for p in people], user=user,
            detail={"neighbourhood": area.code, "copy_for": copy_for, "lang": lang},
        )  # fmt: skip
        say(f"{number}/{len(neighbourhoods)} {area.code}: {len(sheets)} people")
    return written
