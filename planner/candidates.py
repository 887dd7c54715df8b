"""Who can reach whom: the scenario's people, supporters and shelters loaded into temporary
tables, and the candidate pairs found by set-based PostGIS joins (never a query per person).

Pairs come back as one packed value of fixed-width integers, read straight into NumPy arrays:
millions of pairs in well under a second.

Person-supporter pairs are found in memory (planner.nearby), with the same pairs and metres
as a join would give. Spatial joins first test a planar distance in the city's UTM zone, which
the GiST index answers quickly, with a margin wider than the projection's scale error; the
exact geodesic distance on the WGS84 ellipsoid (PostGIS geography) then decides and is the
cost.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import QuerySet

from planner import eligibility, nearby
from planner.matching import Arcs, IntArray
from planner.scenario import Policy, Scenario
from registry import needs
from registry.bulk import copy_rows
from registry.models import Neighbourhood, Person, Shelter, Supporter
from registry.models.areas import inside_hazard


class ScenarioError(ValueError):
    """The scenario names something that does not exist."""


@dataclass(frozen=True)
class People:
    """The scenario's active people who may be planned, by index."""

    ids: IntArray
    needed: IntArray
    weight: IntArray
    in_hazard: npt.NDArray[np.bool_]
    welfare: npt.NDArray[np.bool_]
    barrier_free: npt.NDArray[np.bool_]
    capability: list[str | None]
    # Active people in scope without consent: (pk, needed, home in the hazard area).
    no_consent: list[tuple[int, int, bool]]

    def index_of(self) -> dict[int, int]:
        return {int(pk): index for index, pk in enumerate(self.ids)}


@dataclass(frozen=True)
class Targets:
    """Supporters or shelters open in the scenario, by index: pk and capacity (-1 = none)."""

    ids: IntArray
    capacity: IntArray

    def index_of(self) -> dict[int, int]:
        return {int(pk): index for index, pk in enumerate(self.ids)}


