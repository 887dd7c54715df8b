"""Who may help whom and which shelter suits whom (planning.md 1-5): each rule written once,
as a table that gives both the SQL fragment the candidate search runs and the Python predicate
the diagnosis uses. What a person needs comes from registry.needs; which rows are in play
(planned people, supporters available in a slot, shelters safe for a hazard) from the
registry's named querysets, turned into SQL here so that no filter is typed again."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from planner.refusals import Refusal
from registry import needs
from registry.models import Person, Shelter, Supporter
from registry.models.choices import ShelterKind

_NAME = re.compile(r"^[a-z_]+$")


class SupporterLike(Protocol):
    person_id: int | None
    can_push_wheelchair: bool
    can_carry: bool
    has_car: bool


@dataclass(frozen=True)
class CapabilityRule:
    """A person's need and the supporter fields of which any one meets it."""

    fields: tuple[str, ...]
    refusal: str


CAPABILITY_RULES: Mapping[str, CapabilityRule] = {
    needs.PUSH_WHEELCHAIR: CapabilityRule(
        ("can_push_wheelchair",), Refusal(gettext_noop("the supporter cannot push a wheelchair"))
    ),
    needs.CARRY: CapabilityRule(
        ("can_carry", "has_car"),
        Refusal(gettext_noop("the supporter can neither carry the person nor drive")),
    ),
}
# Every supporter field some need asks for: the columns the candidate search reads.
CAPABILITY_FIELDS: tuple[str, ...] = tuple(
    sorted({field for rule in CAPABILITY_RULES.values() for field in rule.fields})
)
SELF_REFUSAL = Refusal(gettext_noop("the supporter is the person themselves"))


@dataclass(frozen=True)
class ShelterRule:
    """A person's need (`need`, a column of the planner's person table) and the shelter's
    matching property (`offer`, a column of its shelter table). `exact`: the shelter is for
    exactly the people who need it (a welfare shelter takes only them); otherwise a shelter
    with the property suits everyone and one without it suits only those who do not need it."""

    need: str
    offer: str
    exact: bool
    missing: str  # the person needs it, the shelter lacks it
    unneeded: str = ""  # exact rules: the shelter has it, the person does not need it


SHELTER_RULES: tuple[ShelterRule, ...] = (
    ShelterRule(
        "welfare",
        "welfare",
        exact=True,
        missing=Refusal(gettext_noop("the person now needs a welfare shelter")),
        unneeded=Refusal(gettext_noop("the person no longer needs a welfare shelter")),
    ),
    ShelterRule(
        "barrier_free",
        "barrier_free",
        exact=False,
        missing=Refusal(gettext_noop("the shelter is not barrier-free")),
    ),
)
WELFARE_KIND = ShelterKind.WELFARE_SHELTER


def _names(*names: str) -> None:
    for name in names:
        if not _NAME.match(name):
            raise ValueError(f"not a plain SQL name: {name!r}")


# Supporters ----------------------------------------------------------------------------------


def supporter_capable_sql(person: str, supporter: str) -> str:
    """SQL: the supporter (alias) can do what the person (alias, with a `capability`
    column) needs."""
    terms = [f"{person}.capability IS NULL"]
    for need, rule in CAPABILITY_RULES.items():
        _names(need, *rule.fields)
        any_field = " OR ".join(f"{supporter}.{field}" for field in rule.fields)
        terms.append(f"({person}.capability = '{need}' AND ({any_field}))")
    return "(" + " OR ".join(terms) + ")"


def supporter_capable(capability: str | None, supporter: SupporterLike) -> bool:
    if capability is None:
        return True
    return any(getattr(supporter, field) for field in CAPABILITY_RULES[capability].fields)


def not_self_sql(person: str, supporter: str) -> str:
    """SQL: the supporter (alias, with `person_id`) is not the person (alias, with `id`)."""
    return f"({supporter}.person_id IS NULL OR {supporter}.person_id <> {person}.id)"


def supporter_refusal(
    *, capability: str | None, supporter: SupporterLike, person_id: int, distance: int, reach: int
) -> str | None:
    """Why the rules do not let this supporter help this person, or None when they do."""
    if distance > reach:
        return Refusal(
            gettext_noop("the supporter lives %(distance)s m away, beyond %(reach)s m"),
            distance=distance,
            reach=reach,
        )
    if not supporter_capable(capability, supporter):
        assert capability is not None
        return CAPABILITY_RULES[capability].refusal
    if supporter.person_id == person_id:
        return SELF_REFUSAL
    return None


