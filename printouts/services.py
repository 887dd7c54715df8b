"""Print a city's plans to files: one bundle per neighbourhood, or one person's plan and card.
Each copy is for someone (registry.access.Copy): for a user, the user's role decides which; for
the city office (no user), the copy asked for."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import translation

from printouts.bundle import render_bundle
from printouts.card import render_family_card
from printouts.plan_pdf import render_plan
from printouts.sheets import PlanSheet, bundle_people, plan_sheet, plan_sheets
from registry.access import Copy, copy_for_reader, persons_for_copy
from registry.audit import audit_record
from registry.models import AuditAction, Neighbourhood, Person

Progress = Callable[[str], None]


def _write(path: Path, data: bytes) -> None:
    # Written beside the target and renamed: never half a PDF where a whole one is expected.
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def _scenario(hazard: str | None, slot: str | None) -> dict[str, str]:
    return {"hazard": hazard, "slot": slot} if hazard and slot else {}


def print_person(
    person: Person,
    out: Path,
    *,
    lang: str,
    copy_for: str,
    user: Any = None,
    hazard: str | None = None,
    slot: str | None = None,
) -> list[Path]:
    """The person's plan and family card, as the copy for this user (or the one asked for by
    the city office) may show them. Raises printouts.sheets.NotInCopy for a person that the
    copy's reader may not see."""
    copy = copy_for_reader(user, copy_for)
    with translation.override(lang):
        sheet = plan_sheet(person, user=user, copy_for=copy, hazard=hazard, slot=slot)
    plan, card = out / f"plan-{person.external_id}.pdf", out / f"card-{person.external_id}.pdf"
    _write(plan, render_plan(sheet, lang, copy_for=copy))
    _write(card, render_family_card(sheet, lang))
    audit_record(
        action=AuditAction.PRINT, model=Person, object_ids=[person.pk], user=user,
        detail={"lang": lang, "copy_for": copy, **_scenario(hazard, slot)},
    )  # fmt: skip
    return [plan, card]


def neighbourhood_sheets(
    area: Neighbourhood,
    *,
    copy_for: str,
    lang: str,
    user: Any = None,
    hazard: str | None = None,
    slot: str | None = None,
) -> tuple[list[Person], list[PlanSheet]]:
    """The people of a neighbourhood a copy shows (for a user, only those the user may see,
    in the user's own copy) and their sheets: what the command and the pages print alike."""
    copy = copy_for_reader(user, copy_for)
    if copy == Copy.FAMILY:
        raise ValueError("a copy for the person and family holds one person's plan")
    people = list(bundle_people(persons_for_copy(user, copy).filter(neighbourhood=area), copy))
    with translation.override(lang):
        sheets = plan_sheets(people, user=user, copy_for=copy, hazard=hazard, slot=slot)
    return people, sheets


def print_neighbourhoods(
    neighbourhoods: list[Neighbourhood],
    out: Path,
    *,
    lang: str,
    copy_for: str,
    progress: Progress | None = None,
    user: Any = None,
    hazard: str | None = None,
    slot: str | None = None,
) -> list[Path]:
    """One bundle per neighbourhood; for a user, only the people that user may see, in the
    user's own copy."""
    say = progress or (lambda message: None)
    copy = copy_for_reader(user, copy_for)
    written = []
    for number, area in enumerate(neighbourhoods, start=1):
        people, sheets = neighbourhood_sheets(
            area, copy_for=copy, lang=lang, user=user, hazard=hazard, slot=slot
        )
        path = out / f"bundle-{area.code}-{copy}-{lang}.pdf"
        _write(path, render_bundle(
            neighbourhood=area.name, association=area.association, sheets=sheets,
            copy_for=copy, lang=lang,
        ))  # fmt: skip
        written.append(path)
        audit_record(
            action=AuditAction.PRINT, model=Person, object_ids=[p.pk for p in people], user=user,
            detail={"neighbourhood": area.code, "copy_for": copy, "lang": lang,
                    **_scenario(hazard, slot)},
        )  # fmt: skip
        say(f"{number}/{len(neighbourhoods)} {area.code}: {len(sheets)} people")
    return written
