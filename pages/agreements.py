"""Reads for the agreement and version sections: where each person–supporter pair of a
person's draft plan stands, the person's current issued version with what changed, the pairs
of a neighbourhood still to ask or waiting for an answer, and the reviews overdue.

Who is shown: a supporter in the current plan of a person the user may see (a pair of the
person's plan, or an agreement recorded for the person) is named to that user on the person's
page and in the neighbourhood's asking lists, whatever neighbourhood the supporter lives in,
so that an association can ask everyone its people's plans rely on. A supporter's phone shows
once the pair agreed, or to an officer: a candidate's contacts stay with the city, as on
paper. Supporters in no plan of a visible person stay hidden (registry.access)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from pages.selectors import ListedPerson, ids_in
from planner.models import (
    Asking,
    PairState,
    PlanVersion,
    SupportAgreement,
    SupporterAssignment,
)
from planner.plans import Content, open_pairs, pairs_of, plan_contents, same_plan
from planner.versions import changes_by_person, overdue_reviews
from printouts.sheets import change_in_words
from registry.access import (
    ROLE_ORDER,
    Role,
    persons_visible_to,
    role_of,
    supporters_visible_to,
)
from registry.admin_privacy import ROLE_LABELS
from registry.models import Neighbourhood, Person, Shelter, Supporter
from registry.ordering import by_address


def asker_words(user: Any) -> str:
    """Who recorded a step, as a page names them: the user's full name (family name first),
    else their role in words — never the login name. "" for a step recorded by a command."""
    if user is None:
        return ""
    full = f"{user.last_name} {user.first_name}".strip()
    if full:
        return full
    # The role the user had, read from the groups (a user since deactivated keeps it here).
    groups = {group.name for group in user.groups.all()}
    role = Role.OFFICER if user.is_superuser else next(
        (role for role in ROLE_ORDER if role in groups), None
    )  # fmt: skip
    return str(ROLE_LABELS[role]) if role is not None else _("a former user")


def _askers(askings: Iterable[Asking | None]) -> dict[int, str]:
    """user pk → words, for the users who asked (`asked_by` read with its groups)."""
    return {
        asking.asked_by_id: asker_words(asking.asked_by)
        for asking in askings
        if asking is not None and asking.asked_by_id is not None
    }


def shows_phone(officer: bool, state: str) -> bool:
    """A supporter's phone: once the pair agreed, or to an officer (a candidate's contacts
    stay with the city, as on paper)."""
    return state == PairState.AGREED or officer


@dataclass
class PairRow:
    """One supporter of a person, once, whatever the time slots: keys only (the template puts
    them into words)."""

    supporter_pk: int
    supporter: Supporter | None  # None: removed from the register since the run
    state: str  # a PairState key
    slots: list[str] = field(default_factory=list)  # TimeSlot keys, in TimeSlot's order
    roles: list[str] = field(default_factory=list)  # SupportRole keys
    metres: int | None = None
    agreement: SupportAgreement | None = None  # when and how it was asked and answered
    in_scope: bool = True  # the supporter lives in one of the user's neighbourhoods
    phone: str = ""  # shown only once agreed, or to an officer
    asked_by: str = ""  # who asked, in words

    @property
    def in_plan(self) -> bool:
        return bool(self.slots)


@dataclass(frozen=True)
class PersonPairs:
    rows: list[PairRow]  # proposed, asked and agreed pairs: agreed first, then the nearest
    declined: list[PairRow]


def _plan_pairs(content: Content | None) -> dict[str, PairRow]:
    """external id → row from the draft plan's slots (the supporter record filled later)."""
    if content is None:
        return {}
    return {
        supporter: PairRow(0, None, pair.state, list(pair.slots), list(pair.roles), pair.metres)
        for supporter, pair in pairs_of(content).items()
    }


STATE_ORDER: list[str] = [PairState.AGREED, PairState.ASKED, PairState.PROPOSED, PairState.DECLINED]


def draft_plan(person: Person) -> Content | None:
    """The person's plan as an issue would freeze it now (None: never planned)."""
    return plan_contents([person]).get(person.pk)