def utm_srid(lon: float, lat: float) -> int:
    zone = int((lon + 180) // 6) + 1
    return (32600 if lat >= 0 else 32700) + zone


def scope_neighbourhood(scenario: Scenario) -> Neighbourhood | None:
    if scenario.neighbourhood is None:
        return None
    found = Neighbourhood.objects.filter(code=scenario.neighbourhood).first()
    if found is None:
        raise ScenarioError(f"no neighbourhood with code {scenario.neighbourhood!r}")
    return found


def resolve_ids(model: type[Supporter] | type[Shelter], external_ids: frozenset[str]) -> list[int]:
    found = dict(
        model.objects.filter(external_id__in=external_ids).values_list("external_id", "pk")
    )
    missing = sorted(external_ids - found.keys())
    if missing:
        kind = model._meta.verbose_name
        raise ScenarioError(f"no {kind} with ID {', '.join(missing)}")
    return sorted(found.values())


def scope_people(area: Neighbourhood | None) -> QuerySet[Person]:
    """The people a run is about: active ones, in the neighbourhood if one is given."""
    return eligibility.people_in_scope(None if area is None else area.pk)


def load_people(scenario: Scenario, policy: Policy, area: Neighbourhood | None) -> People:
    rows = (
        scope_people(area)
        .annotate(home_in_hazard=inside_hazard(scenario.hazard))
        .order_by("pk")
        .values_list("pk", "mobility", "medical_devices", "reasons", "shareable", "home_in_hazard")
    )
    table, care_level = policy.supporters_needed, policy.welfare_care_level
    ids, needed, weight, in_hazard, welfare, barrier_free, capability = [], [], [], [], [], [], []
    no_consent = []
    for pk, mobility, devices, reasons, shareable, home_in_hazard in rows.iterator(
        chunk_size=20_000
    ):
        if not shareable:
            no_consent.append((pk, needs.supporters_needed(mobility, table), home_in_hazard))
            continue
        ids.append(pk)
        needed.append(needs.supporters_needed(mobility, table))
        weight.append(policy.weight(in_hazard_area=home_in_hazard, medical_device=bool(devices)))
        in_hazard.append(home_in_hazard)
        welfare.append(needs.needs_welfare_shelter(mobility, devices, reasons, care_level))
        barrier_free.append(needs.needs_barrier_free(mobility))
        capability.append(needs.needs_capability(mobility))
    return People(
        ids=np.array(ids, dtype=np.int64),
        needed=np.array(needed, dtype=np.int64),
        weight=np.array(weight, dtype=np.int64),
        in_hazard=np.array(in_hazard, dtype=bool),
        welfare=np.array(welfare, dtype=bool),
        barrier_free=np.array(barrier_free, dtype=bool),
        capability=capability,
        no_consent=no_consent,
    )


def copy_pairs(query: str, params: dict[str, Any]) -> Arcs:
    """Run a query of three int4 columns and read its rows as arrays.

    The rows come back as one value: PostgreSQL packs each row's three integers (big-endian,
    `int4send`) and concatenates them, and NumPy reads the bytes as they are. A COPY of the
    rows sends one message per row, which cost a city's run seconds in the client alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(int4send(a) || int4send(b) || int4send(c), ''::bytea) "
            f"FROM ({query}) AS pairs (a, b, c)",
            params,
        )
        packed = cursor.fetchone()[0]
    rows = np.frombuffer(packed or b"", dtype=">i4").reshape(-1, 3)
    return Arcs(
        rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64), rows[:, 2].astype(np.int64)
    )


class PlanningTables:
    """The scenario's people, supporters and shelters as scratch tables of this run.

    They are UNLOGGED tables named after this database session rather than TEMPORARY ones,
    because PostgreSQL scans temporary tables in the leader process only, while the joins
    below run about twice as fast with parallel workers. They are created inside the run's
    transaction, so a failed run leaves nothing, and are dropped when the run ends.
    """

    def __init__(self, scenario: Scenario, policy: Policy, people: People) -> None:
        self.scenario, self.policy, self.people = scenario, policy, people
        self.srid = 0
        self.person = self.supporter = self.shelter = self.rejected = ""

    def __enter__(self) -> "PlanningTables":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            suffix = cursor.fetchone()[0]
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 2")
        self.person, self.supporter = f"plan_person_{suffix}", f"plan_supporter_{suffix}"
        self.shelter, self.rejected = f"plan_shelter_{suffix}", f"plan_rejected_{suffix}"
        self._drop()
        people = self.people
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE UNLOGGED TABLE {self.person} (idx int4, id bigint, capability text, "
                "welfare boolean, barrier_free boolean, location geography, xy geometry)"
            )
        copy_rows(
            self.person,
            ("idx", "id", "capability", "welfare", "barrier_free"),
            (
                (
                    i,
                    int(people.ids[i]),
                    people.capability[i],
                    bool(people.welfare[i]),
                    bool(people.barrier_free[i]),
                )
                for i in range(len(people.ids))
            ),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT ST_X(c), ST_Y(c) FROM (
                    SELECT ST_Centroid(ST_Collect(p.location::geometry)) AS c
                    FROM {self.person} pp JOIN registry_person p ON p.id = pp.id
                ) centre
                """
            )
            lon, lat = cursor.fetchone() or (None, None)
            # With nobody to plan, any zone will do.
            self.srid = utm_srid(lon, lat) if lon is not None and lat is not None else 32654
            cursor.execute(
                f"""
                UPDATE {self.person} pp
                SET location = p.location, xy = ST_Transform(p.location::geometry, %s)
                FROM registry_person p WHERE p.id = pp.id
                """,
                [self.srid],
            )
            cursor.execute(f"CREATE INDEX ON {self.person} USING gist (xy)")
            cursor.execute(f"ANALYZE {self.person}")
        return self

    def __exit__(self, *exc: object) -> None:
        self._drop()

    def _drop(self) -> None:
        with connection.cursor() as cursor:
            tables = ", ".join((self.person, self.supporter, self.shelter, self.rejected))
            cursor.execute(f"DROP TABLE IF EXISTS {tables}")

    def supporters(self, away: list[int], rejected: list[tuple[int, int]]) -> Targets:
        """Supporters who are active, available in the slot and not away."""
        fields = ", ".join(eligibility.CAPABILITY_FIELDS)
        open_ids, params = eligibility.ids_sql(
            eligibility.supporters_open(self.scenario.slot, away)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                CREATE UNLOGGED TABLE {self.supporter} AS
                SELECT (row_number() OVER (ORDER BY id) - 1)::int4 AS idx, id, capacity, location,
                       ST_Transform(location::geometry, %s) AS xy, {fields}, person_id
                FROM registry_supporter WHERE id IN ({open_ids})
                """,
                [self.srid, *params],
            )
            cursor.execute(f"CREATE INDEX ON {self.supporter} USING gist (xy)")
            cursor.execute(f"ANALYZE {self.supporter}")
            cursor.execute(
                f"CREATE UNLOGGED TABLE {self.rejected} (person_id bigint, supporter_id bigint)"
            )
            cursor.execute(f"SELECT id, capacity FROM {self.supporter} ORDER BY idx")
            rows = cursor.fetchall()
        copy_rows(self.rejected, ("person_id", "supporter_id"), iter(rejected))
        return Targets(
            ids=np.array([r[0] for r in rows], dtype=np.int64),
            capacity=np.array([max(r[1], 0) for r in rows], dtype=np.int64),
        )

    def supporter_arcs(self) -> Arcs:
        """Every person-supporter pair within reach that the rules allow (planning.md 1-5),
        in order of person then supporter."""
        fields = eligibility.CAPABILITY_FIELDS
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT coalesce(person_id, 0), {', '.join(fields)} FROM {self.supporter} "
                "ORDER BY idx"
            )
            rows = cursor.fetchall()
        offers = {f: np.array([r[1 + i] for r in rows], dtype=bool) for i, f in enumerate(fields)}
        rule = eligibility.SupporterPairs(
            person_ids=self.people.ids,
            capability=self.people.capability,
            supporter_person_ids=np.array([r[0] for r in rows], dtype=np.int64),
            offers=offers,
            rejected=self._rejected_indexes(),
        )
        reach = self.policy.supporter_reach_m
        near = nearby.pairs_within(
            self.lonlat(self.person),
            self.lonlat(self.supporter),
            reach,
            self.srid,
            rule.allowed,
            unsure_m=nearby.UNSURE_M,
        )
        unsure = np.flatnonzero(near.unsure)
        if len(unsure) == 0:
            return Arcs(near.a, near.b, near.metres)  # as good as always: no copies
        metres = near.metres.copy()
        keep = np.ones(len(metres), dtype=bool)
        metres[unsure], keep[unsure] = self._settled(
            self.supporter, near.a[unsure], near.b[unsure], reach
        )
        return Arcs(near.a[keep], near.b[keep], metres[keep])

    def lonlat(self, table: str) -> npt.NDArray[np.float64]:
        """Longitude and latitude of the table's rows in order of index (exact doubles)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT ST_X(location::geometry), ST_Y(location::geometry) FROM {table} "
                "ORDER BY idx"
            )
            return np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 2)

    def _rejected_indexes(self) -> tuple[IntArray, IntArray]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.idx, s.idx FROM {self.rejected} r "
                f"JOIN {self.person} p ON p.id = r.person_id "
                f"JOIN {self.supporter} s ON s.id = r.supporter_id"
            )
            rows = cursor.fetchall()
        pairs = np.array(rows, dtype=np.int64).reshape(-1, 2)
        return pairs[:, 0].copy(), pairs[:, 1].copy()

    def _settled(
        self, table: str, person: IntArray, target: IntArray, reach: int
    ) -> tuple[IntArray, npt.NDArray[np.bool_]]:
        """PostGIS's own rounded metres, and whether in reach, for pairs too close to call in
        memory."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT round(d)::int4, d <= %s FROM ("
                f"  SELECT pair.n, ST_Distance(p.location, t.location) AS d"
                f"  FROM unnest(%s::int4[], %s::int4[]) WITH ORDINALITY AS pair (pi, ti, n)"
                f"  JOIN {self.person} p ON p.idx = pair.pi JOIN {table} t ON t.idx = pair.ti"
                f") measured ORDER BY n",
                [reach, person.tolist(), target.tolist()],
            )
            rows = cursor.fetchall()
        return (
            np.array([r[0] for r in rows], dtype=np.int64),
            np.array([r[1] for r in rows], dtype=bool),
        )

    def shelters(self, closed: list[int]) -> Targets:
        """Shelters designated for the hazard, outside its areas, and open."""
        sql, params = eligibility.ids_sql(eligibility.shelters_open(self.scenario.hazard, closed))
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE UNLOGGED TABLE {self.shelter} AS "
                "SELECT (row_number() OVER (ORDER BY s.id) - 1)::int4 AS idx, s.id, s.capacity, "
                "s.location, ST_Transform(s.location::geometry, %s) AS xy, "
                "s.kind = %s AS welfare, s.barrier_free FROM registry_shelter s "
                f"WHERE s.id IN ({sql})",
                [self.srid, eligibility.WELFARE_KIND, *params],
            )
            cursor.execute(f"CREATE INDEX ON {self.shelter} USING gist (xy)")
            cursor.execute(f"ANALYZE {self.shelter}")
            cursor.execute(f"SELECT id, capacity FROM {self.shelter} ORDER BY idx")
            rows = cursor.fetchall()
        return Targets(
            ids=np.array([r[0] for r in rows], dtype=np.int64),
            capacity=np.array([-1 if r[1] is None else r[1] for r in rows], dtype=np.int64),
        )

    def shelter_arcs(self, nearest: int, only: IntArray | None = None) -> Arcs:
        """The `nearest` eligible shelters of each person (of the people given by index in
        `only`, or all), by the kind and barrier-free rules (planning.md 3-4), nearest on the
        city's plane first and whether in reach or not: shelter_lists decides what to keep."""
        return copy_pairs(
            f"""
            SELECT p.idx, c.idx, c.d
            FROM {self.person} p JOIN unnest(%(only)s::int4[]) AS chosen (idx) USING (idx)
            CROSS JOIN LATERAL (
                SELECT s.idx, round(ST_Distance(p.location, s.location))::int4 AS d
                FROM {self.shelter} s
                WHERE {eligibility.shelter_suits_sql("p", "s")}
                ORDER BY s.xy <-> p.xy LIMIT %(nearest)s
            ) c
            """,
            {
                "nearest": nearest,
                "only": list(range(len(self.people.ids)))
                if only is None
                else [int(i) for i in only],
            },
        )

    def welfare_shelter_arcs(self) -> Arcs:
        """Every welfare shelter within reach of every person who needs one: a complete list,
        since welfare shelters are few. Driven from the shelters, so that the people's index
        answers each one."""
        reach = self.policy.shelter_reach_m
        return copy_pairs(
            f"""
            SELECT pi, si, round(d)::int4 FROM (
                SELECT p.idx AS pi, s.idx AS si, ST_Distance(p.location, s.location) AS d
                FROM {self.shelter} s JOIN {self.person} p ON ST_DWithin(s.xy, p.xy, %(planar)s)
                WHERE s.welfare AND p.welfare AND {eligibility.shelter_suits_sql("p", "s")}
                OFFSET 0
            ) pairs WHERE d <= %(reach)s
            """,
            {"planar": nearby.planar_reach(reach), "reach": reach},
        )

    def welfare_shelter_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.shelter} WHERE welfare")
            return int(cursor.fetchone()[0])

    def pair_distances(
        self, table: str, pairs: list[tuple[int, int]]
    ) -> dict[tuple[int, int], int]:
        """Geodesic metres between given (person pk, supporter or shelter pk) pairs."""
        if not pairs:
            return {}
        model = {"supporter": Supporter, "shelter": Shelter}[table]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.id, t.id, round(ST_Distance(p.location, t.location))::int "
                f"FROM unnest(%s::bigint[], %s::bigint[]) AS pair(person_id, target_id) "
                f"JOIN registry_person p ON p.id = pair.person_id "
                f"JOIN {model._meta.db_table} t ON t.id = pair.target_id",
                [[p for p, _ in pairs], [t for _, t in pairs]],
            )
            return {(p, t): d for p, t, d in cursor.fetchall()}
