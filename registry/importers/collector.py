"""Python's cyclic garbage collector paused while a file's rows are built.

Reading a city's file makes hundreds of thousands of lists and dicts that live until the
import ends and form no reference cycles; the collector went over all of them again and again
while they were made, a third of the time spent reading. Pausing it is process-wide, so
imports running at once in threads share one pause: the last to finish resumes it.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
