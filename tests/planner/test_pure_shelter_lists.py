"""Shelter candidate lists, without a database: where each person's list is cut, when it is
truncated, and which truncated people fail the optimality check."""

import numpy as np

from planner.matching import UNLIMITED, Arcs
from planner.shelter_lists import Lists, cut_lists, failing_certificate


def arcs(*triples: tuple[int, int, int]) -> Arcs:
    return Arcs.of(list(triples))


def cut(fetched: Arcs, *, capacity, nearest=8, reach=5000, demand=(10, 10), classes=None):
    persons = int(fetched.person.max()) + 1 if len(fetched) else 1
    return cut_lists(
        fetched,
        persons=persons,
        nearest=np.full(persons, nearest, dtype=np.int64),
        reach=reach,
        capacity=np.array(capacity, dtype=np.int64),
        class_of_person=np.array(classes or [0] * persons, dtype=np.int64),
        class_demand=np.array(demand, dtype=np.int64),
    )


def kept(lists: Lists) -> list[tuple[int, int, int]]:
    a = lists.arcs
    return sorted(zip(a.person.tolist(), a.target.tolist(), a.distance.tolist(), strict=True))


def test_it_ends_a_list_at_the_first_shelter_without_a_limit():
    lists = cut(arcs((0, 2, 300), (0, 0, 100), (0, 1, 200)), capacity=[1, UNLIMITED, 5])

    assert kept(lists) == [(0, 0, 100), (0, 1, 200)]
    assert not lists.truncated[0]


def test_it_ends_a_list_once_its_places_hold_everyone_of_the_persons_kind():
    lists = cut(arcs((0, 0, 100), (0, 1, 200), (0, 2, 300)), capacity=[1, 1, 1], demand=(2, 10))

    assert kept(lists) == [(0, 0, 100), (0, 1, 200)]


def test_it_counts_demand_by_the_persons_own_kind():
    fetched = arcs((0, 0, 100), (0, 1, 200), (1, 0, 100), (1, 1, 200))
    lists = cut(fetched, capacity=[1, 1], demand=(1, 5), classes=[0, 1])

    assert kept(lists) == [(0, 0, 100), (1, 0, 100), (1, 1, 200)]


def test_it_leaves_out_shelters_beyond_reach_but_keeps_the_list_complete():
    lists = cut(arcs((0, 0, 100), (0, 1, 6000)), capacity=[1, 1], reach=5000, nearest=2)

    assert kept(lists) == [(0, 0, 100)]
    assert not lists.truncated[0]


def test_it_marks_a_full_fetch_that_reached_no_cut_as_truncated():
    # Two fetched of two asked, neither cut reached: farther shelters may be missing, and only
    # those clearly nearer than the last fetched one (plane-to-ellipsoid error) are trusted.
    lists = cut(arcs((0, 0, 100), (0, 1, 200)), capacity=[1, 1], nearest=2)

    assert lists.truncated[0]
    assert kept(lists) == [(0, 0, 100)]


def test_it_finds_truncated_people_without_a_shelter_or_in_a_full_one():
    lists = Lists(
        arcs((0, 0, 100), (1, 0, 150), (2, 1, 100), (3, 1, 300)),
        truncated=np.array([True, True, True, False]),
    )
    chosen = np.array([True, False, True, False])
    capacity = np.array([1, 5], dtype=np.int64)

    # 0 fills shelter 0 (failing); 1 has nothing (failing); 2 sits in a shelter with room;
    # 3 has nothing but a complete list, so the plan is proven for them.
    assert failing_certificate(lists, chosen, capacity).tolist() == [0, 1]


def test_it_never_counts_a_shelter_without_limit_as_full():
    lists = Lists(arcs((0, 0, 100)), truncated=np.array([True]))

    assert failing_certificate(lists, np.array([True]), np.array([UNLIMITED])).tolist() == []
