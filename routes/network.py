"""The street network as one plan run sees it: every edge cut where it crosses the edge of one
of the hazard's polygons, each piece inside or outside, with its area and level (planning.md,
"Walking routes"); points joined to the nearest piece they may use; the pieces of a route drawn
back as a line.

The pieces live in UNLOGGED scratch tables named after the database session, created inside
the run's transaction and dropped when it ends, like the planner's own."""

from dataclasses import dataclass

import numpy as np
from django.db import connection

from registry.bulk import copy_rows
from routes.models import RoadEdge
from routes.walking import DRY, Attach, BoolArray, Graph, IntArray, Step

PIECES = """
CREATE UNLOGGED TABLE {piece} AS
WITH cut AS (
    -- Cut at points, not along the polygons' edges: a street may run along an edge for a
    -- while, where the points of that stretch are the cuts (and the stretch counts as inside).
    SELECT e.id, ST_Union(ST_Points(ST_Intersection(e.geom, ST_Boundary(z.geom)))) AS blade
    FROM routes_roadedge e JOIN {zone} z ON ST_Intersects(e.geom, z.geom)
    GROUP BY e.id
), parts AS (
    SELECT e.id AS edge, e.source, e.target, e.steps, e.geom AS whole, d.geom, d.path[1] AS n
    FROM routes_roadedge e LEFT JOIN cut c ON c.id = e.id
    CROSS JOIN LATERAL ST_Dump(
        CASE WHEN c.blade IS NULL OR ST_IsEmpty(c.blade) THEN e.geom
             -- Snapped first: a crossing computed in floating point may lie a hair off.
             ELSE ST_Split(ST_Snap(e.geom, c.blade, 1e-9), c.blade) END
    ) AS d
    WHERE ST_Length(d.geom) > 0
)
SELECT (row_number() OVER (ORDER BY parts.edge, parts.n) - 1)::int4 AS idx,
       parts.edge, parts.source, parts.target, parts.steps, parts.geom,
       ST_Transform(parts.geom, %(srid)s) AS xy,
       ST_Length(parts.geom::geography) AS metres,
       ST_DWithin(ST_StartPoint(parts.geom), ST_StartPoint(parts.whole), 1e-8) AS at_source,
       ST_DWithin(ST_EndPoint(parts.geom), ST_EndPoint(parts.whole), 1e-8) AS at_target,
       inside.area, COALESCE(inside.level, 0) AS level
FROM parts LEFT JOIN LATERAL (
    -- A piece lies wholly inside or outside each polygon: its middle tells which.
    SELECT min(z.area) AS area, max(z.level) AS level FROM {zone} z
    WHERE ST_Intersects(z.geom, ST_LineInterpolatePoint(parts.geom, 0.5))
) inside ON true
"""

ATTACH = """
SELECT p.idx, near.idx, near.t * near.metres,
       ST_Distance(p.location, ST_Transform(near.foot, 4326)::geography), p.area, p.level
FROM (
    SELECT t.idx, t.location, t.xy, flagged.idx IS NOT NULL AS no_steps,
           home.area, COALESCE(home.level, 0) AS level
    FROM {points} t
    LEFT JOIN (SELECT unnest(%(flagged)s::int4[]) AS idx) flagged ON flagged.idx = t.idx
    LEFT JOIN LATERAL (
        SELECT min(z.area) AS area, max(z.level) AS level FROM {zone} z
        WHERE %(wet)s AND ST_Intersects(z.xy, t.xy)
    ) home ON true
) p
CROSS JOIN LATERAL (
    SELECT k.idx, k.metres, ST_LineLocatePoint(k.xy, p.xy) AS t,
           ST_ClosestPoint(k.xy, p.xy) AS foot, k.xy <-> p.xy AS planar
    FROM {piece} k
    WHERE (k.area IS NULL OR (k.area = p.area AND k.level <= p.level))
      AND NOT (k.steps AND p.no_steps)
      -- The straight bit to the street keeps to the same rules as the pieces: it does not
      -- cut through the hazard (or across the river in it) to reach a street beyond.
      AND NOT EXISTS (
          SELECT 1 FROM {zone} z
          WHERE ST_Intersects(z.xy, ST_MakeLine(p.xy, ST_ClosestPoint(k.xy, p.xy)))
            AND (p.area IS NULL OR z.area <> p.area OR z.level > p.level))
    ORDER BY k.xy <-> p.xy LIMIT 1
) near
WHERE near.planar <= %(snap)s
"""


def network_loaded() -> bool:
    return RoadEdge.objects.exists()


@dataclass(frozen=True)
class Joined:
    """Points joined to the network, and the area (DRY outside) and level of each."""

    attach: Attach
    area: IntArray
    level: IntArray


