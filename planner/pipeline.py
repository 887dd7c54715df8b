"""What one stage of a plan run hands to the next, as typed objects: the inputs (the scenario
resolved under one policy), the candidates (who can reach whom) and the outcome (the plans of
supporters and shelters, with what is missing). planner.services runs the stages and
planner.saving writes the result; both import this module and never each other."""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth.models import User

from planner.candidates import People, Targets
from planner.keeping import Decisions, Dropped, Kept
from planner.matching import Arcs, Solution
from planner.routing import Chosen
from planner.scenario import Policy, Scenario
from planner.shelter_lists import Lists
from registry.models import Neighbourhood

Progress = Callable[[str], None]


class Stopwatch:
    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 3)
        self.last = now
        return self.laps[name]

    def total(self) -> float:
        return round(time.perf_counter() - self.started, 3)


@dataclass(frozen=True)
class PlanInputs:
    """The scenario with its names resolved to rows, the policy read once, and who asked."""

    scenario: Scenario
    policy: Policy
    area: Neighbourhood | None
    away: list[int]  # supporter pks
    closed: list[int]  # shelter pks
    started: dt.datetime
    user: User | None
    performed_by: str


@dataclass(frozen=True)
class Candidates:
    """Who the run plans, the earlier decisions about them, and who can reach whom."""

    people: People
    decisions: Decisions
    supporters: Targets
    supporter_arcs: Arcs
    shelters: Targets


@dataclass(frozen=True)
class SupporterPlan:
    kept: list[tuple[int, int, Kept]]  # (person index, supporter index, what was confirmed)
    dropped: list[Dropped]
    arcs: Arcs  # what the optimiser chose from
    candidates_per_person: np.ndarray  # eligible supporters per person, kept ones included
    solution: Solution
    filled: np.ndarray  # per person: supporters in the plan, kept and new


@dataclass(frozen=True)
class ShelterPlan:
    kept: list[tuple[int, int, Kept]]
    dropped: list[Dropped]
    lists: Lists
    solution: Solution
    rounds: int

    def sheltered(self, persons: int) -> np.ndarray:
        """Per person: has a shelter in the plan, kept or new."""
        sheltered = np.zeros(persons, dtype=bool)
        sheltered[self.lists.arcs.person[self.solution.chosen]] = True
        for p, _, _ in self.kept:
            sheltered[p] = True
        return sheltered

    def has_candidates(self, persons: int) -> np.ndarray:
        """Per person: some shelter in reach suits them (or a kept one)."""
        has = np.zeros(persons, dtype=bool)
        has[self.lists.arcs.person] = True
        for p, _, _ in self.kept:
            has[p] = True
        return has


@dataclass(frozen=True)
class Outcome:
    supporters: SupporterPlan
    shelters: ShelterPlan
    reasons: list[list[str]]  # per person index: MissingReason keys
    hints: list[dict[str, Any]]  # where one more supporter would help most
    # Walking routes by person index; None when no street network is loaded.
    routes: dict[int, Chosen] | None = None
