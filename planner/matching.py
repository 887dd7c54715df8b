"""The matching engine: pure, arrays in and chosen arcs out, solved exactly as min-cost flows
with OR-Tools (planning.md, "What is best").

Supporters. Network: source → person (one arc per open place) → supporter → sink (the
supporter's remaining capacity). A person's first place is worth 2 × weight and any further
place 1 × weight; the place arcs carry those values as negative costs, so a unit of flow
through a person takes the first place's arc before the second's. Person → supporter arcs cost
their distance in metres.

Shelters. Network: source → person (one arc, worth the person's weight) → shelter → sink
(the shelter's capacity, or no limit).

Why `solve_max_flow_with_min_cost` gives the lexicographic optimum. The sets of places that can
be filled at once form a transversal matroid; with every place worth more than zero, a set of
greatest value cannot be grown, so it is a basis, and every basis has the size of a maximum
flow. Hence the best assignments are maximum flows, and among maximum flows the cheapest is
the best once the costs order value strictly before distance:

    cost(place arc) = -value × weight × BIG,   cost(person → target) = metres,
    BIG = (number of place arcs) × (longest arc in metres) + 1.

A flow has at most one unit per place arc, so its total distance lies between 0 and
(number of place arcs) × (longest arc) < BIG. Two flows whose values differ differ by at least
BIG in the value part, which no difference in distance can make up; between flows of equal
value, only distance decides. All costs are integers, as OR-Tools needs.

The first try uses a far smaller factor: BIG' = 20 × (longest arc) + 1. OR-Tools scales costs
in phases, one per factor of five in their range, so this halves a city's solve (18 s to 10 s
here). Its flow f' is the cheapest under -value × BIG' + metres. When f' also has the greatest
value V*, it is the lexicographic optimum: any flow of value V* and fewer metres would be
cheaper under the same costs. Whether it has V* is proven on its residual network
(`_Network.value_is_greatest`); when it has not, the exact BIG above decides. The brute-force
tests run the first try with factors 0, 1 and 3, which gives value up far more often.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

IntArray = npt.NDArray[np.int64]
UNLIMITED = -1
# The first try's factor between a unit of value and a metre, as a multiple of the longest arc.
TRIAL_FACTOR = 20


class MatchingError(RuntimeError):
    pass


@dataclass(frozen=True)
class Arcs:
    """Candidate pairs: person index, target index (supporter or shelter), metres."""

    person: IntArray
    target: IntArray
    distance: IntArray

    @classmethod
    def of(cls, triples: list[tuple[int, int, int]]) -> "Arcs":
        array = np.array(triples, dtype=np.int64).reshape(-1, 3)
        return cls(array[:, 0].copy(), array[:, 1].copy(), array[:, 2].copy())

    def __len__(self) -> int:
        return len(self.person)


@dataclass(frozen=True)
class SupporterProblem:
    weights: IntArray  # per person, at least 1
    needed: IntArray  # per person: supporters wanted in all
    filled: IntArray  # per person: places already filled (confirmed assignments kept)
    capacity: IntArray  # per supporter: people they can still take
    arcs: Arcs
    first_place_value: int = 2
    other_place_value: int = 1


@dataclass(frozen=True)
class ShelterProblem:
    weights: IntArray  # per person
    wanted: npt.NDArray[np.bool_]  # per person: still needs a shelter
    capacity: IntArray  # per shelter: places left, or UNLIMITED
    arcs: Arcs


@dataclass(frozen=True)
class Solution:
    chosen: npt.NDArray[np.bool_]  # per arc
    value: int  # the first objective reached: sum of weight × place value
    distance: int  # the second: total metres of the chosen arcs


def match_supporters(problem: SupporterProblem) -> Solution:
    persons = len(problem.weights)
    open_places = np.maximum(problem.needed - problem.filled, 0)
    place_person = np.repeat(np.arange(persons), open_places)
    # Index of each open place within its person's places: filled, filled + 1, ...
    starts = np.repeat(np.cumsum(open_places) - open_places, open_places)
    place_index = np.arange(len(place_person)) - starts + np.repeat(problem.filled, open_places)
    values = np.where(place_index == 0, problem.first_place_value, problem.other_place_value)
    return _solve(
        persons,
        place_person,
        values * problem.weights[place_person],
        problem.capacity,
        problem.arcs,
    )


def match_shelters(problem: ShelterProblem) -> Solution:
    place_person = np.flatnonzero(problem.wanted)
    return _solve(
        len(problem.weights),
        place_person,
        problem.weights[place_person],
        problem.capacity,
        problem.arcs,
    )


def _solve(
    persons: int, place_person: IntArray, place_value: IntArray, capacity: IntArray, arcs: Arcs
) -> Solution:
    if len(arcs) == 0 or len(place_person) == 0:
        return Solution(np.zeros(len(arcs), dtype=bool), 0, 0)
    if np.any(place_value <= 0):
        raise MatchingError("every place must be worth more than zero")
    longest = int(arcs.distance.max(initial=0))
    big = len(place_person) * longest + 1
    network = _Network(persons, place_person, place_value, capacity, arcs)
    trial = TRIAL_FACTOR * longest + 1
    if trial < big:
        # A factor this small almost always reaches the greatest value already, in about half
        # the time (fewer cost-scaling phases); the certificate says when it has.
        chosen, filled = network.solve(trial)
        if network.value_is_greatest(chosen, filled):
            return network.solution(chosen, filled)
    return network.solution(*network.solve(big))


class _Network:
    """The flow network of one problem, solved with a given factor between value and metres."""

    def __init__(
        self,
        persons: int,
        place_person: IntArray,
        place_value: IntArray,
        capacity: IntArray,
        arcs: Arcs,
    ) -> None:
        self.persons, self.place_person, self.place_value = persons, place_person, place_value
        self.arcs = arcs
        self.limit = np.where(capacity == UNLIMITED, len(place_person), np.maximum(capacity, 0))
        # Arcs grouped by person: the solver's graph is built faster and walked with fewer
        # cache misses (about a tenth off a city's solve). The candidate search gives them so
        # already, and then no copy is made.
        grouped = bool(np.all(arcs.person[1:] >= arcs.person[:-1]))
        self.order = slice(None) if grouped else np.argsort(arcs.person, kind="stable")

    def solve(self, big: int) -> tuple[npt.NDArray[np.bool_], IntArray]:
        """Chosen arcs and filled places of the cheapest maximum flow, with place arcs worth
        `big` per unit of value."""
        persons, arcs, order = self.persons, self.arcs, self.order
        targets = len(self.limit)
        source, sink = 0, persons + targets + 1
        flow = min_cost_flow.SimpleMinCostFlow()
        place_arcs = flow.add_arcs_with_capacity_and_unit_cost(
            np.full(len(self.place_person), source),
            self.place_person + 1,
            np.ones(len(self.place_person), dtype=np.int64),
            -self.place_value * big,
        )
        pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
            arcs.person[order].astype(np.int64, copy=False) + 1,
            arcs.target[order].astype(np.int64, copy=False) + persons + 1,
            np.ones(len(arcs), dtype=np.int64),
            arcs.distance[order].astype(np.int64, copy=False),
        )
        flow.add_arcs_with_capacity_and_unit_cost(
            np.arange(targets) + persons + 1,
            np.full(targets, sink),
            self.limit,
            np.zeros(targets, dtype=np.int64),
        )
        # Offer every place at the source; the solver sends as much as the network lets
        # through.
        flow.set_node_supply(source, len(self.place_person))
        flow.set_node_supply(sink, -len(self.place_person))
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise MatchingError(f"the min-cost flow solver did not reach an optimum: {status!r}")
        chosen = np.zeros(len(arcs), dtype=bool)
        chosen[order] = flow.flows(pair_arcs) > 0
        return chosen, flow.flows(place_arcs)

    def solution(self, chosen: npt.NDArray[np.bool_], filled: IntArray) -> Solution:
        return Solution(
            chosen=chosen,
            value=int((filled * self.place_value).sum()),
            distance=int(self.arcs.distance[chosen].sum()),
        )

    def value_is_greatest(self, chosen: npt.NDArray[np.bool_], filled: IntArray) -> bool:
        """Whether no flow fills places of greater value, proven on the residual network.

        The flow is a maximum flow, so a flow of greater value would differ from it by cycles
        that keep the amount; a cycle changes the value only where it passes the source:
        it fills an open place (value a) of some person and empties a filled place (value
        b) of some person reached from the first through the residual network (a free pair
        forward, a chosen pair backward, through the sink between a target with room and a
        target in use). The value is greatest exactly when no person with an open place of
        value a reaches a person with a filled place of value below a."""
        persons, arcs = self.persons, self.arcs
        targets = len(self.limit)
        sink, root = persons + targets, persons + targets + 1
        person, target = arcs.person.astype(np.int64), arcs.target.astype(np.int64) + persons
        used = np.bincount(arcs.target[chosen], minlength=targets)
        room = np.flatnonzero(used < self.limit) + persons
        in_use = np.flatnonzero(used > 0) + persons
        tails = np.concatenate([person[~chosen], target[chosen], room, np.full(len(in_use), sink)])
        heads = np.concatenate([target[~chosen], person[chosen], np.full(len(room), sink), in_use])
        order = np.argsort(tails, kind="stable")
        base_indices = heads[order].astype(np.int32)
        base_indptr = np.searchsorted(tails[order], np.arange(root + 1)).astype(np.int32)
        # Per person: the best open place and the least filled one.
        open_value = np.zeros(persons, dtype=np.int64)
        np.maximum.at(open_value, self.place_person[filled == 0], self.place_value[filled == 0])
        least_filled = np.full(persons, np.iinfo(np.int64).max)
        np.minimum.at(least_filled, self.place_person[filled > 0], self.place_value[filled > 0])
        for value in np.unique(open_value[open_value > 0])[::-1]:
            if not (least_filled < value).any():
                continue
            sources = np.flatnonzero(open_value >= value).astype(np.int32)
            graph = csr_matrix(
                (
                    np.ones(len(base_indices) + len(sources), dtype=np.int8),
                    np.concatenate([base_indices, sources]),
                    np.append(base_indptr, base_indptr[-1] + len(sources)),
                ),
                shape=(root + 1, root + 1),
            )
            reached = breadth_first_order(graph, root, directed=True, return_predecessors=False)
            reached = reached[reached < persons]
            if (least_filled[reached] < value).any():
                return False
        return True
