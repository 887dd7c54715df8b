"""Print a sample of the city-scale town as a print job on 1 and on 2 workers, beside the same
neighbourhoods printed in this process without the queue, and what the pace means for a city,
a prefecture and the whole country.

    DATABASE_URL=postgres://postgres@%2F...%2Frun/sasaeai_b \\
        .venv/bin/python -m bench.print_workers [--people 6000] [--rounds 1]

Uses the bench database as bench.plan_city leaves it (the city-scale town, planned; the plans
are issued here first when they never were). The sample is the first neighbourhoods by code
that together hold about `--people` people. Workers are `manage.py worker` processes started
here; each run is timed from the job's creation to its end. The print jobs made here are
deleted at the end (the audit log keeps its entries of the prints: it only grows).
"""

import argparse
import io
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.setup import (
    cpu_model,
    django_on_bench_database,
    load_average,
    peak_rss_mb,
    process_peak_mb,
)

ROOT = Path(__file__).resolve().parent.parent
CITY = 100_000
# A large prefecture's people on the lists (the national average is 6.7 million / 47, about
# 143,000), and the whole country.
PREFECTURE = 300_000
COUNTRY = 6_700_000
MUNICIPALITIES = 1_741
TEN_MINUTES = 600.0


@dataclass
class Run:
    label: str
    seconds: float
    people: int
    pages: int
    peaks_mb: list[float]
    load: str
    cpu_s: list[float]

    @property
    def people_per_s(self) -> float:
        return self.people / self.seconds

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds


def load() -> str:
    one, five = load_average()
    return f"load {one:.1f}/{five:.1f}"


def vm_hwm_mb(pid: int) -> float:
    return process_peak_mb(pid) or 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time a live process has used: whether it had a core to itself on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def ensure_issued() -> None:
    from django.core.management import call_command

    from planner.models import PlanVersion

    if not PlanVersion.objects.exists():
        print("  no plan was ever issued here: issuing them first ...", flush=True)
        call_command("issue_plans")


def sample(people: int) -> list[Any]:
    """The first neighbourhoods by code that hold about `people` people together."""
    from django.db.models import Count

    from registry.models import Neighbourhood

    chosen, total = [], 0
    areas = Neighbourhood.objects.annotate(listed=Count("persons")).order_by("code")
    for area in areas:
        if total >= people:
            break
        chosen.append(area)
        total += area.listed
    return chosen


def live_workers() -> int:
    """Workers on this database that sent a heartbeat in the last 30 s."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_workers "
                       "WHERE last_heartbeat > now() - interval '30 seconds'")  # fmt: skip
        return int(cursor.fetchone()[0])


def start_workers(count: int, log: Path) -> list[subprocess.Popen[bytes]]:
    before = live_workers()
    out = log.open("ab")
    command = [sys.executable, "manage.py", "worker"]
    workers = [
        subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        for _ in range(count)
    ]
    out.close()
    deadline = time.monotonic() + 120
    while live_workers() < before + count:
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            stop_workers(workers)
            raise SystemExit(f"the workers did not start; see {log}")
        time.sleep(0.2)
    return workers


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> tuple[list[float], list[float]]:
    """Each worker's peak memory and CPU seconds, read just before it is stopped."""
    peaks = [vm_hwm_mb(w.pid) if w.poll() is None else 0.0 for w in workers]
    cpu = [cpu_seconds(w.pid) if w.poll() is None else 0.0 for w in workers]
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return peaks, cpu


