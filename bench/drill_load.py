"""Fifty supporters report at once on a real application server: every report stored exactly
once, the board's counts equal to the events, and the pace.

    .venv/bin/python -m bench.drill_load [--supporters 50] [--reports 10] [--workers 4]

Builds a demo town in the bench database (sasaeai_bench) when it has none, plans it, starts a
drill, then serves the site with gunicorn on the loopback (the production settings, DEBUG
off) and lets each supporter open their link and press ten buttons, each press a new render's
key; every fifth press is sent twice, as a phone resends after a lost connection. The baseline
beside the figures is the same number of reports written in this process straight through the
service, without HTTP.
"""

import argparse
import io
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from bench.setup import django_on_bench_database, machine, peak_rss_mb

STATES = ["contacted", "safe_at_home", "evacuating", "arrived", "needs_help", "unreachable"]
ROOT = Path(__file__).resolve().parent.parent


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """The press is timed to the server's answer, not to the page it redirects to."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def ensure_town() -> None:
    from registry.demo.loader import demo_town_load
    from registry.demo.town import build_town
    from registry.models import Person
    from registry.services import registry_wipe

    if Person.objects.count() == 2_000:
        return
    print("building a demo town of 2,000 people first ...", flush=True)
    registry_wipe()
    demo_town_load(build_town(seed=3, people=2_000, supporters=1_200, shelters=40))


def start_drill(supporters: int) -> tuple[Any, list[tuple[Any, list[int]]]]:
    """A drill over the whole town, and the first `supporters` supporters with someone to
    check on, with those people."""
    from django.core.management import call_command

    from drills.models import DrillCheck
    from drills.services import drill_start
    from planner.models import PlanRun
    from registry.models import Neighbourhood, Supporter

    if not PlanRun.objects.filter(hazard="flood", slot="weekday_night", status="done").exists():
        call_command("plan", hazard="flood", slot="weekday_night", stdout=io.StringIO())
    drill = drill_start(name="負荷試験", hazard="flood", slot="weekday_night",
                        neighbourhoods=Neighbourhood.objects.all())  # fmt: skip
    people: dict[int, list[int]] = {}
    for supporter, person in DrillCheck.objects.filter(drill=drill).values_list(
        "supporter_id", "person_id"
    ):
        people.setdefault(supporter, []).append(person)
    chosen = sorted(people)[:supporters]
    if len(chosen) < supporters:
        sys.exit(f"only {len(chosen)} supporters have someone to check on")
    found = Supporter.objects.in_bulk(chosen)
    return drill, [(found[pk], people[pk]) for pk in chosen]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(port: int, workers: int) -> subprocess.Popen[bytes]:
    from django.db import connection

    env = {**os.environ, "SASAEAI_DEBUG": "false", "SASAEAI_ALLOWED_HOSTS": "127.0.0.1"}
    env.setdefault("SASAEAI_LOCAL_DB_NAME", connection.settings_dict["NAME"])
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "sasaeai.wsgi:application", "--workers",
         str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    sys.exit("gunicorn did not start")


class Supporter:
    """One supporter's phone: opens the link, then presses buttons."""

    def __init__(self, base: str, path: str, people: list[int], reports: int) -> None:
        self.base, self.path, self.people, self.reports = base, path, people, reports
        self.opener = urllib.request.build_opener(NoRedirect)
        self.cookie = ""
        self.latencies: list[float] = []
        self.keys: set[str] = set()
        self.errors: list[str] = []

    def open(self) -> str:
        response = self.opener.open(self.base + self.path, timeout=30)
        cookie = response.headers.get("Set-Cookie", "")
        found = re.search(r"csrftoken=([^;]+)", cookie)
        if found:
            self.cookie = found.group(1)
        page = response.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        return token.group(1) if token else ""

    def press(self, csrf: str, person: int, state: str, key: str) -> None:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "person": person,
                                       "state": state, "key": key}).encode()  # fmt: skip
        request = urllib.request.Request(
            self.base + self.path, data=body,
            headers={"Cookie": f"csrftoken={self.cookie}", "Referer": self.base + self.path},
        )  # fmt: skip
        started = time.perf_counter()
        try:
            self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            if error.code != 302:
                self.errors.append(f"{error.code}")
                return
        self.latencies.append(time.perf_counter() - started)

    def run(self, barrier: threading.Barrier) -> None:
        csrf = self.open()
        barrier.wait()
        for n in range(self.reports):
            key = uuid.uuid4().hex
            person = self.people[n % len(self.people)]
            state = STATES[n % len(STATES)]
            self.press(csrf, person, state, key)
            self.keys.add(key)
            if n % 5 == 4:
                self.press(csrf, person, state, key)  # a resend: the same key again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supporters", type=int, default=50)
    parser.add_argument("--reports", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    django_on_bench_database()
    ensure_town()

    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from drills.links import link_token
    from drills.models import DrillReport
    from drills.services import drill_report
    from pages.drill_board import board_data
    from registry.management.commands.create_user import user_create_with_role

    drill, team = start_drill(args.supporters)
    port = free_port()
    server = serve(port, args.workers)
    phones = [
        Supporter(f"http://127.0.0.1:{port}",
                  reverse("drill_supporter", kwargs={"token": link_token(drill, s)}), people,
                  args.reports)
        for s, people in team
    ]  # fmt: skip
    barrier = threading.Barrier(len(phones) + 1)
    threads = [threading.Thread(target=phone.run, args=(barrier,)) for phone in phones]
    try:
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    latencies = sorted(t for phone in phones for t in phone.latencies)
    errors = [e for phone in phones for e in phone.errors]
    presses = sum(len(phone.keys) for phone in phones)
    stored = DrillReport.objects.filter(drill=drill).count()
    user_create_with_role(username="bench-officer", role="officer", neighbourhoods=[],
                          password=uuid.uuid4().hex)  # fmt: skip
    officer = get_user_model().objects.get(username="bench-officer")
    shown = {entry["state"]: entry["count"] for entry in board_data(officer, drill)["states"]}
    events = _counts_from_events(drill.pk)

    # The baseline: as many reports through the service in this process, one after another.
    people = _people({p for _, group in team for p in group})
    baseline_started = time.perf_counter()
    for supporter, group in team:
        for n in range(args.reports):
            drill_report(drill, people[group[n % len(group)]], STATES[n % len(STATES)],
                         key=f"baseline-{supporter.pk}-{n}", supporter=supporter)  # fmt: skip
    baseline = time.perf_counter() - baseline_started

    requests = len(latencies) + len(errors)
    print(f"drill reports under load ({machine()}, gunicorn with {args.workers} workers)")
    print(
        f"  {len(phones)} supporters × {args.reports} presses at once, every fifth sent "
        f"twice: {requests:,} requests in {seconds:.1f} s ({requests / seconds:,.0f}/s)"
    )
    print(
        f"  latency: median {statistics.median(latencies) * 1000:,.0f} ms, 95th percentile "
        f"{latencies[int(len(latencies) * 0.95) - 1] * 1000:,.0f} ms, worst "
        f"{latencies[-1] * 1000:,.0f} ms; errors {len(errors)}"
    )
    print(
        f"  stored {stored:,} reports for {presses:,} presses: "
        f"{'each exactly once' if stored == presses else 'MISMATCH'}"
    )
    print(f"  the board's counts equal the events: {shown == events} ({shown})")
    print(
        f"  baseline: {presses:,} reports through the service in this process, one after "
        f"another: {baseline:.1f} s ({presses / baseline:,.0f}/s); peak RSS "
        f"{peak_rss_mb():,.0f} MB"
    )


def _counts_from_events(drill: int) -> dict[str, int]:
    """Each state's count, read straight from the events (the latest per person), beside the
    people with none."""
    from django.db import connection

    from drills.models import DrillPerson

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT state, count(*) FROM (SELECT DISTINCT ON (person_id) state "
            "FROM drills_drillreport WHERE drill_id = %s AND key NOT LIKE 'baseline-%%' "
            "ORDER BY person_id, at DESC, id DESC) latest GROUP BY state",
            [drill],
        )
        counts = dict(cursor.fetchall())
    listed = DrillPerson.objects.filter(drill_id=drill).count()
    counts["not_reached"] = listed - sum(counts.values())
    return {state: counts.get(state, 0) for state in ["not_reached", *STATES]}


def _people(pks: set[int]) -> dict[int, Any]:
    from registry.models import Person

    return Person.objects.in_bulk(pks)


if __name__ == "__main__":
    main()
