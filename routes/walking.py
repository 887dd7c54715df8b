"""Shortest walks on a street network cut where it crosses a hazard's polygons (planning.md,
"Walking routes"): plain arrays in, plain arrays out, no database.

Vertices are numbered 0 … n-1. A piece joins `u` and `v`, is `metres` long, may be steps, and
lies outside every area (area -1) or inside one area at one level. A home or a shelter joins
the network at the foot of its perpendicular on one piece (`Attach`).

The dry part of every route comes from one Dijkstra per shelter over the dry pieces, bounded
by the shelter reach (SciPy's, every shelter of a chunk in one call): the distance from each
shelter to each vertex within reach. A home outside every area adds its way onto its piece. A
home inside an area first walks out on the pieces of its own area at its level or lower (one
Dijkstra per home over those pieces only, a small graph) and goes on from the exit where the
walk out plus the shelter's dry distance is least: once out, a route stays out."""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sparse
from scipy.sparse.csgraph import dijkstra

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
DRY = -1
# SciPy's mark for "no predecessor".
NONE = -9999
# Shelters searched per SciPy call: the call's float64 result is chunk × vertices.
CHUNK = 128


@dataclass(frozen=True)
class Graph:
    vertices: int
    u: IntArray
    v: IntArray
    metres: FloatArray
    steps: BoolArray
    area: IntArray  # DRY outside every area
    level: IntArray  # the highest level of the area's polygons holding the piece; 0 when dry

    def dry(self, no_steps: bool) -> BoolArray:
        dry: BoolArray = (self.area == DRY) & ~(self.steps & no_steps)
        return dry


@dataclass(frozen=True)
class Attach:
    """Points joined to the network: the piece (-1: none near enough), the metres from the
    piece's `u` to the foot, and the metres from the point to the foot."""

    piece: IntArray
    along: FloatArray
    straight: FloatArray

    def take(self, index: IntArray) -> "Attach":
        return Attach(self.piece[index], self.along[index], self.straight[index])


@dataclass(frozen=True)
class Step:
    """A piece walked from `start` to `end` metres along it (from its `u`)."""

    piece: int
    start: float
    end: float


class Arcs:
    """The pieces as a SciPy matrix, walkable both ways and parallel ones reduced to the
    shortest, plus one-way arcs out of the searches' start nodes (a start node joins its piece
    at the foot: were it walkable, a search would cut through other starts' feet). Each arc
    keeps its piece, so that a path of vertices can be read back as pieces."""

    def __init__(
        self,
        size: int,
        a: IntArray,
        b: IntArray,
        w: FloatArray,
        piece: IntArray,
        one_way: int = 0,
    ):
        # The last `one_way` arcs lead from a start node only.
        both = len(a) - one_way
        tail = np.concatenate([a, b[:both]])
        head = np.concatenate([b, a[:both]])
        weight = np.concatenate([w, w[:both]])
        pieces = np.concatenate([piece, piece[:both]])
        key = tail * size + head
        order = np.lexsort((weight, key))
        first = order[np.r_[True, key[order][1:] != key[order][:-1]]] if len(order) else order
        self.matrix = sparse.csr_matrix(
            (weight[first], (tail[first], head[first])), shape=(size, size)
        )
        self._piece = dict(zip(key[first].tolist(), pieces[first].tolist(), strict=True))
        self.size = size

    def piece(self, tail: int, head: int) -> int:
        """The piece behind the arc from `tail` to `head`."""
        return int(self._piece[tail * self.size + head])


