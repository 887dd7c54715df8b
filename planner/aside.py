"""The supporter flow solved in a process of its own, so that a city's run chooses shelters
(and walks the streets) on the other core meanwhile.

OR-Tools holds Python's interpreter lock while it solves: two solves in two threads take as
long as one after the other, so only a second process overlaps them. That process is a fresh
`python -m planner.aside` (never a fork of a process holding database connections and
threads, never a re-run of whatever script started the run) that imports nothing but NumPy
and the solver: the problem goes in on its standard input as arrays, the solution comes back
on its standard output. Small problems, where starting a process costs more than it saves, are
solved in this process.
"""

import io
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO

import numpy as np

from planner.matching import Arcs, MatchingError, Solution, SupporterProblem, match_supporters

# Below this many candidate pairs a solve takes well under a second: not worth a process.
ASIDE_FROM_ARCS = 200_000
_PROJECT = Path(__file__).resolve().parent.parent


class Pending:
    """A solve under way; `result()` waits for it."""

    def __init__(self, problem: SupporterProblem, *, aside: bool) -> None:
        self._solution: Solution | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._writer: threading.Thread | None = None
        if not aside:
            self._solution = match_supporters(problem)
            return
        paths = [str(_PROJECT), os.environ.get("PYTHONPATH", "")]
        # Its error, if any, goes to a file: a pipe nobody reads could stall it.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (open while the process runs)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "planner.aside"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))},
        )
        # Written from a thread: the pipe takes the arrays only as fast as the new process
        # reads them, and this one has shelters to choose meanwhile.
        stdin = self._process.stdin
        assert stdin is not None
        self._writer = threading.Thread(target=_send, args=(problem, stdin), daemon=True)
        self._writer.start()

    @property
    def solved_here(self) -> bool:
        """Solved in this process already (nothing to wait for)."""
        return self._process is None

    def result(self) -> Solution:
        if self._solution is None:
            process, writer = self._process, self._writer
            assert process is not None and writer is not None
            assert process.stdout is not None
            out = process.stdout.read()
            writer.join()
            process.wait()
            process.stdout.close()
            if process.returncode != 0:
                self._errors.seek(0)
                lines = self._errors.read().decode(errors="replace").strip().splitlines()
                raise MatchingError(
                    f"the supporter solve's process failed: {lines[-1] if lines else 'killed'}"
                )
            self._errors.close()
            self._solution = _solution_from(out)
        return self._solution

    def cancel(self) -> None:
        """Stop a solve whose run has failed (nothing once it has ended)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
            for stream in (self._process.stdout, self._process.stdin):
                if stream is not None:
                    stream.close()


def solve_supporters(problem: SupporterProblem, *, allowed: bool = True) -> Pending:
    """Start solving: in another process when that is `allowed` and the problem has at least
    ASIDE_FROM_ARCS pairs."""
    return Pending(problem, aside=allowed and len(problem.arcs) >= ASIDE_FROM_ARCS)


def _send(problem: SupporterProblem, stream: IO[bytes]) -> None:
    arcs = problem.arcs
    try:
        # Pairs as 32-bit integers: half the bytes to copy (indexes and metres fit easily).
        np.savez(
            stream,
            weights=problem.weights,
            needed=problem.needed,
            filled=problem.filled,
            capacity=problem.capacity,
            person=arcs.person.astype(np.int32),
            target=arcs.target.astype(np.int32),
            distance=arcs.distance.astype(np.int32),
            values=np.array([problem.first_place_value, problem.other_place_value]),
        )
        stream.close()
    except BrokenPipeError:
        pass  # the process died or was stopped; result() reports it


def _problem_from(stream: IO[bytes]) -> SupporterProblem:
    data = np.load(io.BytesIO(stream.read()))
    first, other = (int(v) for v in data["values"])
    return SupporterProblem(
        weights=data["weights"],
        needed=data["needed"],
        filled=data["filled"],
        capacity=data["capacity"],
        arcs=Arcs(data["person"], data["target"], data["distance"]),
        first_place_value=first,
        other_place_value=other,
    )


def _solution_from(payload: bytes) -> Solution:
    data = np.load(io.BytesIO(payload))
    value, distance = (int(v) for v in data["objective"])
    return Solution(chosen=data["chosen"], value=value, distance=distance)


def main() -> None:
    solution = match_supporters(_problem_from(sys.stdin.buffer))
    out = io.BytesIO()
    np.savez(out, chosen=solution.chosen, objective=np.array([solution.value, solution.distance]))
    sys.stdout.buffer.write(out.getvalue())


if __name__ == "__main__":
    main()
