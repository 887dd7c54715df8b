"""Reads for the agreement and version sections: where each person–supporter pair of a
person's draft plan stands, the person's current issued version with what changed, the pairs
of a neighbourhood still to ask or waiting for an answer, and the reviews overdue.

Supporters the user may not see (registry.access) are carried without their record: a page
says that someone from another neighbourhood helps, never who."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from planner.models import PairState, PlanVersion, SupportAgreement
from planner.plans import Content, plan_contents
from planner.versions import changes_by_person, current_versions, overdue_reviews
from printouts.sheets import change_in_words
from registry.access import persons_visible_to, supporters_visible_to
from registry.models import Neighbourhood, Person, Shelter, Supporter
from registry.models.choices import TimeSlot
from registry.ordering import by_address


@dataclass
class PairRow:
    """One supporter of a person, once, whatever the time slots: keys only (the template puts
    them into words)."""

    supporter_pk: int
    supporter: Supporter | None  # None: the user may not see this supporter
    state: str  # a PairState key
    slots: list[str] = field(default_factory=list)  # TimeSlot keys, in TimeSlot's order
    roles: list[str] = field(default_factory=list)  # SupportRole keys
    metres: int | None = None
    agreement: SupportAgreement | None = None  # when and how it was asked and answered

    @property
    def in_plan(self) -> bool:
        return bool(self.slots)


@dataclass(frozen=True)
class PersonPairs:
    rows: list[PairRow]  # proposed, asked and agreed pairs: agreed first, then the nearest
    declined: list[PairRow]


def _plan_pairs(content: Content | None) -> dict[str, PairRow]:
    """external id → row from the draft plan's slots (the supporter record filled later)."""
    found: dict[str, PairRow] = {}
    if content is None:
        return found
    for slot in TimeSlot.values:
        for entry in content["slots"].get(slot, []):
            row = found.setdefault(
                entry["supporter"],
                PairRow(0, None, entry["state"], metres=entry["metres"]),
            )
            row.slots.append(slot)
            row.roles += [role for role in entry["roles"] if role not in row.roles]
    return found


STATE_ORDER: list[str] = [PairState.AGREED, PairState.ASKED, PairState.PROPOSED, PairState.DECLINED]


def person_pairs(user: Any, person: Person) -> PersonPairs:
    """Every supporter of the person's draft plan and every recorded agreement of the person,
    each once."""
    planned = _plan_pairs(plan_contents([person]).get(person.pk))
    agreements = list(
        SupportAgreement.objects.filter(person=person).select_related("supporter", "asked_by")
    )
    by_external = {
        s.external_id: s for s in Supporter.objects.filter(external_id__in=list(planned))
    }
    visible = set(
        supporters_visible_to(
            user,
            Supporter.objects.filter(
                pk__in=[s.pk for s in by_external.values()] + [a.supporter_id for a in agreements]
            ),
        ).values_list("pk", flat=True)
    )
    rows: dict[int, PairRow] = {}
    for external, row in planned.items():
        supporter = by_external.get(external)
        if supporter is None:  # removed since the run: nothing to ask
            continue
        row.supporter_pk = supporter.pk
        row.supporter = supporter if supporter.pk in visible else None
        rows[supporter.pk] = row
    for agreement in agreements:
        row = rows.setdefault(
            agreement.supporter_id,
            PairRow(
                agreement.supporter_id,
                agreement.supporter if agreement.supporter_id in visible else None,
                agreement.state,
            ),
        )
        row.state, row.agreement = agreement.state, agreement
    ordered = sorted(
        rows.values(),
        key=lambda r: (STATE_ORDER.index(r.state), r.metres is None, r.metres or 0,
                       r.supporter_pk),
    )  # fmt: skip
    return PersonPairs(
        rows=[row for row in ordered if row.state != PairState.DECLINED],
        declined=[row for row in ordered if row.state == PairState.DECLINED],
    )


@dataclass(frozen=True)
class VersionView:
    current: PlanVersion | None
    changes: list[str]  # in the reader's language
    overdue: bool
    days_overdue: int