@dataclass
class ShelterReach:
    """Dry distances from each shelter to each vertex within reach (inf beyond), and the
    search's predecessors to read the way back to the shelter."""

    graph: Graph
    shelters: Attach
    arcs: Arcs
    dist: npt.NDArray[np.float32]  # shelters × vertices
    pred: npt.NDArray[np.int32]  # shelters × (vertices + shelters)

    def from_vertices(self, vertices: IntArray, extra: FloatArray) -> npt.NDArray[np.float64]:
        """Shelters × the given vertices: shelter's straight bit + dry distance + `extra`."""
        return (
            self.dist[:, vertices].astype(np.float64)
            + extra[np.newaxis, :]
            + self.shelters.straight[:, np.newaxis]
        )

    def steps_to_shelter(self, shelter: int, vertex: int) -> list[Step]:
        """The pieces from a vertex to the shelter's foot, in walking order."""
        n = self.graph.vertices
        steps: list[Step] = []
        here = vertex
        while True:
            before = int(self.pred[shelter, here])
            if before == n + shelter:
                piece = int(self.shelters.piece[shelter])
                at_u = int(self.graph.u[piece]) == here
                start = 0.0 if at_u else float(self.graph.metres[piece])
                steps.append(Step(piece, start, float(self.shelters.along[shelter])))
                return steps
            if before == NONE:
                raise ValueError(f"vertex {vertex} is not reached from shelter {shelter}")
            steps.append(_whole(self.graph, self.arcs.piece(before, here), here))
            here = before


def _whole(graph: Graph, piece: int, start_vertex: int) -> Step:
    length = float(graph.metres[piece])
    if int(graph.u[piece]) == start_vertex:
        return Step(piece, 0.0, length)
    return Step(piece, length, 0.0)


def shelter_reach(graph: Graph, keep: BoolArray, shelters: Attach, reach: float) -> ShelterReach:
    """Search outward from every shelter joined to the network, over the kept pieces only
    (each shelter's own piece must be one of them)."""
    n, k = graph.vertices, len(shelters.piece)
    routed = np.flatnonzero(shelters.piece >= 0)
    node = n + routed
    own = shelters.piece[routed]
    kept = np.flatnonzero(keep)
    arcs = Arcs(
        n + k,
        np.concatenate([graph.u[kept], node, node]),
        np.concatenate([graph.v[kept], graph.u[own], graph.v[own]]),
        np.concatenate(
            [graph.metres[kept], shelters.along[routed], graph.metres[own] - shelters.along[routed]]
        ),
        np.concatenate([kept, own, own]),
        one_way=2 * len(routed),
    )
    dist = np.full((k, n), np.inf, dtype=np.float32)
    pred = np.full((k, n + k), NONE, dtype=np.int32)
    for chunk in _chunks(routed):
        found, before = dijkstra(
            arcs.matrix, directed=True, indices=n + chunk, limit=reach, return_predecessors=True
        )
        dist[chunk] = found[:, :n]
        pred[chunk] = before
    return ShelterReach(graph, shelters, arcs, dist, pred)


def _chunks(index: IntArray) -> Iterator[IntArray]:
    for start in range(0, len(index), CHUNK):
        yield index[start : start + CHUNK]


def dry_distances(reach: ShelterReach, homes: Attach) -> npt.NDArray[np.float64]:
    """Shelters × homes joined to dry pieces: the whole walking distance (inf beyond reach)."""
    graph = reach.graph
    piece, along = homes.piece, homes.along
    via_u = reach.from_vertices(graph.u[piece], along + homes.straight)
    via_v = reach.from_vertices(graph.v[piece], graph.metres[piece] - along + homes.straight)
    best = np.minimum(via_u, via_v)
    # A home on the shelter's own piece may walk straight along it.
    same = reach.shelters.piece[:, np.newaxis] == piece[np.newaxis, :]
    if same.any():
        s, h = np.nonzero(same)
        direct = (
            np.abs(reach.shelters.along[s] - along[h])
            + reach.shelters.straight[s]
            + homes.straight[h]
        )
        best[s, h] = np.minimum(best[s, h], direct)
    return best


def dry_steps(reach: ShelterReach, home: Attach, shelter: int) -> list[Step]:
    """The pieces of a dry home's shortest way to the shelter, in walking order."""
    graph = reach.graph
    piece, along = int(home.piece[0]), float(home.along[0])
    length = float(graph.metres[piece])
    if int(reach.shelters.piece[shelter]) == piece:
        direct = abs(float(reach.shelters.along[shelter]) - along)
        if direct <= _via_end(reach, home, shelter).min() + 1e-6:
            return [Step(piece, along, float(reach.shelters.along[shelter]))]
    ends = _via_end(reach, home, shelter)
    if ends[0] <= ends[1]:
        return [Step(piece, along, 0.0), *reach.steps_to_shelter(shelter, int(graph.u[piece]))]
    return [Step(piece, along, length), *reach.steps_to_shelter(shelter, int(graph.v[piece]))]


