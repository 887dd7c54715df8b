"""The matching engine on hand-made cases with known answers, and against brute force."""

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import matching
from planner.matching import (
    UNLIMITED,
    Arcs,
    ShelterProblem,
    SupporterProblem,
    match_shelters,
    match_supporters,
)


def supporters_problem(arcs, *, weights, needed, capacity, filled=None):
    people = len(weights)
    return SupporterProblem(
        weights=np.array(weights, dtype=np.int64),
        needed=np.array(needed, dtype=np.int64),
        filled=np.array(filled or [0] * people, dtype=np.int64),
        capacity=np.array(capacity, dtype=np.int64),
        arcs=Arcs.of(arcs),
    )


def chosen_pairs(problem, solution):
    arcs = problem.arcs
    return {(int(arcs.person[i]), int(arcs.target[i])) for i in np.flatnonzero(solution.chosen)}


def test_it_beats_nearest_first_on_a_capacity_conflict():
    # Supporter 0 is nearest to both people; supporter 1 can reach only person 0. Nearest-first
    # gives supporter 0 to person 0 and leaves person 1 alone; the optimum covers both.
    problem = supporters_problem(
        [(0, 0, 10), (1, 0, 20), (0, 1, 400)], weights=[1, 1], needed=[1, 1], capacity=[1, 1]
    )

    solution = match_supporters(problem)

    assert chosen_pairs(problem, solution) == {(0, 1), (1, 0)}
    assert (solution.value, solution.distance) == (4, 420)


def test_it_gives_everyone_one_supporter_before_anyone_a_second():
    # Person 0 (wheelchair) needs two; person 1 needs one. Two supporters, both near person 0.
    problem = supporters_problem(
        [(0, 0, 10), (0, 1, 15), (1, 1, 300)], weights=[1, 1], needed=[2, 1], capacity=[1, 1]
    )

    solution = match_supporters(problem)

    assert chosen_pairs(problem, solution) == {(0, 0), (1, 1)}
    assert solution.value == 4  # two first places


def test_it_counts_places_kept_from_before_when_valuing_the_next():
    # Person 0 already has a confirmed first supporter, so what is open is a second place
    # worth 1; person 1's open first place is worth 2 and wins the one free supporter.
    problem = supporters_problem(
        [(0, 0, 10), (1, 0, 200)], weights=[1, 1], needed=[2, 1], filled=[1, 0], capacity=[1]
    )

    assert chosen_pairs(problem, match_supporters(problem)) == {(1, 0)}


def test_it_favours_people_in_hazard_areas_and_on_medical_devices():
    # One supporter, three people: weight 1 (plain), 3 (home in the hazard area), 2 (oxygen).
    arcs = [(0, 0, 10), (1, 0, 400), (2, 0, 300)]
    problem = supporters_problem(arcs, weights=[1, 3, 2], needed=[1, 1, 1], capacity=[1])
    assert chosen_pairs(problem, match_supporters(problem)) == {(1, 0)}

    problem = supporters_problem(arcs, weights=[1, 1, 2], needed=[1, 1, 1], capacity=[1])
    assert chosen_pairs(problem, match_supporters(problem)) == {(2, 0)}


def test_it_minimises_distance_among_equally_good_plans():
    problem = supporters_problem(
        [(0, 0, 100), (0, 1, 50), (1, 0, 60), (1, 1, 400)],
        weights=[1, 1],
        needed=[1, 1],
        capacity=[1, 1],
    )

    solution = match_supporters(problem)

    assert chosen_pairs(problem, solution) == {(0, 1), (1, 0)}
    assert solution.distance == 110


def test_it_respects_supporter_capacity():
    problem = supporters_problem(
        [(0, 0, 1), (1, 0, 1), (2, 0, 1)], weights=[1, 1, 1], needed=[1, 1, 1], capacity=[2]
    )

    assert int(match_supporters(problem).chosen.sum()) == 2


def test_it_sends_people_to_shelters_by_weight_then_distance():
    arcs = Arcs.of([(0, 0, 100), (1, 0, 200), (1, 1, 4000), (2, 1, 50)])
    problem = ShelterProblem(
        weights=np.array([1, 3, 1]),
        wanted=np.array([True, True, True]),
        capacity=np.array([1, UNLIMITED]),
        arcs=arcs,
    )

    solution = match_shelters(problem)

    # Person 1 (weight 3) could take shelter 0, but then person 0 would get nothing; the
    # optimum sends person 1 to the unlimited shelter 1, farther away.
    assert set(np.flatnonzero(solution.chosen)) == {0, 2, 3}
    assert (solution.value, solution.distance) == (5, 4150)


def test_it_handles_people_with_no_candidates_and_nothing_to_do():
    empty = supporters_problem([], weights=[1], needed=[1], capacity=[])
    assert match_supporters(empty).value == 0
    done = supporters_problem([(0, 0, 5)], weights=[1], needed=[1], filled=[1], capacity=[1])
    assert not match_supporters(done).chosen.any()


# --- against an independent exact solution: brute force over every subset of arcs ---------


def brute_force(problem: SupporterProblem) -> tuple[int, int]:
    arcs = problem.arcs
    best = (0, 0)
    for size in range(len(arcs) + 1):
        for subset in itertools.combinations(range(len(arcs)), size):
            per_person = np.bincount(arcs.person[list(subset)], minlength=len(problem.weights))
            per_target = np.bincount(arcs.target[list(subset)], minlength=len(problem.capacity))
            if np.any(per_person > problem.needed - problem.filled):
                continue
            if np.any(per_target > problem.capacity):
                continue
            value = 0
            for person, count in enumerate(per_person):
                for place in range(problem.filled[person], problem.filled[person] + count):
                    place_value = (
                        problem.first_place_value if place == 0 else problem.other_place_value
                    )
                    value += place_value * int(problem.weights[person])
            distance = int(arcs.distance[list(subset)].sum())
            if (value, -distance) > (best[0], -best[1]):
                best = (value, distance)
    return best


