"""The tasks bench.queue_choice runs on both queues: nothing at all, and a mark of when a
task started (written to a file, read by the bench), with or without a long sleep after."""

import os
import time
from pathlib import Path

from django.tasks import task


@task
def noop() -> None:
    return None


@task
def mark(path: str, seconds: float = 0.0) -> None:
    """Append the start time and this worker's pid to `path`, then sleep `seconds`."""
    with Path(path).open("a") as out:
        out.write(f"{time.time()} {os.getpid()}\n")
    time.sleep(seconds)