class HazardNetwork:
    """The network cut by one hazard kind's polygons, for the run's database session."""

    def __init__(self, kind: str, srid: int) -> None:
        self.kind, self.srid = kind, srid
        self.zone = self.piece = self.steps = ""

    def __enter__(self) -> "HazardNetwork":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            suffix = cursor.fetchone()[0]
        self.zone, self.piece = f"route_zone_{suffix}", f"route_piece_{suffix}"
        self.steps = f"route_step_{suffix}"
        self._drop()
        with connection.cursor() as cursor:
            # An area: polygons that touch, whatever their levels (clusters at distance 0).
            cursor.execute(
                f"CREATE UNLOGGED TABLE {self.zone} AS "
                "SELECT id, COALESCE(level, 0) AS level, geom, ST_Transform(geom, %s) AS xy, "
                "ST_ClusterDBSCAN(geom, 0, 1) OVER () AS area "
                "FROM registry_hazardarea WHERE kind = %s",
                [self.srid, self.kind],
            )
            cursor.execute(f"CREATE INDEX ON {self.zone} USING gist (geom)")
            cursor.execute(f"CREATE INDEX ON {self.zone} USING gist (xy)")
            cursor.execute(f"ANALYZE {self.zone}")
            cursor.execute(PIECES.format(piece=self.piece, zone=self.zone), {"srid": self.srid})
            cursor.execute(f"CREATE INDEX ON {self.piece} USING gist (xy)")
            cursor.execute(f"ANALYZE {self.piece}")
        return self

    def __exit__(self, *exc: object) -> None:
        self._drop()

    def _drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.zone}, {self.piece}, {self.steps}")

    def graph(self) -> Graph:
        """The pieces as arrays; vertices are the network's junctions and the points where a
        piece meets a polygon's edge, numbered 0 … n-1."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT idx, edge, source, target, at_source, at_target, "
                f"ST_X(ST_StartPoint(geom)), ST_Y(ST_StartPoint(geom)), "
                f"ST_X(ST_EndPoint(geom)), ST_Y(ST_EndPoint(geom)), metres, steps, area, level "
                f"FROM {self.piece} ORDER BY idx"
            )
            rows = cursor.fetchall()
        numbers: dict[tuple[object, ...], int] = {}

        def vertex(key: tuple[object, ...]) -> int:
            return numbers.setdefault(key, len(numbers))

        u, v = [], []
        for _, edge, source, target, at_source, at_target, sx, sy, ex, ey, *_rest in rows:
            # Where a piece ends inside its edge, the point is shared by the next piece only.
            u.append(
                vertex(("j", source) if at_source else ("c", edge, round(sx, 9), round(sy, 9)))
            )
            v.append(
                vertex(("j", target) if at_target else ("c", edge, round(ex, 9), round(ey, 9)))
            )
        return Graph(
            vertices=len(numbers),
            u=np.array(u, dtype=np.int64),
            v=np.array(v, dtype=np.int64),
            metres=np.array([r[10] for r in rows], dtype=np.float64),
            steps=np.array([r[11] for r in rows], dtype=bool),
            area=np.array([DRY if r[12] is None else r[12] for r in rows], dtype=np.int64),
            level=np.array([r[13] for r in rows], dtype=np.int64),
        )

    def join(
        self, points: str, count: int, *, no_steps: BoolArray, snap: float, wet: bool
    ) -> Joined:
        """Join each point of a table (`idx` 0 … count-1, `location` geography, `xy` on the
        run's plane) to the nearest piece it may use within `snap` metres: dry pieces, and
        with `wet` the pieces of the point's own area at its level or lower; steps only where
        `no_steps` is false."""
        piece = np.full(count, -1, dtype=np.int64)
        along = np.zeros(count)
        straight = np.zeros(count)
        area = np.full(count, DRY, dtype=np.int64)
        level = np.zeros(count, dtype=np.int64)
        sql = ATTACH.format(points=points, zone=self.zone, piece=self.piece)
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {"flagged": np.flatnonzero(no_steps).tolist(), "wet": wet, "snap": snap},
            )
            for idx, found, metres, gap, home_area, home_level in cursor.fetchall():
                piece[idx], along[idx], straight[idx] = found, metres, gap
                if home_area is not None:
                    area[idx], level[idx] = home_area, home_level
        return Joined(Attach(piece, along, straight), area, level)

    def lines(
        self,
        routes: list[tuple[int, int, list[Step]]],
        homes: str,
        shelters: str,
        metres: np.ndarray,
    ) -> dict[tuple[int, int], str]:
        """Each (home idx, shelter idx, pieces) as one line from the home along the pieces to
        the shelter, as EWKB hex; the homes' and shelters' tables give the ends."""
        if not routes:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE UNLOGGED TABLE {self.steps} (home int4, shelter int4, seq int4, "
                "piece int4, a float8, b float8)"
            )
        rows = (
            (home, shelter, seq, step.piece, step.start / max(metres[step.piece], 1e-9),
             step.end / max(metres[step.piece], 1e-9))
            for home, shelter, steps in routes
            for seq, step in enumerate(steps)
        )  # fmt: skip
        copy_rows(self.steps, ("home", "shelter", "seq", "piece", "a", "b"), rows)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT r.home, r.shelter, ST_AsEWKB(ST_MakeLine(
                    ARRAY[h.location::geometry] || r.parts || ARRAY[s.location::geometry]))
                FROM (
                    SELECT w.home, w.shelter, array_agg(
                        CASE WHEN w.a <= w.b
                             THEN ST_LineSubstring(k.geom, LEAST(w.a, 1), LEAST(w.b, 1))
                             ELSE ST_Reverse(ST_LineSubstring(k.geom, LEAST(w.b, 1), LEAST(w.a, 1)))
                        END ORDER BY w.seq) AS parts
                    FROM {self.steps} w JOIN {self.piece} k ON k.idx = w.piece
                    GROUP BY w.home, w.shelter
                ) r
                JOIN {homes} h ON h.idx = r.home JOIN {shelters} s ON s.idx = r.shelter
                """
            )
            found = {(h, s): bytes(line).hex() for h, s, line in cursor.fetchall()}
            cursor.execute(f"DROP TABLE {self.steps}")
        return found