@st.composite
def small_problems(draw):
    people = draw(st.integers(1, 4))
    supporters = draw(st.integers(1, 3))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, people - 1), st.integers(0, supporters - 1)),
            max_size=9,
            unique=True,
        )
    )
    arcs = [(p, s, draw(st.integers(0, 500))) for p, s in pairs]
    needed = draw(st.lists(st.integers(1, 2), min_size=people, max_size=people))
    filled = [draw(st.integers(0, n)) for n in needed]
    return supporters_problem(
        arcs,
        weights=draw(st.lists(st.integers(1, 4), min_size=people, max_size=people)),
        needed=needed,
        filled=filled,
        capacity=draw(st.lists(st.integers(0, 3), min_size=supporters, max_size=supporters)),
    )


@settings(max_examples=300, deadline=None)
@given(small_problems())
def test_it_reaches_the_same_optimum_as_brute_force(problem):
    solution = match_supporters(problem)

    assert (solution.value, solution.distance) == brute_force(problem)
    arcs = problem.arcs
    per_person = np.bincount(arcs.person[solution.chosen], minlength=len(problem.weights))
    per_target = np.bincount(arcs.target[solution.chosen], minlength=len(problem.capacity))
    assert np.all(per_person <= problem.needed - problem.filled)
    assert np.all(per_target <= problem.capacity)


def brute_force_shelters(problem: ShelterProblem) -> tuple[int, int]:
    arcs = problem.arcs
    best = (0, 0)
    limit = np.where(problem.capacity == UNLIMITED, len(problem.weights), problem.capacity)
    for size in range(len(arcs) + 1):
        for subset in itertools.combinations(range(len(arcs)), size):
            chosen = list(subset)
            per_person = np.bincount(arcs.person[chosen], minlength=len(problem.weights))
            per_target = np.bincount(arcs.target[chosen], minlength=len(problem.capacity))
            if np.any(per_person > problem.wanted.astype(int)) or np.any(per_target > limit):
                continue
            value = int(problem.weights[per_person > 0].sum())
            distance = int(arcs.distance[chosen].sum())
            if (value, -distance) > (best[0], -best[1]):
                best = (value, distance)
    return best


@st.composite
def small_shelter_problems(draw):
    people = draw(st.integers(1, 4))
    shelters = draw(st.integers(1, 3))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, people - 1), st.integers(0, shelters - 1)),
            max_size=8,
            unique=True,
        )
    )
    return ShelterProblem(
        weights=np.array(draw(st.lists(st.integers(1, 4), min_size=people, max_size=people))),
        wanted=np.array(draw(st.lists(st.booleans(), min_size=people, max_size=people))),
        capacity=np.array(
            draw(st.lists(st.integers(UNLIMITED, 2), min_size=shelters, max_size=shelters))
        ),
        arcs=Arcs.of([(p, s, draw(st.integers(0, 5000))) for p, s in pairs]),
    )


@settings(max_examples=200, deadline=None)
@given(small_shelter_problems())
def test_it_sends_people_to_shelters_as_well_as_brute_force(problem):
    solution = match_shelters(problem)

    assert (solution.value, solution.distance) == brute_force_shelters(problem)


# --- the first try with a small factor between value and metres, and its certificate -----


@contextmanager
def trial_factor(factor: int) -> Iterator[None]:
    """Solve with this factor on the first try (0: value hardly counts against metres)."""
    kept = matching.TRIAL_FACTOR
    matching.TRIAL_FACTOR = factor
    try:
        yield
    finally:
        matching.TRIAL_FACTOR = kept


def test_the_certificate_refuses_a_first_try_that_gave_up_value():
    # One place to give: the light person next door, or the heavy one 400 m away. Weighing a
    # unit of value as a metre, the first try takes the near one; the certificate sees that
    # the heavy one could have it instead, and the exact factor decides.
    problem = supporters_problem(
        [(0, 0, 10), (1, 0, 400)], weights=[1, 2], needed=[1, 1], capacity=[1]
    )
    network = matching._Network(
        2, np.array([0, 1]), np.array([2, 4]), problem.capacity, problem.arcs
    )
    chosen, filled = network.solve(1)

    assert chosen.tolist() == [True, False]
    assert not network.value_is_greatest(chosen, filled)
    with trial_factor(0):
        solution = match_supporters(problem)
    assert chosen_pairs(problem, solution) == {(1, 0)}
    assert (solution.value, solution.distance) == (4, 400)


@settings(max_examples=300, deadline=None)
@given(small_problems(), st.sampled_from([0, 1, 3]))
def test_a_first_try_with_any_factor_ends_at_the_brute_force_optimum(problem, factor):
    with trial_factor(factor):
        solution = match_supporters(problem)

    assert (solution.value, solution.distance) == brute_force(problem)


@settings(max_examples=200, deadline=None)
@given(small_shelter_problems(), st.sampled_from([0, 1, 3]))
def test_a_first_try_for_shelters_with_any_factor_ends_at_the_brute_force_optimum(problem, factor):
    with trial_factor(factor):
        solution = match_shelters(problem)

    assert (solution.value, solution.distance) == brute_force_shelters(problem)
