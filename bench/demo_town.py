"""Build the city-scale demo town and print its time, throughput and peak memory.

    .venv/bin/python -m bench.demo_town [--people 100000 --supporters 50000 --shelters 1000]

Runs on its own database (sasaeai_bench in the local cluster) and lays the town's streets after
loading it. The baseline beside the figures is Django's bulk_create writing a sample of the same
people in the same run, which is what the COPY loader replaces.
"""

import argparse
import time

from bench.setup import django_on_bench_database, machine, peak_rss_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--supporters", type=int, default=50_000)
    parser.add_argument("--shelters", type=int, default=1_000)
    parser.add_argument("--baseline-sample", type=int, default=10_000)
    args = parser.parse_args()
    django_on_bench_database()

    from registry.demo.loader import demo_town_load
    from registry.demo.streets import demo_streets
    from registry.demo.town import build_town
    from registry.services import registry_wipe
    from routes.importer import import_ways, read_geojson

    registry_wipe()
    started = time.perf_counter()
    town = build_town(
        seed=args.seed, people=args.people, supporters=args.supporters, shelters=args.shelters
    )
    built = time.perf_counter()
    demo_town_load(town)
    loaded = time.perf_counter()
    streets = import_ways(read_geojson(demo_streets(town.ground, seed=args.seed, plane=town.plane)))
    streets_laid = time.perf_counter()
    rows = args.people + args.supporters + args.shelters
    rows += sum(len(p.contacts) for p in town.persons)

    baseline_seconds = _bulk_create_baseline(town, args.baseline_sample)

    print(f"demo town, seed {args.seed} ({machine()})")
    print(
        f"  {args.people:,} people, {args.supporters:,} supporters, {args.shelters:,} shelters,"
        f" {len(town.ground.neighbourhoods)} neighbourhoods"
    )
    print(f"  generate in memory      {built - started:7.1f} s")
    print(
        f"  write (COPY + places)   {loaded - built:7.1f} s   "
        f"{rows / (loaded - built):9,.0f} rows/s"
    )
    print(
        f"  streets (lay + import)  {streets_laid - loaded:7.1f} s   {streets.edges:9,} edges, "
        f"{streets.junctions:,} junctions"
    )
    print(
        f"  total                   {streets_laid - started:7.1f} s   "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )
    print(
        f"  baseline: bulk_create of {args.baseline_sample:,} of the same people "
        f"{baseline_seconds:.1f} s   {args.baseline_sample / baseline_seconds:9,.0f} rows/s"
    )


def _bulk_create_baseline(town: object, sample: int) -> float:
    """Write the first people again through the ORM, in a transaction that is rolled back."""
    from django.db import transaction

    from registry.demo.town import Town
    from registry.models import Person

    assert isinstance(town, Town)
    plane = town.plane
    people = [
        Person(
            external_id=f"B{row.external_id}",
            name=row.name,
            kana=row.kana,
            birth_date=row.birth_date,
            sex=row.sex,
            address=row.address,
            phone=row.phone,
            location=plane.point(row.x, row.y),
            reasons=row.reasons,
            mobility=row.mobility,
            lives_alone=row.lives_alone,
            medical_devices=row.medical_devices,
            communication=row.communication,
            status=row.status,
            consent=row.consent,
        )
        for row in town.persons[:sample]
    ]
    started = time.perf_counter()
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=1_000)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


if __name__ == "__main__":
    main()