def queued(areas: list[Any], workers: int, log: Path, jobs: list[int]) -> Run:
    from printouts.jobs import job_progress
    from printouts.models import PrintJob, PrintJobStatus, PrintPart
    from printouts.tasks import print_job_create

    running = start_workers(workers, log)
    try:
        started = time.perf_counter()
        job = print_job_create(areas, user=None, performed_by="bench.print_workers", lang="ja",
                               copy_for="association")  # fmt: skip
        jobs.append(job.pk)
        while PrintJob.objects.filter(pk=job.pk, status=PrintJobStatus.WORKING).exists():
            if any(w.poll() is not None for w in running):
                raise SystemExit(f"a worker stopped; see {log}")
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        state = load()
    finally:
        peaks, cpu = stop_workers(running)
    job.refresh_from_db()
    progress = job_progress(job)
    if job.status != PrintJobStatus.DONE:
        raise SystemExit(f"print job {job.pk} {job.status}: {progress}; see {log}")
    pages = 0
    for pdf in PrintPart.objects.filter(job=job).values_list("pdf", flat=True).iterator():
        assert pdf is not None
        pages += pdf_pages(bytes(pdf))
    label = f"queue, {workers} worker{'s' if workers > 1 else ''}"
    return Run(label, seconds, progress.people, pages, peaks, state, cpu)


def in_process(areas: list[Any]) -> Run:
    from printouts.services import print_neighbourhoods

    counted: list[int] = []

    def progress(message: str) -> None:
        # "3/14 N003: 499 people, ...": the people in each bundle.
        found = re.search(r": (\d+) people", message)
        counted.append(int(found.group(1)) if found else 0)

    with tempfile.TemporaryDirectory(prefix="print-bench-") as out:
        cpu = time.process_time()
        started = time.perf_counter()
        files, _ = print_neighbourhoods(
            areas, Path(out), lang="ja", copy_for="association", progress=progress
        )
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        state = load()
        pages = sum(pdf_pages(path.read_bytes()) for path in files)
    people = sum(counted)
    return Run("in this process, no queue", seconds, people, pages, [peak_rss_mb()], state, [cpu])


