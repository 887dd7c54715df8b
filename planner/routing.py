"""Shelter candidates by the walking distance on the street network, when one is loaded
(planning.md, "Walking routes"): the same questions PlanningTables answers with geodesic
distances — each person's nearest suitable shelters, every welfare shelter in reach, the
distance of a given pair — answered along the streets, and the chosen ways drawn as lines.

Each person's list of suitable shelters within reach is computed whole, in blocks of people
(shelters × block at a time), and kept sorted; the planner then takes from it as it took from
PostGIS. Those distances are exact, so a list fetched nearest first is trusted to its end.
A home with no street within the snapping distance is planned on geodesic distances, as a
shelter with none is for everyone, and says so (`no_road_network`)."""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import connection

from planner import eligibility
from planner.candidates import People, PlanningTables, Targets
from planner.matching import Arcs, IntArray
from planner.scenario import Policy
from planner.shelter_lists import TRUST
from routes import walking
from routes.network import HazardNetwork
from routes.walking import DRY, Attach, ShelterReach, Step

BLOCK = 2_048  # homes per distance block: shelters × block float64 at a time


@dataclass(frozen=True)
class Chosen:
    """A person's walking route to the chosen shelter as saved: the line (EWKB hex) and its
    metres."""

    line: str
    route_m: int


