"""Server time of a neighbourhood's page and its map data with 2,000 people in it.

    .venv/bin/python -m bench.neighbourhood_page [--people 2000] [--repeat 7] [--top 12]

Uses the bench database as bench.plan_city leaves it: joins neighbouring areas of the
city-scale town into one neighbourhood of about that many people (in a transaction that is
rolled back), signs in an officer and times the requests through Django's test client. The
baseline beside it is the login page, which touches no data. Each response is then profiled
once more, apart from the timed requests (cProfile slows what it watches), and the profile's
top lines are printed with the number of queries and their time.
"""

import argparse
import cProfile
import io
import pstats
import statistics
import time
from typing import Any

from bench.setup import django_on_bench_database, load_average, machine


def timed(client: Any, url: str, repeat: int) -> float:
    """The median server time in milliseconds, the first (warming) request left out."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times[1:]) * 1000


def profiled(client: Any, url: str, top: int) -> str:
    """One request under cProfile: its top functions by own time, and its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profile.enable()
        response = client.get(url)
        profile.disable()
    assert response.status_code == 200, (url, response.status_code)
    seconds = sum(float(query["time"]) for query in queries.captured_queries)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    # From the column titles on: the summary above them repeats what the timings say.
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    head = f"    {len(queries.captured_queries)} queries, {seconds * 1000:.0f} ms in the database"
    return "\n".join([head] + ["    " + line for line in lines[start:]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--top", type=int, default=12, help="profile lines to print (0: none)")
    args = parser.parse_args()
    django_on_bench_database()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.gis.db.models import Union
    from django.contrib.gis.geos import MultiPolygon
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from registry.models import Neighbourhood, Person

    settings.ALLOWED_HOSTS = ["testserver"]
    with transaction.atomic():
        areas = list(Neighbourhood.objects.order_by("code"))
        chosen, count = [], 0
        for area in areas[100:]:
            chosen.append(area)
            count += Person.objects.filter(neighbourhood=area, status="active").count()
            if count >= args.people:
                break
        big = chosen[0]
        joined = Neighbourhood.objects.filter(pk__in=[a.pk for a in chosen]).aggregate(
            g=Union("geom")
        )["g"]
        big.geom = joined if isinstance(joined, MultiPolygon) else MultiPolygon(joined, srid=4326)
        big.save()
        Person.objects.filter(neighbourhood__in=chosen).update(neighbourhood=big)
        officer = get_user_model().objects.create_superuser(
            "bench-officer", password="bench-password-123"
        )
        client = Client()
        client.force_login(officer)
        page_url = reverse("neighbourhood", args=[big.code])
        map_url = reverse("neighbourhood_map", args=[big.code]) + "?hazard=flood"
        page = timed(client, page_url, args.repeat)
        data = timed(client, map_url, args.repeat)
        baseline = timed(Client(), reverse("login"), args.repeat)
        profiles = (
            [profiled(client, page_url, args.top), profiled(client, map_url, args.top)]
            if args.top
            else []
        )
        transaction.set_rollback(True)

    one, five = load_average()
    print(f"neighbourhood page ({machine()}, load average {one:.2f} / {five:.2f})")
    print(f"  {big.code} joined from {len(chosen)} areas: {count:,} active people")
    median_of = f"median of {args.repeat - 1}"
    print(f"  page          {page:6.0f} ms ({median_of}, server time through the test client)")
    print(f"  map GeoJSON   {data:6.0f} ms")
    print(f"  baseline: login page {baseline:4.0f} ms")
    titles = ["the page (one request, by own time)", "the map GeoJSON"]
    for title, profile in zip(titles[: len(profiles)], profiles, strict=True):
        print(f"  profile of {title}:")
        print(profile)


if __name__ == "__main__":
    main()
