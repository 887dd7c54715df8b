"""Issued plans: a numbered version per person (v1, v2 …), frozen when issued, issued again
only when the plan changed, with a review due a year (PLAN_REVIEW_MONTHS) after the issue;
and what changed between two versions, item by item."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from planner.models import PlanVersion
from planner.plans import Content, pairs_of, plan_contents, same_plan
from registry.audit import audit_record
from registry.models import AuditAction, Person
from registry.models.people import SHAREABLE_CONSENT


def issuer_name(user: Any) -> str:
    """Who a plan names as its author: the user's full name when the city has recorded one
    (family name first, as Japanese names are written), else the office that issues plans
    (PRINTOUT_ISSUER) — never a login name."""
    if user is None or not user.is_authenticated:
        return str(settings.PRINTOUT_ISSUER)
    full = f"{user.last_name} {user.first_name}".strip()
    return full or str(settings.PRINTOUT_ISSUER)


def current_versions(ids: Iterable[int]) -> dict[int, PlanVersion]:
    """Each person's latest issued version, by person pk (those with none are absent)."""
    latest: dict[int, PlanVersion] = {}
    for version in PlanVersion.objects.filter(person_id__in=list(ids)).order_by(
        "person_id", "-number"
    ):
        latest.setdefault(version.person_id, version)
    return latest


def previous_versions(versions: Iterable[PlanVersion]) -> dict[int, PlanVersion]:
    """The version before each given one, by person pk (v1 has none)."""
    wanted = [(v.person_id, v.number - 1) for v in versions if v.number > 1]
    if not wanted:
        return {}
    found = PlanVersion.objects.filter(
        person_id__in=[person for person, _ in wanted], number__in={n for _, n in wanted}
    )
    return {v.person_id: v for v in found if (v.person_id, v.number) in set(wanted)}


def review_due(issued: dt.date) -> dt.date:
    months = settings.PLAN_REVIEW_MONTHS
    year, month = divmod(issued.month - 1 + months, 12)
    day = min(issued.day, 28) if issued.month == 2 and issued.day == 29 else issued.day
    try:
        return issued.replace(year=issued.year + year, month=month + 1, day=day)
    except ValueError:  # the 31st of a month without one: the month's last day
        following = dt.date(issued.year + year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
        return following - dt.timedelta(days=1)


def overdue_reviews(people: QuerySet[Person], today: dt.date | None = None) -> QuerySet[Person]:
    """Active people whose current issued plan is past its review date, the longest overdue
    first, each annotated with `review_due`."""
    today = today or timezone.localdate()
    latest = PlanVersion.objects.filter(person=OuterRef("pk")).order_by("-number")
    active: QuerySet[Person] = people.active()  # type: ignore[attr-defined]
    return (
        active.annotate(review_due=Subquery(latest.values("review_due")[:1]))
        .filter(review_due__lt=today)
        .order_by("review_due", "external_id")
    )


@dataclass(frozen=True)
class Issued:
    issued: int  # new versions written
    unchanged: int  # people whose plan is the same as their current version
    without_consent: int  # people who get a list entry, not a plan


def issuable(people: QuerySet[Person]) -> QuerySet[Person]:
    """Who gets an issued plan: active people whose consent lets the plan be shared."""
    active: QuerySet[Person] = people.active()  # type: ignore[attr-defined]
    return active.filter(consent__in=SHAREABLE_CONSENT)


@transaction.atomic
def issue_plans(people: QuerySet[Person], *, user: Any = None, performed_by: str = "") -> Issued:
    """Freeze a new version for every person whose plan differs from their current version
    (or who has none), in one transaction: all of them or none."""
    chosen = list(issuable(people).order_by("pk"))
    without_consent = people.active().count() - len(chosen)  # type: ignore[attr-defined]
    contents = plan_contents(chosen)
    current = current_versions(contents)
    now = timezone.now()
    issuer = performed_by or issuer_name(user)
    new = [
        PlanVersion(
            person=person,
            number=(current[person.pk].number + 1) if person.pk in current else 1,
            issued_at=now,
            issued_by=user if user is not None and user.is_authenticated else None,
            issuer=issuer,
            review_due=review_due(timezone.localdate(now)),
            content=contents[person.pk],
        )
        for person in chosen
        if person.pk not in current
        or not same_plan(current[person.pk].content, contents[person.pk])
    ]
    PlanVersion.objects.bulk_create(new)
    if new:
        audit_record(
            action=AuditAction.CREATE, model=PlanVersion,
            object_ids=[version.pk for version in new if version.pk], user=user,
            detail={"versions": len(new)},
        )  # fmt: skip
    return Issued(len(new), len(chosen) - len(new), without_consent)


@dataclass(frozen=True)
class Change:
    """One item that differs between two versions; `what` says which, the values are keys and
    external ids that the reader's page or paper puts in words."""

    what: str  # "supporter_added", "supporter_gone", "supporter_state", "destination", "needs"
    slot: str = ""  # TimeSlot keys joined by ";"
    hazard: str = ""
    supporter: str = ""
    before: str = ""
    after: str = ""


def changes(old: Content | None, new: Content) -> list[Change]:
    """What changed from `old` to `new`, item by item, in a stable order."""
    if old is None:
        return []
    found: list[Change] = []
    before, after = pairs_of(old), pairs_of(new)
    for supporter in sorted(set(before) | set(after)):
        was, now = before.get(supporter), after.get(supporter)
        was_slots, now_slots = was.slots if was else [], now.slots if now else []
        if added := [slot for slot in now_slots if slot not in was_slots]:
            found.append(Change("supporter_added", slot=";".join(added), supporter=supporter))
        if gone := [slot for slot in was_slots if slot not in now_slots]:
            found.append(Change("supporter_gone", slot=";".join(gone), supporter=supporter))
        both = [slot for slot in now_slots if slot in was_slots]
        if was and now and both and was.state != now.state:
            found.append(Change("supporter_state", slot=";".join(both), supporter=supporter,
                                before=was.state, after=now.state))  # fmt: skip
    for hazard in sorted(set(old["hazards"]) | set(new["hazards"])):
        old_entry, new_entry = old["hazards"].get(hazard), new["hazards"].get(hazard)
        was_at = (old_entry["shelter"] if old_entry else None) or ""
        now_at = (new_entry["shelter"] if new_entry else None) or ""
        if was_at != now_at:
            found.append(Change("destination", hazard=hazard, before=was_at, after=now_at))
    old_needs: dict[str, Any] = dict(old["needs"])
    for key, value in new["needs"].items():
        if old_needs.get(key) != value:
            found.append(Change("needs", before=key, after=key))
    return found


def changes_by_person(versions: Sequence[PlanVersion]) -> dict[int, list[Change]]:
    before = previous_versions(versions)
    found = {}
    for version in versions:
        old = before.get(version.person_id)
        found[version.person_id] = changes(old.content if old else None, version.content)
    return found