def person_pairs(user: Any, person: Person, draft: Content | None) -> PersonPairs:
    """Every supporter of the person's draft plan and every recorded agreement of the person,
    each once. The caller has checked that the user may see the person: every supporter of
    these pairs is then named."""
    planned = _plan_pairs(draft)
    agreements = list(
        SupportAgreement.objects.filter(person=person).select_related("supporter", "asked_by")
        .prefetch_related("asked_by__groups")
    )  # fmt: skip
    by_external = {
        s.external_id: s for s in Supporter.objects.filter(external_id__in=list(planned))
    }
    in_scope = set(
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
        row.supporter_pk, row.supporter = supporter.pk, supporter
        rows[supporter.pk] = row
    for agreement in agreements:
        row = rows.setdefault(
            agreement.supporter_id,
            PairRow(agreement.supporter_id, agreement.supporter, agreement.state),
        )
        row.state, row.agreement = agreement.state, agreement
    askers = _askers(agreements)
    officer = role_of(user) == Role.OFFICER
    for row in rows.values():
        row.in_scope = row.supporter_pk in in_scope
        if row.supporter is not None and shows_phone(officer, row.state):
            row.phone = row.supporter.phone
        if row.agreement is not None and row.agreement.asked_by_id is not None:
            row.asked_by = askers[row.agreement.asked_by_id]
    ordered = sorted(
        rows.values(),
        key=lambda r: (STATE_ORDER.index(r.state), r.metres is None, r.metres or 0,
                       r.supporter_pk),
    )  # fmt: skip
    return PersonPairs(
        rows=[row for row in ordered if row.state != PairState.DECLINED],
        declined=[row for row in ordered if row.state == PairState.DECLINED],
    )


def pair_supporter(person: Person, pk: int) -> Supporter | None:
    """The supporter of one of the person's pairs: in the person's draft plan or with an
    agreement recorded for the person. Any other supporter is no pair of this person, whoever
    asks: a form cannot name an arbitrary supporter."""
    supporter = Supporter.objects.filter(pk=pk).first()
    if supporter is None:
        return None
    if SupportAgreement.objects.filter(person=person, supporter=supporter).exists():
        return supporter
    draft = draft_plan(person)
    entries = [entry for found in draft["slots"].values() for entry in found] if draft else []
    return supporter if any(e["supporter"] == supporter.external_id for e in entries) else None


@dataclass(frozen=True)
class PlanHelper:
    """A supporter of the chosen scenario's run, as the current-plan table shows them."""

    assignment: SupporterAssignment
    name: str  # "": the user may not see this supporter (in no plan of theirs, out of scope)
    phone: str  # shown only once agreed, or to an officer
    state: str  # a PairState key


def plan_helpers(
    user: Any, assignments: Iterable[SupporterAssignment], pairs: PersonPairs
) -> list[PlanHelper]:
    """The run's supporters of the person by the same rule as the pairs: named when in the
    person's current plan or agreements, or in the user's neighbourhoods."""
    assignments = list(assignments)
    known = {row.supporter_pk: row.state for row in pairs.rows + pairs.declined}
    within = Supporter.objects.filter(pk__in=[a.supporter_id for a in assignments])
    in_scope = set(supporters_visible_to(user, within).values_list("pk", flat=True))
    officer = role_of(user) == Role.OFFICER
    helpers = []
    for assignment in assignments:
        state = known.get(assignment.supporter_id, PairState.PROPOSED)
        named = assignment.supporter_id in known or assignment.supporter_id in in_scope
        helpers.append(
            PlanHelper(
                assignment,
                name=assignment.supporter.name if named else "",
                phone=assignment.supporter.phone if named and shows_phone(officer, state) else "",
                state=state,
            )
        )
    return helpers


@dataclass(frozen=True)
class VersionView:
    current: PlanVersion | None
    changes: list[str]  # in the reader's language
    overdue: bool
    days_overdue: int
    # The draft plan differs from the current version: an issue would make `next_number`.
    draft_differs: bool = False
    next_number: int = 1
    earlier: list[PlanVersion] = field(default_factory=list)  # the versions before, newest first
    asked_by: str = ""  # who asked the family, in words


def person_version(
    user: Any,
    person: Person,
    draft: Content | None,
    named: Iterable[int] = (),
    today: dt.date | None = None,
) -> VersionView:
    """The person's current issued version, what changed since the one before, whether its
    review is overdue, whether the draft plan has changed since, and the versions before it.
    Supporters are named when the user may see them or they are among `named` (pks of the
    person's pairs)."""
    today = today or timezone.localdate()
    versions = list(
        PlanVersion.objects.filter(person=person)
        .select_related("asked_by")
        .prefetch_related("asked_by__groups")
        .order_by("-number")
    )
    if not versions:
        return VersionView(None, [], False, 0)
    current = versions[0]
    changes = changes_by_person([current]).get(person.pk, [])
    externals = {change.supporter for change in changes if change.supporter}
    known = Supporter.objects.filter(external_id__in=externals)
    shown = set(supporters_visible_to(user, known).values_list("pk", flat=True)) | set(named)
    supporters = {s.external_id: s for s in known if s.pk in shown}
    places = {c.before for c in changes} | {c.after for c in changes}
    shelters = {s.external_id: s for s in Shelter.objects.filter(external_id__in=places)}
    overdue = current.review_due < today
    return VersionView(
        current=current,
        changes=[change_in_words(change, supporters, shelters) for change in changes],
        overdue=overdue,
        days_overdue=(today - current.review_due).days if overdue else 0,
        draft_differs=draft is not None and not same_plan(current.content, draft),
        next_number=current.number + 1,
        earlier=versions[1:],
        asked_by=asker_words(current.asked_by),
    )


@dataclass(frozen=True)
class AskRow:
    person: Person | ListedPerson
    supporter: Supporter | None  # filled for the rows shown (every pair of a visible person)
    slots: list[str]  # TimeSlot keys the pair covers in the draft plan
    agreement: SupportAgreement | None = None  # for pending answers: when and how asked
    supporter_pk: int = 0
    in_scope: bool = True  # the supporter lives in one of the user's neighbourhoods
    asked_by: str = ""  # who asked, in words


@dataclass(frozen=True)
class AskingLists:
    to_ask: list[AskRow]
    pending: list[AskRow]
    # The whole lists' sizes in pairs and in people, and whether the lists above were cut to
    # their first people.
    to_ask_total: int = 0
    pending_total: int = 0
    more: bool = False
    to_ask_people: int = 0
    pending_people: int = 0

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
    people: Sequence[Person | ListedPerson] | None = None,
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
    ids = [person.pk for person in people]
    pairs = open_pairs(ids)
    asked: dict[int, list[SupportAgreement]] = defaultdict(list)
    for agreement in (
        SupportAgreement.objects.filter(person_id__in=ids_in(ids), state=PairState.ASKED)
        .select_related("asked_by")
        .prefetch_related("asked_by__groups")
        .order_by("asked_at", "pk")
    ):
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
    # Supporters are read for the rows shown only: each is in the plan of a person the user
    # sees, so named whatever their neighbourhood.
    within = Supporter.objects.filter(
        pk__in={row.supporter_pk for row in shown_ask + shown_waiting}
    ).only("pk", "name")
    named = {s.pk: s for s in within}
    in_scope = set(supporters_visible_to(user, within).values_list("pk", flat=True))
    askers = _askers(row.agreement for row in shown_waiting)

    def filled(row: AskRow) -> AskRow:
        asker = row.agreement.asked_by_id if row.agreement else None
        return replace(
            row, supporter=named.get(row.supporter_pk), in_scope=row.supporter_pk in in_scope,
            asked_by=askers.get(asker, "") if asker is not None else "",
        )  # fmt: skip

    return AskingLists(
        [filled(row) for row in shown_ask],
        [filled(row) for row in shown_waiting],
        to_ask_total=len(to_ask),
        pending_total=len(waiting),
        more=len(shown_ask) < len(to_ask) or len(shown_waiting) < len(waiting),
        to_ask_people=len({row.person.pk for row in to_ask}),
        pending_people=len({row.person.pk for row in waiting}),
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
