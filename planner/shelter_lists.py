"""Which shelters each person's candidate list needs, so that the shelter plan stays exact
without a pair for every person and every shelter in 5 km (tens of millions at city scale).

A person's eligible shelters are taken nearest first, and the list ends:

(a) at the first shelter of unknown capacity (no limit): were the person sent farther in some
    plan, sending them there instead would keep everyone served and shorten the way;
(b) once the shelters so far hold as many places as there are people of the person's kind
    (welfare or not) to shelter: whatever the others do, one of those places is free, and
    again moving there only shortens the way.

A list cut for these reasons loses nothing. Only the K nearest shelters are fetched at first;
a list that reached neither cut within them is *truncated*. After solving, the plan is also
optimal for the full lists when every truncated person has a shelter and that shelter still
has room: any better plan would use a farther shelter for such a person, and swapping that
step for "leave a shelter with room, enter the other from the sink side" costs no more, until
no farther shelter is left. When that check fails, the failing people's lists are fetched
again, longer, and the problem is solved again.

Pairs come ordered by distance on the city's UTM plane (PostGIS's `<->` on the projected
points, which the index answers fastest); costs are ellipsoid distances. Within a city the two
differ by far less than 1 %, so only shelters nearer than the last one fetched by more than
that are trusted to be complete. Walking distances on the street network (planner.routing) are
exact in whichever order they come, so a person's list of those is trusted to its end.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from planner.matching import UNLIMITED, Arcs, IntArray

PLANE_TO_ELLIPSOID = 0.01
TRUST = (1 - PLANE_TO_ELLIPSOID) / (1 + PLANE_TO_ELLIPSOID)


@dataclass(frozen=True)
class Lists:
    arcs: Arcs  # the arcs to plan with
    truncated: npt.NDArray[np.bool_]  # per person: the list may be missing farther shelters


def cut_lists(
    fetched: Arcs,
    *,
    persons: int,
    nearest: IntArray,
    reach: int,
    capacity: IntArray,
    class_of_person: IntArray,
    class_demand: IntArray,
    trust: npt.NDArray[np.float64] | None = None,
) -> Lists:
    """Apply the cuts to the shelters fetched for each person, `nearest[p]` at most (arcs
    beyond reach included, so that a list that ran past the reach is known to be complete)."""
    order = np.lexsort((fetched.distance, fetched.person))
    person, target, distance = fetched.person[order], fetched.target[order], fetched.distance[order]
    keep = np.zeros(len(order), dtype=bool)
    truncated = np.zeros(persons, dtype=bool)
    bounds = np.searchsorted(person, np.arange(persons + 1))
    for p in range(persons):
        start, end = bounds[p], bounds[p + 1]
        if start == end:
            continue
        full_fetch = end - start >= nearest[p]
        factor = TRUST if trust is None else trust[p]
        trusted = distance[end - 1] * factor - 1 if full_fetch else np.inf
        demand = class_demand[class_of_person[p]]
        places = 0
        cut = None
        for i in range(start, end):
            room = capacity[target[i]]
            places += demand if room == UNLIMITED else room
            if places >= demand:
                cut = i
                break
        last = cut if cut is not None else end - 1
        complete = (
            (cut is not None and distance[cut] < trusted) or not full_fetch or trusted > reach
        )
        if complete:
            keep[start : last + 1] = distance[start : last + 1] <= reach
        else:
            truncated[p] = True
            keep[start:end] = (distance[start:end] < trusted) & (distance[start:end] <= reach)
    chosen = order[keep]
    return Lists(
        Arcs(fetched.person[chosen], fetched.target[chosen], fetched.distance[chosen]), truncated
    )


def failing_certificate(
    lists: Lists, chosen: npt.NDArray[np.bool_], capacity: IntArray
) -> IntArray:
    """Truncated people for whom the plan is not proven optimal: without a shelter, or in a
    shelter left with no room."""
    arcs = lists.arcs
    used = np.bincount(arcs.target[chosen], minlength=len(capacity))
    full = (capacity != UNLIMITED) & (used >= capacity)
    sheltered = np.zeros(len(lists.truncated), dtype=bool)
    sheltered[arcs.person[chosen]] = True
    in_full = np.zeros(len(lists.truncated), dtype=bool)
    in_full[arcs.person[chosen & full[arcs.target]]] = True
    return np.flatnonzero(lists.truncated & (~sheltered | in_full))
