"""Where one more supporter would help most: greedy maximum weighted coverage, pure (arrays in,
picks out), so that it is tested against brute force without a database.

A place covers the people paired with it; each pick takes the place covering the most weight
not yet covered. Greedy is within 1 - 1/e of the best, which is enough for advice. The lazy
form keeps each place's last known gain in a heap: gains only fall as people are covered, so a
popped place whose fresh gain still tops the heap is the true best."""

import heapq

import numpy as np

from planner.matching import IntArray


def greedy_cover(
    place: IntArray, person: IntArray, weight: IntArray, picks: int
) -> list[tuple[IntArray, int]]:
    """Up to `picks` places, each with the people it newly covers and their weight; places
    that would add nothing are never picked. `place[i]` covers `person[i]`."""
    if len(place) == 0:
        return []
    order = np.argsort(place, kind="stable")
    places, covered_by = place[order], person[order]
    starts = np.searchsorted(places, np.arange(places.max() + 2))
    covered = np.zeros(len(weight), dtype=bool)
    gains = np.bincount(places, weights=weight[covered_by], minlength=len(starts) - 1)
    heap = [(-int(g), int(a)) for a, g in enumerate(gains) if g > 0]
    heapq.heapify(heap)
    chosen: list[tuple[IntArray, int]] = []
    while heap and len(chosen) < picks:
        _, a = heapq.heappop(heap)
        members = covered_by[starts[a] : starts[a + 1]]
        fresh = np.unique(members[~covered[members]])
        gain = int(weight[fresh].sum())
        if gain == 0:
            continue
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, a))
            continue
        covered[fresh] = True
        chosen.append((fresh, gain))
    return chosen