@dataclass(frozen=True)
class SupporterPairs:
    """The supporter rules over arrays, for the candidate search in memory: what a person
    needs against what each supporter offers (the same table as the SQL above), nobody
    their own supporter, and no pair the person has declined."""

    person_ids: npt.NDArray[np.int64]  # per person index: pk
    capability: list[str | None]  # per person index
    supporter_person_ids: npt.NDArray[np.int64]  # per supporter index: the person's pk, or 0
    offers: Mapping[str, npt.NDArray[np.bool_]]  # per capability field, per supporter index
    rejected: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]  # (person, supporter) indexes

    @cached_property
    def _need(self) -> npt.NDArray[np.int8]:
        """Per person index: 0 for no particular need, else k for the k-th rule's need."""
        needs_list = [None, *CAPABILITY_RULES]
        return np.array([needs_list.index(c) for c in self.capability], dtype=np.int8)

    @cached_property
    def _meets(self) -> npt.NDArray[np.bool_]:
        """Row k: which supporters meet need k (row 0: no particular need, everyone)."""
        meets = np.ones((len(CAPABILITY_RULES) + 1, len(self.supporter_person_ids)), dtype=bool)
        for k, rule in enumerate(CAPABILITY_RULES.values(), start=1):
            meets[k] = np.logical_or.reduce([self.offers[field] for field in rule.fields])
        return meets

    def allowed(
        self, person: npt.NDArray[np.int64], supporter: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.bool_]:
        """Of these pairs, those the rules allow (called once per block of people: what
        depends on the people and supporters alone is worked out once)."""
        ok = self._meets[self._need[person], supporter]
        ok &= self.supporter_person_ids[supporter] != self.person_ids[person]
        declined_person, declined_supporter = self.rejected
        if len(declined_person):
            width = len(self.supporter_person_ids)
            ok &= ~np.isin(person * width + supporter, declined_person * width + declined_supporter)
        return ok


def supporters_open(slot: str, away: Iterable[int]) -> QuerySet[Supporter]:
    """Supporters a run may ask: available in the slot (active ones only) and not away."""
    return Supporter.objects.available_in(slot).exclude(pk__in=list(away))


def supporters_active() -> QuerySet[Supporter]:
    return Supporter.objects.active()


# Shelters ------------------------------------------------------------------------------------


def shelter_suits_sql(person: str, shelter: str) -> str:
    """SQL: the shelter (alias, with the rules' `offer` columns) suits the person (alias,
    with the rules' `need` columns)."""
    terms = []
    for rule in SHELTER_RULES:
        _names(rule.need, rule.offer)
        if rule.exact:
            terms.append(f"{shelter}.{rule.offer} = {person}.{rule.need}")
        else:
            terms.append(f"({shelter}.{rule.offer} OR NOT {person}.{rule.need})")
    return " AND ".join(terms)


def shelter_suits_array(
    need: Mapping[str, npt.NDArray[np.bool_]], offer: Mapping[str, npt.NDArray[np.bool_]]
) -> npt.NDArray[np.bool_]:
    """People × shelters: the shelter suits the person, by the same rules as
    `shelter_suits_sql` (needs and offers as arrays named by the rules)."""
    people = len(need[SHELTER_RULES[0].need])
    shelters = len(offer[SHELTER_RULES[0].offer])
    suits = np.ones((people, shelters), dtype=bool)
    for rule in SHELTER_RULES:
        wanted = np.asarray(need[rule.need], dtype=bool)[:, np.newaxis]
        offered = np.asarray(offer[rule.offer], dtype=bool)[np.newaxis, :]
        suits &= (offered == wanted) if rule.exact else (offered | ~wanted)
    return suits


def shelter_refusal(need: Mapping[str, bool], offer: Mapping[str, bool]) -> str | None:
    """Why the shelter (its rules' properties) does not suit the person (their needs)."""
    for rule in SHELTER_RULES:
        wanted, offered = bool(need[rule.need]), bool(offer[rule.offer])
        if wanted and not offered:
            return rule.missing
        if rule.exact and offered and not wanted:
            return rule.unneeded
    return None


def shelter_offer(shelter: Shelter) -> dict[str, bool]:
    """A shelter's properties by the rules' `offer` names, as its table row has them."""
    return {"welfare": shelter.kind == WELFARE_KIND, "barrier_free": shelter.barrier_free}


def shelters_open(hazard: str, closed: Iterable[int]) -> QuerySet[Shelter]:
    """Shelters a run may send people to: safe for the hazard and not closed."""
    return Shelter.objects.safe_for(hazard).exclude(pk__in=list(closed))


def shelters_designated(hazard: str, ids: Iterable[int]) -> set[int]:
    """Of the given shelters, those designated for the hazard."""
    return set(
        Shelter.objects.designated_for(hazard).filter(pk__in=list(ids)).values_list("pk", flat=True)
    )


# People --------------------------------------------------------------------------------------


def people_in_scope(neighbourhood_id: int | None) -> QuerySet[Person]:
    """The people a run is about: active ones, in the neighbourhood if one is given. Each
    carries `shareable`: whether the run plans them (consented or covered by ordinance) or
    only counts them as without consent."""
    people = Person.objects.active().with_shareable()
    return people if neighbourhood_id is None else people.filter(neighbourhood_id=neighbourhood_id)


def ids_sql(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """A named queryset as SQL selecting its primary keys, to use as `id IN (...)`."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return sql, tuple(params)