def person_version(user: Any, person: Person, today: dt.date | None = None) -> VersionView:
    """The person's current issued version, what changed since the one before, and whether its
    review is overdue."""
    today = today or timezone.localdate()
    current = current_versions([person.pk]).get(person.pk)
    if current is None:
        return VersionView(None, [], False, 0)
    changes = changes_by_person([current]).get(person.pk, [])
    externals = {change.supporter for change in changes if change.supporter}
    supporters = {
        s.external_id: s for s in supporters_visible_to(user).filter(external_id__in=externals)
    }
    places = {c.before for c in changes} | {c.after for c in changes}
    shelters = {s.external_id: s for s in Shelter.objects.filter(external_id__in=places)}
    overdue = current.review_due < today
    return VersionView(
        current=current,
        changes=[change_in_words(change, supporters, shelters) for change in changes],
        overdue=overdue,
        days_overdue=(today - current.review_due).days if overdue else 0,
    )


@dataclass(frozen=True)
class AskRow:
    person: Person
    supporter: Supporter | None  # None: the user may not see this supporter
    slots: list[str]  # TimeSlot keys the pair covers in the draft plan
    agreement: SupportAgreement | None = None  # for pending answers: when and how asked


@dataclass(frozen=True)
class AskingLists:
    to_ask: list[AskRow]
    pending: list[AskRow]

    @property
    def people(self) -> list[int]:
        return sorted({row.person.pk for row in self.to_ask + self.pending})


def neighbourhood_asking(user: Any, area: Neighbourhood) -> AskingLists:
    """Pairs of the draft plans of the neighbourhood's people the user may see: those still to
    ask (proposed), and those asked whose answer is pending, in the roster's address order."""
    people = by_address(
        list(persons_visible_to(user, Person.objects.active().filter(neighbourhood=area)))
    )
    contents = plan_contents(people)
    # Longest waiting first within each person.
    pending: dict[int, list[SupportAgreement]] = defaultdict(list)
    for agreement in (
        SupportAgreement.objects.filter(person__in=people, state=PairState.ASKED)
        .select_related("supporter")
        .order_by("asked_at", "pk")
    ):
        pending[agreement.person_id].append(agreement)
    planned = {pk: _plan_pairs(content) for pk, content in contents.items()}
    externals = {external for pairs in planned.values() for external in pairs}
    visible = {
        s.external_id: s for s in supporters_visible_to(user).filter(external_id__in=externals)
    }
    visible_pks = {s.pk for s in visible.values()}
    visible_pks |= set(
        supporters_visible_to(
            user,
            Supporter.objects.filter(
                pk__in=[a.supporter_id for found in pending.values() for a in found]
            ),
        ).values_list("pk", flat=True)
    )
    to_ask: list[AskRow] = []
    waiting: list[AskRow] = []
    for person in people:
        pairs = planned.get(person.pk, {})
        for external, row in pairs.items():
            if row.state == PairState.PROPOSED:
                to_ask.append(AskRow(person, visible.get(external), row.slots))
        slots_by_pk = {
            visible[external].pk: row.slots
            for external, row in pairs.items()
            if external in visible
        }
        for agreement in pending.get(person.pk, []):
            pk = agreement.supporter_id
            shown = agreement.supporter if pk in visible_pks else None
            waiting.append(AskRow(person, shown, slots_by_pk.get(pk, []), agreement))
    return AskingLists(to_ask, waiting)


@dataclass(frozen=True)
class OverdueRow:
    person: Person
    review_due: dt.date
    days: int


def overdue_rows(user: Any, today: dt.date | None = None) -> list[OverdueRow]:
    """People the user may see whose issued plan is past its review date, longest first."""
    today = today or timezone.localdate()
    people: Iterable[Any] = overdue_reviews(persons_visible_to(user), today).select_related(
        "neighbourhood"
    )
    return [OverdueRow(p, p.review_due, (today - p.review_due).days) for p in people]
