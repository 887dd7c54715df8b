"""Which confirmed assignments a new run keeps, and why the others are dropped (planning.md,
"Stability"): pure, indices in and decisions out, so that the order of the checks is tested
without a database.

A confirmed assignment is kept unless, in this order: the person is no longer planned (no
consent); the rules no longer allow the pair (the caller says why: a supporter away, a shelter
closed, beyond reach ...); the target has no room left for it; or the person already has all
the places they need from assignments kept before it. Kept assignments take their room first,
before the optimiser fills the rest.
"""

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_noop

from planner.matching import UNLIMITED, IntArray
from planner.refusals import Refusal

NO_CONSENT = Refusal(gettext_noop("the person no longer consents to sharing"))


@dataclass(frozen=True)
class Claim:
    """A confirmed assignment, by index: the person (-1 when the run no longer plans them),
    the target (-1 when it is not open in the scenario), and why the rules refuse the pair
    (None when they allow it)."""

    person: int
    target: int
    refusal: str | None = None


@dataclass(frozen=True)
class Carried:
    kept: list[int]  # indices of the claims kept, in order
    dropped: list[tuple[int, str]]  # (claim index, reason): no-consent ones first
    capacity: IntArray  # room left per target after the kept ones
    filled: IntArray  # places per person taken by kept ones


def carry_confirmed(
    claims: list[Claim],
    *,
    capacity: IntArray,
    needed: IntArray,
    full: str,
    enough: str,
) -> Carried:
    """Walk the claims in order. `capacity` per target (UNLIMITED for no limit), `needed` per
    person; `full` and `enough` are the reasons given when the target has no room left and
    when the person needs no more."""
    room = capacity.copy()
    filled = np.zeros(len(needed), dtype=np.int64)
    kept: list[int] = []
    dropped: list[tuple[int, str]] = [
        (i, NO_CONSENT) for i, claim in enumerate(claims) if claim.person < 0
    ]
    for i, claim in enumerate(claims):
        if claim.person < 0:
            continue
        reason = claim.refusal
        if reason is None and claim.target < 0:
            raise ValueError(f"claim {i}: a target that is not open needs a refusal")
        if reason is None and room[claim.target] == 0:
            reason = full
        elif reason is None and filled[claim.person] >= needed[claim.person]:
            reason = enough
        if reason is not None:
            dropped.append((i, reason))
            continue
        if room[claim.target] != UNLIMITED:
            room[claim.target] -= 1
        filled[claim.person] += 1
        kept.append(i)
    return Carried(kept, dropped, room, filled)
