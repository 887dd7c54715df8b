"""The two PostgreSQL queues for Django's task framework, measured side by side on this
machine: procrastinate (the project's queue, `manage.py worker`) and django-tasks-db
(`manage.py db_worker`).

    .venv/bin/python -m bench.queue_choice [--tasks 2000] [--rounds 2] [--wait-rerun 60]

Creates a throwaway database on the local cluster (or on DATABASE_URL's server), migrates it
with bench.queue_settings (both queues' tables, a second task backend "db"), and measures for
each queue: enqueueing N no-op tasks from one process, one and two workers running them all,
the wait from enqueue to start for one task with an idle worker, and what happens to a task
whose worker is killed with SIGKILL in the middle. The baseline is the same N tasks called in
this process and N single-row INSERTs, each committed, on the same database. The throwaway
database is dropped at the end.
"""

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg

from bench.setup import cpu_model, load_average, peak_rss_mb, process_peak_mb

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.queue_settings"
# A dead worker's job is given to another after this many seconds without a heartbeat: short,
# so that the bench sees it; the project's default is 30.
QUEUE_ENV = {
    "SASAEAI_QUEUE_HEARTBEAT_SECONDS": "1",
    "SASAEAI_QUEUE_STALLED_SECONDS": "5",
    "SASAEAI_QUEUE_RECOVER_EVERY_SECONDS": "1",
}
SLEEP_SECONDS = 30.0


@dataclass
class Queue:
    """One queue under test: how to enqueue on it, start its worker, count and time its jobs."""

    name: str
    backend: str
    worker_args: list[str]
    once_args: list[str]
    figures: dict[str, str] = field(default_factory=dict)


QUEUES = [
    Queue("procrastinate", "default", ["worker"], ["worker", "--once"]),
    Queue(
        "django-tasks-db", "db",
        ["db_worker", "--backend", "db", "--no-reload", "--no-startup-delay"],
        ["db_worker", "--backend", "db", "--no-reload", "--no-startup-delay", "--batch"],
    ),
]  # fmt: skip


def load() -> str:
    one, five = load_average()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


vm_hwm_mb = process_peak_mb


# -- the throwaway database ---------------------------------------------------------------


def server() -> dict[str, Any]:
    """Connection settings of the server to create the throwaway database on."""
    from sasaeai.env import database_from_url

    url = os.environ.get("DATABASE_URL")
    if url:
        return database_from_url(url)
    return {"HOST": str((ROOT / "var/pg").resolve() / "run"), "USER": "postgres", "PORT": ""}


def database_url(config: dict[str, Any], name: str) -> str:
    user = quote(config.get("USER") or "", safe="")
    password = f":{quote(config['PASSWORD'], safe='')}" if config.get("PASSWORD") else ""
    host = quote(config.get("HOST") or "", safe="")
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgis://{user}{password}@{host}{port}/{name}"


def admin(config: dict[str, Any], sql: str) -> None:
    with psycopg.connect(
        host=config.get("HOST") or None, port=config.get("PORT") or None,
        user=config.get("USER") or None, password=config.get("PASSWORD") or None,
        dbname="postgres", autocommit=True,
    ) as connection:  # fmt: skip
        connection.execute(sql.encode())


