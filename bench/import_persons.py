"""Import a city's list of 100,000 people, then the same file again, and print the figures.

    .venv/bin/python -m bench.import_persons [--people 100000]

The file is the city-scale demo town's people written in the public persons.csv columns. The
baseline beside the import is reading and checking the same file without writing it, in the
same run: the difference is what the database work costs. A separate, profiled first import
(after the people are emptied again) gives the profile's top lines: the timed runs are not
profiled.
"""

import argparse
import cProfile
import csv
import dataclasses
import io
import pstats
import tempfile
import time
from pathlib import Path

from bench.setup import django_on_bench_database, load_average, machine, peak_rss_mb

# Measured on this machine before the reading was done column by column and the staging
# table's statistics were limited to its key (load average about 0.4).
BASELINE = "first import 8.2 s, same file again 4.8 s, read and check only 2.3 s"


def write_city_file(path: Path, people: int) -> None:
    from registry.demo.loader import demo_town_load
    from registry.demo.town import build_town
    from registry.importers.persons import SCHEMA
    from registry.services import registry_wipe

    town = build_town(seed=1, people=people, supporters=0, shelters=0)
    registry_wipe()
    # The town's neighbourhoods and hazard areas, but not its people: those come from the file.
    demo_town_load(dataclasses.replace(town, persons=[]))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SCHEMA.keys)
        for p in town.persons:
            lon, lat = town.plane.lonlat(p.x, p.y)
            contact = p.contacts[0] if p.contacts else None
            writer.writerow(
                SCHEMA.format(
                    {
                        "id": p.external_id, "name": p.name, "kana": p.kana,
                        "birth_date": p.birth_date, "sex": p.sex, "address": p.address,
                        "phone": p.phone, "lat": lat, "lon": lon, "reasons": p.reasons,
                        "mobility": p.mobility, "lives_alone": p.lives_alone,
                        "medical_devices": p.medical_devices, "communication": p.communication,
                        "consent": p.consent, "consent_date": p.consent_date, "status": p.status,
                        "emergency_contact_name": contact.name if contact else "",
                        "emergency_contact_relation": contact.relation if contact else "",
                        "emergency_contact_phone": contact.phone if contact else "",
                    }
                )
            )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    django_on_bench_database()

    from registry.importers import persons
    from registry.importers.service import import_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "persons.csv"
        write_city_file(path, args.people)
        size_mb = path.stat().st_size / 1e6

        started = time.perf_counter()
        persons.read(path, {})
        parse_seconds = time.perf_counter() - started

        timings = []
        for _ in range(2):
            started = time.perf_counter()
            result = import_file("persons", path, performed_by="bench")
            timings.append((time.perf_counter() - started, result))

        _empty_people()
        profile = cProfile.Profile()
        profile.enable()
        import_file("persons", path, performed_by="bench")
        profile.disable()

    print(f"import persons, {args.people:,} rows, {size_mb:.1f} MB CSV ({machine()})")
    for label, (seconds, result) in zip(("first import", "same file again"), timings, strict=True):
        c = result.counts
        print(
            f"  {label:<16} {seconds:6.1f} s  {args.people / seconds:8,.0f} rows/s   "
            f"created {c.created:,}, updated {c.updated:,}, unchanged {c.unchanged:,}"
        )
    print(
        f"  baseline: read and check only {parse_seconds:6.1f} s  "
        f"{args.people / parse_seconds:8,.0f} rows/s"
    )
    print(f"  baseline before the speed-up: {BASELINE}")
    print(f"  peak RSS {peak_rss_mb():,.0f} MB, load average %.2f, %.2f" % load_average())
    print("  profile of a separate first import (top 12 by own time):")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
    table = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(table) if line.lstrip().startswith("ncalls"))
    for line in table[start : start + 13]:
        print(f"    {line}")


def _empty_people() -> None:
    """Back to no people (the neighbourhoods stay), so that the next import creates them all."""
    from django.db import connection, transaction

    from registry.models import EmergencyContact, Person

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        tables = f"{EmergencyContact._meta.db_table}, {Person._meta.db_table}"
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


if __name__ == "__main__":
    main()