def _via_end(reach: ShelterReach, home: Attach, shelter: int) -> FloatArray:
    graph = reach.graph
    piece, along = int(home.piece[0]), float(home.along[0])
    return np.array(
        [
            reach.dist[shelter, graph.u[piece]] + along,
            reach.dist[shelter, graph.v[piece]] + graph.metres[piece] - along,
        ]
    )


@dataclass(frozen=True)
class WalkOut:
    """For homes inside one area at one level: where each can leave the area, how far it
    walks to get there, and the search's predecessors to read that walk back."""

    graph: Graph
    homes: Attach
    local: IntArray  # the walk-out graph's vertices, as network vertices
    arcs: Arcs
    dist: FloatArray  # homes × local vertices (the home's straight bit included)
    pred: npt.NDArray[np.int32]
    exits: IntArray  # local vertex numbers where a dry piece begins

    def exits_of(self, home: int) -> tuple[IntArray, FloatArray]:
        """Network vertices where the home's walk leaves the area, and the metres to each."""
        reached = self.exits[np.isfinite(self.dist[home, self.exits])]
        return self.local[reached], self.dist[home, reached]

    def steps_out(self, home: int, exit_vertex: int) -> list[Step]:
        """The home's pieces from its foot to the exit, in walking order."""
        m = len(self.local)
        position = int(np.flatnonzero(self.local == exit_vertex)[0])
        backwards: list[Step] = []
        here = position
        while True:
            before = int(self.pred[home, here])
            if before == m + home:
                piece = int(self.homes.piece[home])
                at_u = int(self.graph.u[piece]) == int(self.local[here])
                end = 0.0 if at_u else float(self.graph.metres[piece])
                backwards.append(Step(piece, float(self.homes.along[home]), end))
                return backwards[::-1]
            piece = self.arcs.piece(before, here)
            backwards.append(_whole(self.graph, piece, int(self.local[before])))
            here = before


def walk_out(
    graph: Graph, keep: BoolArray, exit_at: BoolArray, homes: Attach, reach: float
) -> WalkOut:
    """Walks from homes joined to kept (wet) pieces over the kept pieces only, to the vertices
    marked in `exit_at` (where a dry piece the homes may use begins)."""
    kept = np.flatnonzero(keep)
    local, inverse = np.unique(np.concatenate([graph.u[kept], graph.v[kept]]), return_inverse=True)
    m, h = len(local), len(homes.piece)
    lu, lv = inverse[: len(kept)], inverse[len(kept) :]
    position = {int(vertex): i for i, vertex in enumerate(local)}
    own = homes.piece
    node = m + np.arange(h)
    arcs = Arcs(
        m + h,
        np.concatenate([lu, node, node]),
        np.concatenate([lv, [position[int(x)] for x in graph.u[own]],
                        [position[int(x)] for x in graph.v[own]]]).astype(np.int64),
        np.concatenate([graph.metres[kept], homes.along, graph.metres[own] - homes.along]),
        np.concatenate([kept, own, own]),
        one_way=2 * h,
    )  # fmt: skip
    found, pred = dijkstra(
        arcs.matrix, directed=True, indices=node, limit=reach, return_predecessors=True
    )
    dist = found[:, :m] + homes.straight[:, np.newaxis]
    exits = np.flatnonzero(exit_at[local])
    return WalkOut(graph, homes, local, arcs, dist, pred.astype(np.int32), exits)


def wet_distances(reach: ShelterReach, out: WalkOut) -> tuple[npt.NDArray[np.float64], IntArray]:
    """Shelters × the walk-out's homes: the whole distance, and the exit each way leaves by
    (-1 where no shelter is reached)."""
    k, h = len(reach.shelters.piece), len(out.homes.piece)
    best = np.full((k, h), np.inf)
    exit_of = np.full((k, h), -1, dtype=np.int64)
    for home in range(h):
        vertices, metres = out.exits_of(home)
        if len(vertices) == 0:
            continue
        total = reach.from_vertices(vertices, metres)
        pick = np.argmin(total, axis=1)
        best[:, home] = total[np.arange(k), pick]
        exit_of[:, home] = np.where(np.isfinite(best[:, home]), vertices[pick], -1)
    return best, exit_of