@contextmanager
def throwaway_database() -> Iterator[str]:
    config = server()
    name = f"sasaeai_queue_bench_{os.getpid()}"
    admin(config, f'CREATE DATABASE "{name}"')
    try:
        yield database_url(config, name)
    finally:
        from django.db import connections

        connections.close_all()
        # FORCE: a worker killed on purpose may leave its connection behind for a moment.
        admin(config, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- workers ------------------------------------------------------------------------------


class Worker:
    """A worker process of one queue, its output in a file, its peak memory followed."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=ROOT, stdout=self.log,
            stderr=subprocess.STDOUT, env={**os.environ, **QUEUE_ENV},
        )  # fmt: skip
        self.peak_mb = 0.0

    def sample(self) -> bool:
        """Note the peak memory; False once the process has exited."""
        peak = vm_hwm_mb(self.process.pid)
        if peak is not None:
            self.peak_mb = max(self.peak_mb, peak)
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.sample()
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.log.close()


def wait_for(check: Callable[[], object], seconds: float, what: str, workers: list[Worker]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for worker in workers:
            worker.sample()
        if check():
            return
        time.sleep(0.05)
    raise SystemExit(f"after {seconds:.0f} s still waiting for {what}")


def marks(path: Path) -> list[tuple[float, int]]:
    """The start times and worker pids that bench.queue_tasks.mark wrote."""
    if not path.exists():
        return []
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    return [(float(at), int(pid)) for at, pid in rows]


# -- the measurements ---------------------------------------------------------------------


def clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")
        cursor.execute("DELETE FROM procrastinate_workers")
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()


def db_table() -> str:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult._meta.db_table


def finished(queue: Queue) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if queue.backend == "db":
            cursor.execute(f"SELECT count(*) FROM {db_table()} WHERE status = 'SUCCESSFUL'")
        else:
            cursor.execute("SELECT count(*) FROM procrastinate_jobs "
                           "WHERE task_name = 'sasaeai.run' AND status = 'succeeded'")  # fmt: skip
        return int(cursor.fetchone()[0])


def busy_span(queue: Queue) -> float:
    """Seconds from the first task's start to the last one's end, by the queue's own
    timestamps (worker start-up left out)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if queue.backend == "db":
            cursor.execute("SELECT extract(epoch FROM max(finished_at) - min(started_at)) "
                           f"FROM {db_table()}")  # fmt: skip
        else:
            cursor.execute(
                "SELECT extract(epoch FROM max(e.at) FILTER (WHERE e.type = 'succeeded') "
                "- min(e.at) FILTER (WHERE e.type = 'started')) FROM procrastinate_events e "
                "JOIN procrastinate_jobs j ON j.id = e.job_id WHERE j.task_name = 'sasaeai.run'"
            )
        return float(cursor.fetchone()[0])


def enqueue_all(queue: Queue, count: int) -> float:
    from bench.queue_tasks import noop

    task = noop.using(backend=queue.backend)
    started = time.perf_counter()
    for _ in range(count):
        task.enqueue()
    return time.perf_counter() - started


def run_all(queue: Queue, count: int, workers: int, logs: Path) -> tuple[float, float, float]:
    """(wall seconds from starting the workers to their exit, seconds busy, peak MB of a
    worker) for `workers` workers that run what is queued and exit."""
    started = time.perf_counter()
    running = [Worker(queue.once_args, logs / f"{queue.backend}-once.log") for _ in range(workers)]
    wait_for(lambda: not any(w.sample() for w in running), 600, "the workers to finish", running)
    wall = time.perf_counter() - started
    for worker in running:
        worker.kill()
    done = finished(queue)
    if done != count:
        raise SystemExit(f"{queue.name}: {done} of {count} tasks ran; see {logs}")
    return wall, busy_span(queue), max(w.peak_mb for w in running)


def latency(queue: Queue, samples: int, logs: Path) -> tuple[list[float], float]:
    """Seconds from enqueue to the task's start with one idle worker waiting, and the
    worker's peak MB."""
    from bench.queue_tasks import mark

    task = mark.using(backend=queue.backend)
    path = logs / f"{queue.backend}-latency.marks"
    worker = Worker(queue.worker_args, logs / f"{queue.backend}-worker.log")
    try:
        # A first task shows the worker is up and listening; it then waits idle.
        task.enqueue(str(path))
        wait_for(lambda: len(marks(path)) == 1, 60, "the worker to start", [worker])
        waits: list[float] = []
        for _ in range(samples):
            # Enqueued at a random moment of a polling worker's cycle, not in step with it.
            time.sleep(random.uniform(0.3, 1.3))
            sent = time.time()
            task.enqueue(str(path))
            wait_for(lambda: len(marks(path)) >= 2 + len(waits), 60, "a task", [worker])
            waits.append(marks(path)[-1][0] - sent)
        return waits, worker.peak_mb
    finally:
        worker.kill()


def rerun_after_kill(queue: Queue, wait: float, logs: Path) -> str:
    """Start a worker, give it a long task, SIGKILL it mid-task, start another worker and say
    whether, and after how long, the task starts again."""
    from bench.queue_tasks import mark

    path = logs / f"{queue.backend}-killed.marks"
    first = Worker(queue.worker_args, logs / f"{queue.backend}-killed.log")
    mark.using(backend=queue.backend).enqueue(str(path), SLEEP_SECONDS)
    wait_for(lambda: len(marks(path)) == 1, 60, "the long task to start", [first])
    time.sleep(2)
    first.kill()
    killed = time.time()
    second = Worker(queue.worker_args, logs / f"{queue.backend}-after-kill.log")
    try:
        wait_for(lambda: len(marks(path)) >= 2, wait, "", [second])
    except SystemExit:
        return f"not re-run after {wait:.0f} s"
    finally:
        second.kill()
    again, pid = marks(path)[1]
    return f"re-run after {again - killed:.1f} s (by pid {pid})"


def baseline(count: int) -> tuple[float, float]:
    """Seconds for the no-op task called `count` times in this process, and for `count`
    single-row INSERTs each committed on its own (the floor for a queue that writes a row per
    task)."""
    from django.db import connection

    from bench.queue_tasks import noop

    started = time.perf_counter()
    for _ in range(count):
        noop.call()
    called = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_rows (id bigserial PRIMARY KEY, args jsonb)")
        started = time.perf_counter()
        for n in range(count):
            cursor.execute("INSERT INTO bench_rows (args) VALUES (%s)", [f'{{"n": {n}}}'])
        inserted = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_rows")
    return called, inserted


def best(values: list[float]) -> str:
    """The fastest round, the others in brackets: other work on the machine only slows."""
    first, *others = sorted(values)
    rest = ", ".join(f"{v:.2f}" for v in others)
    return f"{first:.2f}" + (f" ({rest})" if rest else "")


def measure(queue: Queue, args: argparse.Namespace, logs: Path) -> None:
    count = args.tasks
    enqueue: list[float] = []
    one: list[float] = []
    one_busy: list[float] = []
    two: list[float] = []
    two_busy: list[float] = []
    peak = 0.0
    for _ in range(args.rounds):
        for workers, wall, busy in ((1, one, one_busy), (2, two, two_busy)):
            clear()
            enqueue.append(enqueue_all(queue, count))
            seconds, span, mb = run_all(queue, count, workers, logs)
            wall.append(seconds)
            busy.append(span)
            peak = max(peak, mb)
    f = queue.figures
    f["enqueue s"] = best(enqueue)
    f["enqueue tasks/s"] = f"{count / min(enqueue):,.0f}"
    f["1 worker: wall s"] = best(one)
    f["1 worker: busy s"] = best(one_busy)
    f["1 worker: tasks/s"] = f"{count / min(one_busy):,.0f}"
    f["2 workers: wall s"] = best(two)
    f["2 workers: busy s"] = best(two_busy)
    f["2 workers: tasks/s"] = f"{count / min(two_busy):,.0f}"
    clear()
    waits, mb = latency(queue, args.samples, logs)
    peak = max(peak, mb)
    f["enqueue→start median ms"] = f"{statistics.median(waits) * 1000:,.0f}"
    f["enqueue→start worst ms"] = f"{max(waits) * 1000:,.0f}"
    f["worker peak RSS MB"] = f"{peak:,.0f}"
    clear()
    f["worker SIGKILLed mid-task"] = rerun_after_kill(queue, args.wait_rerun, logs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=2, help="of the throughput measurements")
    parser.add_argument("--samples", type=int, default=10, help="of the enqueue→start wait")
    parser.add_argument("--wait-rerun", type=float, default=60.0)
    args = parser.parse_args()

    print(f"queue choice: procrastinate and django-tasks-db ({os.cpu_count()} cores, "
          f"{cpu_model()}, Python {sys.version.split()[0]})")  # fmt: skip
    print(f"  at the start: {load()}; other work on the machine slows the figures, so the "
          f"throughput runs {args.rounds} times and the fastest counts")  # fmt: skip
    print("  building a throwaway database ...", flush=True)
    with throwaway_database() as url, tempfile.TemporaryDirectory(prefix="queue-bench-") as tmp:
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        logs = Path(tmp)
        for queue in QUEUES:
            print(f"  measuring {queue.name} ...", flush=True)
            measure(queue, args, logs)
        called, inserted = baseline(args.tasks)
        end_load = load()

    names = list(QUEUES[0].figures)
    width = max(len(name) for name in names) + 2
    columns = [max(len(q.name), *(len(v) for v in q.figures.values())) + 2 for q in QUEUES]
    print()
    print(f"  {args.tasks:,} no-op tasks; settings for the dead worker: "
          + ", ".join(f"{k}={v}" for k, v in QUEUE_ENV.items()))  # fmt: skip
    print(
        "  "
        + "".ljust(width)
        + "".join(q.name.rjust(c) for q, c in zip(QUEUES, columns, strict=True))
    )
    for name in names:
        row = "".join(q.figures[name].rjust(c) for q, c in zip(QUEUES, columns, strict=True))
        print("  " + name.ljust(width) + row)
    print("  wall: from starting the workers to their exit (start-up included); busy: from the")
    print("  first task's start to the last one's end, by the queue's own timestamps.")
    print("  django-tasks-db's worker polls every second (--interval 1); a task waits for the")
    print(f"  next poll. The killed task sleeps {SLEEP_SECONDS:.0f} s; the kill comes 2 s in.")
    print(f"  baseline: the no-op called {args.tasks:,} times in this process {called:.3f} s; "
          f"{args.tasks:,} single-row INSERTs, each committed, {inserted:.2f} s "
          f"({args.tasks / inserted:,.0f}/s); this process's peak RSS "
          f"{peak_rss_mb():,.0f} MB")  # fmt: skip
    print(f"  at the end: {end_load}; the throwaway database is dropped")


if __name__ == "__main__":
    main()
