"""Shared start-up for benchmarks: Django on a database of their own, never the demo's."""

import os
import resource
import sys

BENCH_DATABASE = "sasaeai_bench"


def django_on_bench_database() -> None:
    """Point Django at its own database (created and migrated when missing) and set it up."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasaeai.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SASAEAI_LOCAL_DB_NAME"] = BENCH_DATABASE
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    _create_database(connection.settings_dict["NAME"])
    call_command("migrate", verbosity=0)


def _create_database(name: str) -> None:
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
