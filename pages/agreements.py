"""Reads for the agreement and version sections: where each person–supporter pair of a
person's draft plan stands, the person's current issued version with what changed, the pairs
of a neighbourhood still to ask or waiting for an answer, and the reviews overdue.

Supporters the user may not see (registry.access) are carried without their record: a page
says that someone from another neighbourhood helps, never who."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone

from planner.models import PairState, PlanVersion, SupportAgreement
from planner.plans import Content, open_pairs, plan_contents
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
    supporter_pk: int = 0


@dataclass(frozen=True)
class AskingLists:
    to_ask: list[AskRow]
    pending: list[AskRow]
    # The whole lists' sizes, and whether the lists above were cut to their first people.
    to_ask_total: int = 0
    pending_total: int = 0
    more: bool = False

    @property
    def people(self) -> list[int]:
        return sorted({row.person.pk for row in self.to_ask + self.pending})


def _first_people(rows: list[AskRow], count: int | None) -> list[AskRow]:
    if count is None:
        return rows
    first = set(list(dict.fromkeys(row.person.pk for row in rows))[:count])
    return [row for row in rows if row.person.pk in first]


def neighbourhood_asking(
    user: Any,
    area: Neighbourhood,
    people: list[Person] | None = None,
    first: int | None = None,
) -> AskingLists:
    """Pairs of the current plans of the neighbourhood's people the user may see: those still
    to ask (proposed), and those asked whose answer is pending (the longest waiting first
    within each person), in the roster's address order; with `first`, each list cut to its
    first people (a page shows those and links to the rest). `people` may give the people, in
    that order, when the caller has them already (the neighbourhood page's roster)."""
    if people is None:
        area_people = Person.objects.active().filter(neighbourhood=area)
        # The lists name and order people only: the rest of a record stays in the database.
        people = by_address(
            list(persons_visible_to(user, area_people).only("pk", "name", "address", "external_id"))
        )
    pairs = open_pairs([person.pk for person in people])
    asked: dict[int, list[SupportAgreement]] = defaultdict(list)
    for agreement in SupportAgreement.objects.filter(
        person__in=people, state=PairState.ASKED
    ).order_by("asked_at", "pk"):
        asked[agreement.person_id].append(agreement)
    to_ask: list[AskRow] = []
    waiting: list[AskRow] = []
    for person in people:
        found = pairs.get(person.pk, [])
        to_ask += [
            AskRow(person, None, slots, supporter_pk=supporter)
            for supporter, state, slots in found
            if state == PairState.PROPOSED
        ]
        slots_of = {supporter: slots for supporter, _state, slots in found}
        waiting += [
            AskRow(person, None, slots_of.get(a.supporter_id, []), a, a.supporter_id)
            for a in asked.get(person.pk, [])
        ]
    shown_ask, shown_waiting = _first_people(to_ask, first), _first_people(waiting, first)
    # Supporters are read for the rows shown only, and only those the user may see.
    within = Supporter.objects.filter(
        pk__in={row.supporter_pk for row in shown_ask + shown_waiting}
    ).only("pk", "name")
    visible = {s.pk: s for s in supporters_visible_to(user, within)}
    return AskingLists(
        [replace(row, supporter=visible.get(row.supporter_pk)) for row in shown_ask],
        [replace(row, supporter=visible.get(row.supporter_pk)) for row in shown_waiting],
        to_ask_total=len(to_ask),
        pending_total=len(waiting),
        more=len(shown_ask) < len(to_ask) or len(shown_waiting) < len(waiting),
    )


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
