"""Shared start-up for benchmarks: Django on a database of their own, never the demo's."""

import os
import resource
import sys
import threading
from pathlib import Path

BENCH_DATABASE = "sasaeai_bench"


def django_on_bench_database(name: str = BENCH_DATABASE) -> None:
    """Point Django at its own database (created and migrated when missing) and set it up; a
    bench whose data must stay out of the others' passes a name of its own."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasaeai.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SASAEAI_LOCAL_DB_NAME"] = name
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


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def load_average() -> tuple[float, float]:
    """The 1- and 5-minute load averages: how much other work shared the cores."""
    one, five, _ = os.getloadavg()
    return one, five


def process_peak_mb(pid: int) -> float | None:
    """A live process's peak resident memory (VmHWM, from /proc); None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"


def resident_mb(pid: int) -> float:
    """A live process's resident memory now (VmRSS); 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


class TogetherPeak:
    """The greatest resident memory of this process and its children at the same moment,
    sampled every 50 ms in a thread while the `with` block runs (a process's own peak
    does not say how much two processes held at once)."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self.children_peak_mb = 0.0  # the largest any child process held
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "TogetherPeak":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.05):
            children: list[int] = []
            for task in Path(f"/proc/{me}/task").glob("*/children"):
                try:
                    children += [int(pid) for pid in task.read_text().split()]
                except OSError:
                    continue
            held = [resident_mb(pid) for pid in children]
            self.children_peak_mb = max([self.children_peak_mb, *held])
            self.peak_mb = max(self.peak_mb, resident_mb(me) + sum(held))
