"""Server time of a neighbourhood's page and its map data with 2,000 people in it.

    .venv/bin/python -m bench.neighbourhood_page [--people 2000]

Uses the bench database as bench.plan_city leaves it: joins neighbouring areas of the
city-scale town into one neighbourhood of about that many people (in a transaction that is
rolled back), signs in an officer and times the requests through Django's test client. The
baseline beside it is the login page, which touches no data.
"""

import argparse
import statistics
import time

from bench.setup import django_on_bench_database, machine


def timed(client: object, url: str, repeat: int = 7) -> float:
    from django.test import Client

    assert isinstance(client, Client)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times[1:]) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2_000)
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
        page = timed(client, reverse("neighbourhood", args=[big.code]))
        data = timed(client, reverse("neighbourhood_map", args=[big.code]) + "?hazard=flood")
        baseline = timed(Client(), reverse("login"))
        transaction.set_rollback(True)

    print(f"neighbourhood page ({machine()})")
    print(f"  {big.code} joined from {len(chosen)} areas: {count:,} active people")
    print(f"  page          {page:6.0f} ms (median of 6, server time through the test client)")
    print(f"  map GeoJSON   {data:6.0f} ms")
    print(f"  baseline: login page {baseline:4.0f} ms")


if __name__ == "__main__":
    main()