def delete_jobs(jobs: list[int]) -> None:
    from django.db import connection

    from printouts.models import PrintJob, PrintPart

    tasks = [
        int(t) for t in PrintPart.objects.filter(job__in=jobs).values_list("task", flat=True) if t
    ]
    PrintJob.objects.filter(pk__in=jobs).delete()
    with connection.cursor() as cursor:
        # With them the workers' periodic checks for dead workers, done while they ran.
        cursor.execute(
            "DELETE FROM procrastinate_jobs WHERE id = ANY(%s) OR "
            "(task_name = 'sasaeai.recover' AND status = 'succeeded')",
            [tasks],
        )


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:,.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:,.1f} min"
    return f"{seconds / 3600:,.1f} h"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=6_000, help="about this many people")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each measurement")
    args = parser.parse_args()
    django_on_bench_database()
    ensure_issued()
    if live_workers():
        sys.exit("a worker is already running on this database: stop it first")

    areas = sample(args.people)
    print(f"print a sample of the city with 1 and 2 workers ({os.cpu_count()} cores, "
          f"{cpu_model()}, Python {sys.version.split()[0]})")  # fmt: skip
    print(f"  sample: {len(areas)} neighbourhoods ({areas[0].code}–{areas[-1].code}), "
          f"{sum(a.listed for a in areas):,} people on the lists; {load()} at the start "
          f"(other work shares the cores)")  # fmt: skip
    jobs: list[int] = []
    runs: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory(prefix="print-workers-") as tmp:
        log = Path(tmp) / "workers.log"
        try:
            for _ in range(args.rounds):
                for run in (in_process(areas), queued(areas, 1, log, jobs),
                            queued(areas, 2, log, jobs)):  # fmt: skip
                    runs.setdefault(run.label, []).append(run)
                    cpu = " + ".join(f"{c:.0f}" for c in run.cpu_s)
                    print(f"  {run.label:<28} {run.seconds:6.1f} s  {run.people:,} people  "
                          f"{run.pages:,} pages  CPU {cpu} s  ({run.load})",
                          flush=True)  # fmt: skip
        finally:
            delete_jobs(jobs)

    # The fastest run of each: other work on the machine only ever slows one down.
    best = {label: min(found, key=lambda r: r.seconds) for label, found in runs.items()}
    base, one, two = best.values()
    print()
    print(f"  {'':<28} {'seconds':>8} {'pages/s':>8} {'people/s':>9} {'peak RSS per process':>22}")
    for run in (base, one, two):
        peaks = " + ".join(f"{mb:,.0f}" for mb in run.peaks_mb)
        print(f"  {run.label:<28} {run.seconds:8.1f} {run.pages_per_s:8.1f} "
              f"{run.people_per_s:9.1f} {peaks + ' MB':>22}")  # fmt: skip
    speedup = one.seconds / two.seconds
    efficiency = speedup / 2
    print(f"  speed-up with 2 workers: {speedup:.2f}× (efficiency {efficiency:.0%} per worker); "
          f"the queue against no queue on 1 worker: {base.seconds / one.seconds:.2f}×")  # fmt: skip

    # On a shared machine the wall clock shows cores taken by other work too; the workers'
    # CPU time shows the work itself: how evenly it split, and what it cost beyond one worker.
    cpu_one, cpu_two = sum(one.cpu_s), sum(two.cpu_s)
    cpu_efficiency = cpu_one / cpu_two
    shares = ", ".join(f"{c / two.seconds:.0%}" for c in two.cpu_s)
    print(f"  CPU: 1 worker {cpu_one:.0f} s; 2 workers {' + '.join(f'{c:.0f}' for c in two.cpu_s)}"
          f" s, each busy {shares} of the wall time (other work had the rest of the cores); "
          f"by CPU time 2 workers are {cpu_efficiency:.0%} as efficient as 1, so on free cores "
          f"the speed-up would be about {2 * cpu_efficiency:.2f}×")  # fmt: skip
    rate = one.people_per_s
    per_worker = rate * min(efficiency, 1.0)

    def city_seconds(workers: int) -> float:
        return CITY / (rate if workers == 1 else per_worker * workers)

    print()
    listed = sum(a.listed for a in areas)
    print(f"  at {rate:.1f} people/s per worker, and {efficiency:.0%} of it per worker when more "
          "than one run (one worker per core; the database not the limit),")  # fmt: skip
    print(f"  every person on the list printed (this town prints {one.people / listed:.0%} of "
          "its list: the rest have no issued plan), so the figures err long:")  # fmt: skip
    print("  a city of 100,000: " + ", ".join(
        f"{n} worker{'s' if n > 1 else ''} {duration(city_seconds(n))}" for n in (1, 2, 4, 8, 16)
    ))  # fmt: skip
    needed = math.ceil(CITY / (TEN_MINUTES * per_worker))
    print(f"  under 10 minutes for 100,000 people: {needed} workers "
          f"({duration(city_seconds(needed))})")  # fmt: skip
    prefecture_work = PREFECTURE / per_worker
    print(f"  a prefecture of {PREFECTURE:,} people (each municipality its own instance and "
          f"queue): {prefecture_work / 3600:,.1f} worker-hours; "
          f"{math.ceil(prefecture_work / TEN_MINUTES)} workers in all to print it in "
          "10 min")  # fmt: skip
    country_work = COUNTRY / per_worker
    average = COUNTRY / MUNICIPALITIES
    print(f"  the country, {COUNTRY / 1e6:.1f} million people in {MUNICIPALITIES:,} "
          f"municipalities: {country_work / 3600:,.0f} worker-hours; "
          f"{math.ceil(country_work / TEN_MINUTES):,} workers in all for 10 min; the average "
          f"municipality ({average:,.0f} people) takes {duration(average / rate)} on one "
          "worker")  # fmt: skip
    free = math.ceil(CITY / (TEN_MINUTES * rate * cpu_efficiency))
    print(f"  on free cores (by CPU time, {cpu_efficiency:.0%} per worker): {free} workers print "
          "100,000 in under 10 minutes")  # fmt: skip
    print(f"  {load()} at the end; the print jobs made here are deleted")


if __name__ == "__main__":
    main()
