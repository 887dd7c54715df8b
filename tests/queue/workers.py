"""Real worker processes (`manage.py worker`) on the test database, for the queue's tests."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Short enough for a test to see a dead worker's job run again within seconds.
FAST = {
    "SASAEAI_QUEUE_HEARTBEAT_SECONDS": "1",
    "SASAEAI_QUEUE_STALLED_SECONDS": "3",
    "SASAEAI_QUEUE_RECOVER_EVERY_SECONDS": "1",
}


def test_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_… database)."""
    s = connection.settings_dict
    user = quote(s.get("USER") or "", safe="")
    password = f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else ""
    host = quote(s.get("HOST") or "", safe="")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgis://{user}{password}@{host}{port}/{s['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": test_database_url(), **FAST, **extra}


@contextmanager
def worker(*args: str, **extra: str) -> Iterator[subprocess.Popen[str]]:
    """A worker running until the block ends (then stopped, killed if it does not stop)."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "worker", *args], cwd=ROOT, env=worker_env(**extra),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout:
            process.stdout.close()


def wait_for(check: Callable[[], object], *, seconds: float, what: str) -> object:
    """Poll `check` until it returns something true; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"after {seconds} s still waiting for: {what}")
