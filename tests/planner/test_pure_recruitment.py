"""Recruitment hints' greedy maximum coverage, without a database, against brute force."""

import itertools
import math

import numpy as np

from planner.recruitment import greedy_cover


def covered_weight(pairs, weight, places) -> int:
    people = {b for a, b in pairs if a in places}
    return int(sum(weight[b] for b in people))


def test_it_picks_the_place_covering_most_weight_first():
    place = np.array([0, 0, 1, 2, 2], dtype=np.int64)
    person = np.array([0, 1, 1, 2, 3], dtype=np.int64)
    weight = np.array([1, 1, 1, 3], dtype=np.int64)

    chosen = greedy_cover(place, person, weight, 2)

    assert [(sorted(helped.tolist()), gain) for helped, gain in chosen] == [
        ([2, 3], 4),
        ([0, 1], 2),
    ]


def test_it_stops_when_no_place_adds_anything():
    place = np.array([0, 1], dtype=np.int64)
    person = np.array([0, 0], dtype=np.int64)

    chosen = greedy_cover(place, person, np.array([2], dtype=np.int64), 5)

    assert [(helped.tolist(), gain) for helped, gain in chosen] == [([0], 2)]
    assert greedy_cover(np.array([], dtype=np.int64), np.array([], dtype=np.int64),
                        np.array([1]), 3) == []  # fmt: skip


def test_it_is_greedy_at_every_step_and_near_the_best_on_small_cases():
    rng = np.random.default_rng(7)
    for _ in range(300):
        places, persons, picks = (
            int(rng.integers(1, 7)),
            int(rng.integers(1, 8)),
            int(rng.integers(1, 4)),
        )
        pairs = sorted(
            {(int(rng.integers(places)), int(rng.integers(persons)))
             for _ in range(int(rng.integers(1, 15)))}
        )  # fmt: skip
        weight = rng.integers(1, 5, size=persons).astype(np.int64)
        place = np.array([a for a, _ in pairs], dtype=np.int64)
        person = np.array([b for _, b in pairs], dtype=np.int64)

        chosen = greedy_cover(place, person, weight, picks)

        covered: set[int] = set()
        for helped, gain in chosen:
            best = max(
                sum(int(weight[b]) for b in {b for a, b in pairs if a == c} - covered)
                for c in range(places)
            )
            assert gain == best == int(weight[helped].sum()) > 0
            assert not covered & set(helped.tolist())
            covered |= set(helped.tolist())
        optimum = max(
            covered_weight(pairs, weight, set(subset))
            for subset in itertools.combinations(range(places), min(picks, places))
        )
        total = sum(gain for _, gain in chosen)
        assert total <= optimum
        assert total >= (1 - 1 / math.e) * optimum
        if len(chosen) < picks:
            assert total == covered_weight(pairs, weight, set(range(places)))
