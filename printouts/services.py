"""Print a city's plans to files: one bundle per neighbourhood, or one person's plan and card.
Each copy is for someone (registry.access.Copy): for a user, the user's role decides which; for
the city office (no user), the copy asked for."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import translation

from planner.models import PairState, SupportAgreement
from planner.versions import current_versions
from printouts.bundle import render_bundle
from printouts.card import card_language, render_family_card
from printouts.plan_pdf import render_plan
from printouts.sheets import PlanSheet, bundle_people, plan_sheet, plan_sheets
from printouts.supporter_sheet import supporter_sheet_pdf
from registry.access import Copy, copy_for_reader, persons_for_copy
from registry.audit import audit_record
from registry.models import AuditAction, Neighbourhood, Person, Supporter
from registry.models.choices import PersonStatus
from registry.models.people import SHAREABLE_CONSENT

Progress = Callable[[str], None]


def _write(path: Path, data: bytes) -> None:
    # Written beside the target and renamed: never half a PDF where a whole one is expected.
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def paper_language(lang: str) -> str:
    """The language of plans and bundles: the family card alone exists in easy Japanese
    (やさしい日本語); a plan asked for in it is printed in Japanese."""
    return "ja" if lang == "easy" else lang


def issued_only(people: list[Person]) -> tuple[list[Person], int]:
    """Those with an issued plan, and how many have none (skipped, and counted)."""
    issued = set(current_versions(person.pk for person in people))
    kept = [person for person in people if person.pk in issued]
    return kept, len(people) - len(kept)


def print_person(
    person: Person,
    out: Path,
    *,
    lang: str,
    copy_for: str,
    user: Any = None,
    draft: bool = False,
) -> list[Path]:
    """The person's plan and family card, as the copy for this user (or the one asked for by
    the city office) may show them: the current issued plan, or with `draft` what an issue
    would freeze. Raises printouts.sheets.NotInCopy for a person that the copy's reader may
    not see. `lang` "easy" prints the card in easy Japanese and the plan in Japanese."""
    copy = copy_for_reader(user, copy_for)
    with translation.override(paper_language(lang)):
        sheet = plan_sheet(person, user=user, copy_for=copy, draft=draft)
    plan, card = out / f"plan-{person.external_id}.pdf", out / f"card-{person.external_id}.pdf"
    _write(plan, render_plan(sheet, paper_language(lang), copy_for=copy))
    # A Japanese card is written in easy Japanese for people whose needs call for it.
    _write(card, render_family_card(sheet, card_language(sheet, lang)))
    audit_record(
        action=AuditAction.PRINT, model=Person, object_ids=[person.pk], user=user,
        detail={"lang": lang, "copy_for": copy, "document": "draft" if draft else "issued"},
    )  # fmt: skip
    return [plan, card]


def print_supporter(
    supporter: Supporter,
    out: Path,
    *,
    lang: str,
    user: Any = None,
    draft: bool = False,
) -> tuple[Path, int]:
    """The supporter's own sheet: the people they agreed to help, from their issued plans
    (with `draft`, from the drafts), as the association's copy for this user may show them.
    Returns the file and how many of those people were skipped for having no issued plan."""
    copy = copy_for_reader(user, Copy.ASSOCIATION)
    agreed = SupportAgreement.objects.filter(supporter=supporter, state=PairState.AGREED)
    people = list(
        persons_for_copy(user, copy).filter(
            status=PersonStatus.ACTIVE, pk__in=agreed.values("person")
        )
    )
    skipped = 0
    if not draft:
        issued, skipped = issued_only(people)
        people = issued
    lang = paper_language(lang)
    with translation.override(lang):
        sheets = plan_sheets(people, user=user, copy_for=copy, draft=draft)
    path = out / f"supporter-{supporter.external_id}.pdf"
    _write(path, supporter_sheet_pdf(supporter, sheets, lang))
    audit_record(
        action=AuditAction.PRINT, model=Person, object_ids=[p.pk for p in people], user=user,
        detail={"document": "supporter", "supporter": supporter.pk, "copy_for": copy,
                "lang": lang},
    )  # fmt: skip
    return path, skipped


def neighbourhood_sheets(
    area: Neighbourhood,
    *,
    copy_for: str,
    lang: str,
    user: Any = None,
    draft: bool = False,
) -> tuple[list[Person], list[PlanSheet]]:
    """The people of a neighbourhood a copy shows (for a user, only those the user may see,
    in the user's own copy) and their sheets: what the command and the pages print alike."""
    people = _neighbourhood_people(area, copy_for, user)
    return people, _sheets(people, copy_for=copy_for, lang=lang, user=user, draft=draft)


def _sheets(
    people: list[Person], *, copy_for: str, lang: str, user: Any, draft: bool
) -> list[PlanSheet]:
    with translation.override(paper_language(lang)):
        return plan_sheets(people, user=user, copy_for=copy_for_reader(user, copy_for),
                           draft=draft)  # fmt: skip


def _neighbourhood_people(area: Neighbourhood, copy_for: str, user: Any) -> list[Person]:
    copy = copy_for_reader(user, copy_for)
    if copy == Copy.FAMILY:
        raise ValueError("a copy for the person and family holds one person's plan")
    return list(bundle_people(persons_for_copy(user, copy).filter(neighbourhood=area), copy))


def _with_plan_or_entry(people: list[Person]) -> list[Person]:
    """Those with an issued plan, and those without consent (whose list entries the officer's
    copy holds)."""
    with_plan = {person.pk for person in issued_only(people)[0]}
    return [p for p in people if p.pk in with_plan or p.consent not in SHAREABLE_CONSENT]


@dataclass(frozen=True)
class Bundle:
    """A neighbourhood's bundle as printed: the PDF, who is in it, and how many were left out
    for having no issued plan."""

    area: Neighbourhood
    pdf: bytes
    people: list[int]
    without: int
    file_name: str


def neighbourhood_bundle(
    area: Neighbourhood, *, copy: str, lang: str, user: Any = None, draft: bool = False
) -> Bundle:
    """One neighbourhood's bundle for a copy already checked against its reader
    (`copy_for_reader`) and a paper language (`paper_language`). Writes no audit entry: the
    caller does, once the bundle is kept."""
    everyone = _neighbourhood_people(area, copy, user)
    people = everyone if draft else _with_plan_or_entry(everyone)
    sheets = _sheets(people, copy_for=copy, lang=lang, user=user, draft=draft)
    pdf = render_bundle(
        neighbourhood=area.name, association=area.association, sheets=sheets, copy_for=copy,
        lang=lang,
    )  # fmt: skip
    name = f"bundle-{area.code}-{copy}-{lang}{'-draft' if draft else ''}.pdf"
    return Bundle(area, pdf, [p.pk for p in people], len(everyone) - len(people), name)


def audit_bundle(bundle: Bundle, *, copy: str, lang: str, user: Any, draft: bool) -> None:
    audit_record(
        action=AuditAction.PRINT, model=Person, object_ids=bundle.people, user=user,
        detail={"neighbourhood": bundle.area.code, "copy_for": copy, "lang": lang,
                "document": "draft" if draft else "issued"},
    )  # fmt: skip


def print_neighbourhoods(
    neighbourhoods: list[Neighbourhood],
    out: Path,
    *,
    lang: str,
    copy_for: str,
    progress: Progress | None = None,
    user: Any = None,
    draft: bool = False,
) -> tuple[list[Path], int]:
    """One bundle per neighbourhood of the issued plans (with `draft`, of the drafts); for a
    user, only the people that user may see, in the user's own copy. Returns the files and
    how many people were skipped for having no issued plan."""
    say = progress or (lambda message: None)
    copy = copy_for_reader(user, copy_for)
    lang = paper_language(lang)
    written, skipped = [], 0
    for number, area in enumerate(neighbourhoods, start=1):
        bundle = neighbourhood_bundle(area, copy=copy, lang=lang, user=user, draft=draft)
        skipped += bundle.without
        path = out / bundle.file_name
        _write(path, bundle.pdf)
        written.append(path)
        audit_bundle(bundle, copy=copy, lang=lang, user=user, draft=draft)
        note = f", {bundle.without} without an issued plan skipped" if bundle.without else ""
        say(f"{number}/{len(neighbourhoods)} {area.code}: {len(bundle.people)} people{note}")
    return written, skipped