class WalkingDistances:
    """Per run: the network cut by the scenario's hazard, the people and shelters joined to it,
    and each person's sorted list of suitable shelters within reach."""

    def __init__(self, tables: PlanningTables, people: People, shelters: Targets, policy: Policy):
        self.tables, self.people, self.shelters, self.policy = tables, people, shelters, policy
        self.network = HazardNetwork(tables.scenario.hazard, tables.srid)
        self.reach = float(policy.shelter_reach_m)

    def __enter__(self) -> "WalkingDistances":
        self.network.__enter__()
        self.graph = self.network.graph()
        people, k = self.people, len(self.shelters.ids)
        self.homes = self.network.join(
            self.tables.person, len(people.ids), no_steps=people.barrier_free,
            snap=self.policy.route_snap_m, wet=True,
        )  # fmt: skip
        self.routed = self.homes.attach.piece >= 0
        has_steps = bool((self.graph.steps & (self.graph.area == DRY)).any())
        self.variants: dict[bool, tuple[Attach, ShelterReach]] = {}
        for no_steps in (False, True) if has_steps else (False,):
            joined = self.network.join(
                self.tables.shelter, k, no_steps=np.full(k, no_steps),
                snap=self.policy.route_snap_m, wet=False,
            )  # fmt: skip
            keep = self.graph.dry(no_steps)
            self.variants[no_steps] = (
                joined.attach,
                walking.shelter_reach(self.graph, keep, joined.attach, self.reach),
            )
        self._suits_offer = self._offer()
        self._geodesic = self._unrouted_geodesic()
        self.direct = self._direct_pairs()
        self._lists()
        return self

    def __exit__(self, *exc: object) -> None:
        self.network.__exit__(*exc)

    # -- the people's lists -------------------------------------------------------------

    def _variant(self, p: int) -> bool:
        return bool(self.people.barrier_free[p]) and True in self.variants

    def _offer(self) -> dict[str, npt.NDArray[np.bool_]]:
        offers = sorted({rule.offer for rule in eligibility.SHELTER_RULES})
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(offers)} FROM {self.tables.shelter} ORDER BY idx")
            rows = cursor.fetchall()
        return {
            name: np.array([row[i] for row in rows], dtype=bool).reshape(len(rows))
            for i, name in enumerate(offers)
        }

    def _unrouted_geodesic(self) -> dict[bool, dict[tuple[int, int], float]]:
        """Geodesic metres from every home in reach to the shelters of each variant that have
        no street near them."""
        found: dict[bool, dict[tuple[int, int], float]] = {}
        for no_steps, (attach, _) in self.variants.items():
            alone = np.flatnonzero(attach.piece < 0)
            found[no_steps] = {}
            if len(alone) == 0:
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT p.idx, s.idx, ST_Distance(p.location, s.location) "
                    f"FROM {self.tables.shelter} s JOIN {self.tables.person} p "
                    f"ON ST_DWithin(p.location, s.location, %s) WHERE s.idx = ANY(%s)",
                    [self.reach, alone.tolist()],
                )
                found[no_steps] = {(p, s): d for p, s, d in cursor.fetchall()}
        return found

    def _direct_pairs(self) -> dict[tuple[int, int], float]:
        """Homes and shelters nearer each other than either is to its street: the way is the
        straight line between them (where it keeps to the rules of the home's straight bit),
        not a detour out to the streets and back."""
        straight_h = self.homes.attach.straight
        found: dict[tuple[int, int], float] = {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT p.idx, s.idx, ST_Distance(p.location, s.location)
                FROM {self.tables.person} p JOIN {self.tables.shelter} s
                  ON ST_DWithin(p.xy, s.xy, %(near)s)
                LEFT JOIN LATERAL (
                    SELECT min(z.area) AS area, max(z.level) AS level
                    FROM {self.network.zone} z WHERE ST_Intersects(z.xy, p.xy)
                ) home ON true
                WHERE NOT EXISTS (
                    SELECT 1 FROM {self.network.zone} z
                    WHERE ST_Intersects(z.xy, ST_MakeLine(p.xy, s.xy))
                      AND (home.area IS NULL OR z.area <> home.area OR z.level > home.level))
                """,
                {"near": 2 * self.policy.route_snap_m},
            )
            rows = cursor.fetchall()
        for p, s, metres in rows:
            if not self.routed[p]:
                continue
            shelter = self.variants[self._variant(p)][0]
            if shelter.piece[s] >= 0 and metres < straight_h[p] + shelter.straight[s]:
                found[p, s] = float(metres)
        return found

    def _lists(self) -> None:
        persons = len(self.people.ids)
        targets: list[IntArray] = []
        metres: list[IntArray] = []
        owners: list[IntArray] = []
        for index, distances in self._blocks():
            suits = self._suits(index)
            distances[~suits | (distances > self.reach)] = np.inf
            row, col = np.nonzero(np.isfinite(distances))
            owners.append(index[row])
            targets.append(col.astype(np.int64))
            metres.append(np.floor(distances[row, col] + 0.5).astype(np.int64))
        owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
        target = np.concatenate(targets) if targets else np.zeros(0, dtype=np.int64)
        metre = np.concatenate(metres) if metres else np.zeros(0, dtype=np.int64)
        order = np.lexsort((target, metre, owner))
        self.owner, self.target, self.metres = owner[order], target[order], metre[order]
        self.bounds = np.searchsorted(self.owner, np.arange(persons + 1))

    def _suits(self, index: IntArray) -> npt.NDArray[np.bool_]:
        need = {
            rule.need: getattr(self.people, rule.need)[index] for rule in eligibility.SHELTER_RULES
        }
        return eligibility.shelter_suits_array(need, self._suits_offer)

    def _blocks(self) -> Iterator[tuple[IntArray, npt.NDArray[np.float64]]]:
        """(home indexes, homes × shelters distances) for the routed homes, a block at a time
        (each is read into the lists and let go: a city's blocks together take ~600 MB)."""
        attach, area = self.homes.attach, self.homes.area
        on_dry = self.routed & (self.graph.area[np.maximum(attach.piece, 0)] == DRY)
        for no_steps in self.variants:
            mine = self.people.barrier_free if no_steps else ~self.people.barrier_free
            if True not in self.variants:
                mine = np.ones(len(self.people.ids), dtype=bool)
            reach = self.variants[no_steps][1]
            dry = np.flatnonzero(on_dry & mine)
            for start in range(0, len(dry), BLOCK):
                index = dry[start : start + BLOCK]
                block = walking.dry_distances(reach, attach.take(index)).T
                yield index, self._with_geodesic(block, index, no_steps)
            wet = np.flatnonzero(self.routed & ~on_dry & mine)
            groups: dict[tuple[int, int], list[int]] = {}
            for p in wet:
                groups.setdefault((int(area[p]), int(self.homes.level[p])), []).append(int(p))
            for (home_area, home_level), members in groups.items():
                out_keep, exit_at = self._walk_out_graph(home_area, home_level, no_steps)
                for start in range(0, len(members), BLOCK // 8):
                    index = np.array(members[start : start + BLOCK // 8], dtype=np.int64)
                    out = walking.walk_out(
                        self.graph, out_keep, exit_at, attach.take(index), self.reach
                    )
                    block, _ = walking.wet_distances(reach, out)
                    yield index, self._with_geodesic(block.T, index, no_steps)

    def _walk_out_graph(
        self, home_area: int, home_level: int, no_steps: bool
    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        graph = self.graph
        keep = (graph.area == home_area) & (graph.level <= home_level)
        if no_steps:
            keep &= ~graph.steps
        exit_at = np.zeros(graph.vertices, dtype=bool)
        dry = graph.dry(no_steps)
        exit_at[graph.u[dry]] = True
        exit_at[graph.v[dry]] = True
        return keep, exit_at

    def _with_geodesic(
        self, block: npt.NDArray[np.float64], index: IntArray, no_steps: bool
    ) -> npt.NDArray[np.float64]:
        """The block with the geodesic distances where a shelter has no street near it, and the
        straight way where home and shelter are nearer each other than to the streets."""
        geodesic = self._geodesic.get(no_steps, {})
        position = {int(p): i for i, p in enumerate(index)}
        if geodesic:
            alone = np.flatnonzero(self.variants[no_steps][0].piece < 0)
            block[:, alone] = np.inf
            for (p, s), d in geodesic.items():
                if p in position:
                    block[position[p], s] = d
        for (p, s), d in self.direct.items():
            if p in position:
                block[position[p], s] = min(block[position[p], s], d)
        return block

    # -- what the planner asks -------------------------------------------------------------

    def trust(self) -> npt.NDArray[np.float64]:
        """Per person: how far a list fetched nearest first may be trusted (1: to its end)."""
        return np.where(self.routed, 1.0, TRUST)

    def shelter_arcs(self, nearest: int, only: IntArray) -> Arcs:
        """The `nearest` suitable shelters of each person in `only`, in reach, nearest first."""
        only = np.asarray(only, dtype=np.int64)
        routed = only[self.routed[only]]
        parts = [self._first(routed, nearest)]
        fallback = only[~self.routed[only]]
        if len(fallback):
            parts.append(self.tables.shelter_arcs(nearest, only=fallback))
        return _concatenate(parts)

    def welfare_shelter_arcs(self) -> Arcs:
        """Every welfare shelter in reach of every person who needs one."""
        welfare = np.flatnonzero(self.people.welfare)
        parts = [self._first(welfare[self.routed[welfare]], len(self.shelters.ids) + 1)]
        if (~self.routed[welfare]).any():
            geodesic = self.tables.welfare_shelter_arcs()
            keep = ~self.routed[geodesic.person]
            parts.append(
                Arcs(geodesic.person[keep], geodesic.target[keep], geodesic.distance[keep])
            )
        return _concatenate(parts)

    def _first(self, persons: IntArray, nearest: int) -> Arcs:
        starts, ends = self.bounds[persons], self.bounds[persons + 1]
        ends = np.minimum(ends, starts + nearest)
        ranges = [np.arange(a, b) for a, b in zip(starts, ends, strict=True)]
        take = np.concatenate(ranges).astype(np.int64) if ranges else np.zeros(0, np.int64)
        return Arcs(self.owner[take], self.target[take], self.metres[take])

    def distance(self, p: int, s: int) -> int | None:
        """Metres from person p to shelter s (indexes) by the rules, None when no way within
        reach keeps to them. Only for routed people."""
        start, end = self.bounds[p], self.bounds[p + 1]
        hit = np.flatnonzero(self.target[start:end] == s)
        return int(self.metres[start + hit[0]]) if len(hit) else None

    def no_route(self, has_candidates: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """People on the network with no shelter in reach by the rules while some suitable
        shelter lies within reach as the crow flies: the hazard, not the distance, bars them."""
        lost = np.flatnonzero(self.routed & ~has_candidates)
        found = np.zeros(len(self.people.ids), dtype=bool)
        if len(lost):
            near = self.tables.shelter_arcs(1, only=lost)
            found[near.person[near.distance <= self.reach]] = True
        return found

    def geodesic_pair(self, p: int, s: int) -> bool:
        """Whether the pair's distance is geodesic: the home or the shelter has no street."""
        if not self.routed[p]:
            return True
        return bool(self.variants[self._variant(p)][0].piece[s] < 0)

    # -- the chosen ways ---------------------------------------------------------------

    def chosen(self, pairs: list[tuple[int, int]]) -> dict[int, Chosen]:
        """The route of each chosen (person, shelter) pair, by index, keyed by the person;
        pairs planned on the geodesic distance have none."""
        routed: list[tuple[int, int, list[Step]]] = []
        wet: dict[tuple[int, int, bool], list[tuple[int, int]]] = {}
        attach = self.homes.attach
        direct: list[tuple[int, int]] = []
        for p, s in pairs:
            if self.geodesic_pair(p, s):
                continue
            metres = self.distance(p, s)
            straight = self.direct.get((p, s))
            if straight is not None and metres is not None and np.floor(straight + 0.5) <= metres:
                direct.append((p, s))
                continue
            no_steps = self._variant(p)
            reach = self.variants[no_steps][1]
            if self.graph.area[attach.piece[p]] == DRY:
                routed.append((p, s, walking.dry_steps(reach, attach.take(np.array([p])), s)))
            else:
                key = (int(self.homes.area[p]), int(self.homes.level[p]), no_steps)
                wet.setdefault(key, []).append((p, s))
        for (home_area, home_level, no_steps), members in wet.items():
            routed.extend(self._wet_steps(home_area, home_level, no_steps, members))
        lines = self.network.lines(
            routed, self.tables.person, self.tables.shelter, self.graph.metres
        )
        lines.update(self._straight_lines(direct))
        chosen = {}
        for p, s in [(p, s) for p, s, _ in routed] + direct:
            metres = self.distance(p, s)
            if metres is not None and (p, s) in lines:
                chosen[p] = Chosen(lines[p, s], metres)
        return chosen

    def _straight_lines(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
        if not pairs:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT pair.p, pair.s, "
                f"ST_AsEWKB(ST_MakeLine(h.location::geometry, t.location::geometry)) "
                f"FROM unnest(%s::int4[], %s::int4[]) AS pair (p, s) "
                f"JOIN {self.tables.person} h ON h.idx = pair.p "
                f"JOIN {self.tables.shelter} t ON t.idx = pair.s",
                [[p for p, _ in pairs], [s for _, s in pairs]],
            )
            return {(p, s): bytes(line).hex() for p, s, line in cursor.fetchall()}

    def _wet_steps(
        self, home_area: int, home_level: int, no_steps: bool, members: list[tuple[int, int]]
    ) -> list[tuple[int, int, list[Step]]]:
        keep, exit_at = self._walk_out_graph(home_area, home_level, no_steps)
        reach = self.variants[no_steps][1]
        found = []
        for start in range(0, len(members), BLOCK // 8):
            part = members[start : start + BLOCK // 8]
            index = np.array([p for p, _ in part], dtype=np.int64)
            homes = self.homes.attach.take(index)
            out = walking.walk_out(self.graph, keep, exit_at, homes, self.reach)
            _, exit_of = walking.wet_distances(reach, out)
            for home, (p, s) in enumerate(part):
                vertex = int(exit_of[s, home])
                if vertex >= 0:
                    steps = out.steps_out(home, vertex) + reach.steps_to_shelter(s, vertex)
                    found.append((p, s, steps))
        return found


def _concatenate(parts: list[Arcs]) -> Arcs:
    return Arcs(
        np.concatenate([a.person for a in parts]).astype(np.int64),
        np.concatenate([a.target for a in parts]).astype(np.int64),
        np.concatenate([a.distance for a in parts]).astype(np.int64),
    )
