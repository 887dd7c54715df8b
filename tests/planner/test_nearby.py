"""Pairs within reach found in memory are exactly those PostGIS finds, with the same metres:
at random, right at the reach, and at the rounding edge of a metre."""

import numpy as np
import pytest
from django.db import connection
from pyproj import Geod

from planner import nearby

pytestmark = pytest.mark.django_db
ORIGIN = (139.70, 35.60)  # Tokyo: UTM zone 54
SRID = 32654
REACH = 500
WGS84 = Geod(ellps="WGS84")


def postgis_pairs(a: np.ndarray, b: np.ndarray, reach: int) -> dict[tuple[int, int], int]:
    """Every pair by PostGIS itself, as the planner's joins measure: geography distance
    within the reach, rounded to metres."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i, j, round(d)::int4 FROM (
                SELECT a.i, b.j, ST_Distance(
                    ST_SetSRID(ST_MakePoint(a.x, a.y), 4326)::geography,
                    ST_SetSRID(ST_MakePoint(b.x, b.y), 4326)::geography) AS d
                FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS a (x, y, i)
                CROSS JOIN unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS b (x, y, j)
            ) pairs WHERE d <= %s
            """,
            [a[:, 0].tolist(), a[:, 1].tolist(), b[:, 0].tolist(), b[:, 1].tolist(), reach],
        )
        return {(i - 1, j - 1): d for i, j, d in cursor.fetchall()}


def in_memory(near: nearby.Near) -> dict[tuple[int, int], int]:
    return {(int(a), int(b)): int(m) for a, b, m in zip(near.a, near.b, near.metres, strict=True)}


def scattered(rng: np.random.Generator, count: int, spread_m: float) -> np.ndarray:
    east, north = rng.uniform(0, spread_m, count), rng.uniform(0, spread_m, count)
    lon, lat, _ = WGS84.fwd(
        np.full(count, ORIGIN[0]), np.full(count, ORIGIN[1]), np.full(count, 90.0), east
    )
    lon, lat, _ = WGS84.fwd(lon, lat, np.zeros(count), north)
    return np.column_stack([lon, lat])


def test_it_finds_the_pairs_and_metres_postgis_finds():
    rng = np.random.default_rng(7)
    people, supporters = scattered(rng, 300, 2_500), scattered(rng, 200, 2_500)

    near = nearby.pairs_within(people, supporters, REACH, SRID)

    expected = postgis_pairs(people, supporters, REACH)
    assert len(expected) > 1_000  # the sample reaches across the city's blocks
    assert in_memory(near) == expected
    assert not near.unsure.any()
    # In order of person, then supporter.
    assert list(zip(near.a, near.b, strict=True)) == sorted(expected)


def test_it_agrees_with_postgis_at_the_reach_and_at_half_metres():
    home = np.array([ORIGIN])
    # Supporters due east, north-east and north at distances around the reach and around
    # a half metre, measured on the ellipsoid.
    distances = [499.4999, 499.5, 499.5001, 499.9999, 500.0, 500.0001, 500.4, 12.5, 13.5]
    azimuths = [90.0, 45.0, 0.0]
    lon, lat, _ = WGS84.fwd(
        np.full(len(distances) * len(azimuths), ORIGIN[0]),
        np.full(len(distances) * len(azimuths), ORIGIN[1]),
        np.repeat(azimuths, len(distances)),
        np.tile(distances, len(azimuths)),
    )
    supporters = np.column_stack([lon, lat])

    near = nearby.pairs_within(home, supporters, REACH, SRID)
    measured = in_memory(near)
    sure = {pair: m for pair, m, u in zip(measured, near.metres, near.unsure, strict=True) if not u}

    expected = postgis_pairs(home, supporters, REACH)
    # What memory is sure of, PostGIS says too; what it is unsure of is left for PostGIS.
    assert all(expected.get(pair) == m for pair, m in sure.items())
    assert set(expected) <= set(measured)
    assert near.unsure.any()  # the exact half metres and the reach itself


def test_it_leaves_the_pairs_the_rules_forbid_unmeasured():
    rng = np.random.default_rng(3)
    people, supporters = scattered(rng, 50, 800), scattered(rng, 40, 800)

    near = nearby.pairs_within(
        people, supporters, REACH, SRID, allowed=lambda a, b: (a + b) % 2 == 0
    )

    expected = {
        pair: m
        for pair, m in postgis_pairs(people, supporters, REACH).items()
        if sum(pair) % 2 == 0
    }
    assert in_memory(near) == expected


def test_it_finds_nothing_among_nobody():
    near = nearby.pairs_within(np.zeros((0, 2)), np.array([ORIGIN]), REACH, SRID)

    assert len(near.a) == len(near.metres) == 0
