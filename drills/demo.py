"""A finished demo drill on the demo town, so that the board and the after-action report have
something to show: a flood drill on a weekday night in the first three neighbourhoods, from
the plans of that scenario, started three hours ago and ended an hour ago. Its reports follow
a plausible timeline, drawn from a fixed seed: most people are contacted within 20 minutes,
arrivals spread over about 90 minutes, a few people are never reached, a few need help (with a
note), one supporter never opens their link and another opens it but sends nothing."""

import datetime as dt
import random
from collections import defaultdict

from django.contrib.auth.models import User
from django.utils import timezone

from drills.models import CheckState, Drill, DrillCheck, DrillPerson, DrillSupporter
from drills.services import drill_report, drill_start
from registry.models import Neighbourhood, Person, Supporter

DEMO_NAME = "水害・夜間 安否確認訓練（デモ）"
HAZARD, SLOT = "flood", "weekday_night"
AREAS = 3  # the first neighbourhoods by code
SEED = 13

# What supporters wrote when someone needed help (invented, like everyone in the demo town).
HELP_NOTES = [
    "車いすの介助に2人必要。応援を頼みたい。",
    "玄関の段差で足を痛めた。救護班を要請。",
    "酸素ボンベの残量が少ないと本人。避難所に電源の確認を。",
    "本人が避難をためらっている。家族に電話してほしい。",
]
UNREACHABLE_NOTE = "インターホンに応答なし。明かりは消えていた。"


def demo_drill() -> Drill | None:
    return Drill.objects.filter(name=DEMO_NAME).order_by("-pk").first()


def make_demo_drill(now: dt.datetime | None = None, officer: User | None = None) -> Drill:
    """Start the demo drill in the past and write its reports at their times. With an officer,
    the officer also phones most of the people whom no supporter checks on, and enters those
    reports on their behalf."""
    now = now or timezone.now()
    starts = now - dt.timedelta(hours=3)
    areas = list(Neighbourhood.objects.order_by("code")[:AREAS])
    drill = drill_start(
        name=DEMO_NAME, hazard=HAZARD, slot=SLOT, neighbourhoods=areas,
        starts_at=starts, ends_at=now - dt.timedelta(hours=1),
    )  # fmt: skip
    _reports(drill, random.Random(SEED), officer)
    return drill


def _reports(drill: Drill, rng: random.Random, officer: User | None) -> None:
    checks: dict[int, list[DrillCheck]] = defaultdict(list)
    for check in DrillCheck.objects.filter(drill=drill).order_by("person_id", "rank"):
        checks[check.person_id].append(check)
    supporters = sorted({c.supporter_id for listed in checks.values() for c in listed})
    # One supporter never opens the link, another opens it and sends nothing.
    never_opened, opened_only = rng.sample(supporters, 2) if len(supporters) > 2 else (None, None)
    silent = {never_opened, opened_only}
    people = Person.objects.in_bulk(
        DrillPerson.objects.filter(drill=drill).values_list("person_id", flat=True)
    )
    supporter_rows = Supporter.objects.in_bulk(supporters)
    first_report: dict[int, dt.datetime] = {}
    keys = iter(range(1, 1_000_000))

    def report(person: int, by: int | None, minutes: float, state: str, note: str = "") -> None:
        at = drill.starts_at + dt.timedelta(minutes=minutes)
        drill_report(
            drill, people[person], state, key=f"demo-{drill.pk}-{next(keys)}",
            supporter=supporter_rows[by] if by else None, user=None if by else officer,
            note=note, at=at,
        )  # fmt: skip
        if by is not None:
            first_report[by] = min(first_report.get(by, at), at)

    for person in sorted(people):
        listed = checks.get(person, [])
        helpers = [c for c in listed if c.supporter_id not in silent]
        if not listed and officer is not None and rng.random() < 0.7:
            # No supporter in the plan: the office phones them once the calls are under way.
            called = rng.uniform(20, 60)
            report(person, None, called, CheckState.CONTACTED)
            report(person, None, called + 1, CheckState.SAFE_AT_HOME)
            continue
        if not helpers:
            continue  # no one, or only a silent supporter, checks on them: never reached
        helper = helpers[0].supporter_id
        # A second supporter who steps in for a silent first one comes later.
        late = 0 if helpers[0] is listed[0] else rng.uniform(15, 25)
        contact = late + min(rng.gammavariate(2.0, 4.0) + 1, 19.5)
        # The other supporters phone first, then leave the visit to the first one.
        for other in helpers[1:]:
            report(person, other.supporter_id, max(0.5, contact - rng.uniform(1, 4)),
                   CheckState.CONTACTED)  # fmt: skip
        roll = rng.random()
        if roll < 0.06 and len(helpers) == 1:
            report(person, helper, contact, CheckState.UNREACHABLE, UNREACHABLE_NOTE)
            report(person, helper, contact + rng.uniform(20, 40), CheckState.UNREACHABLE)
        elif roll < 0.11:
            report(person, helper, contact, CheckState.CONTACTED)
            report(person, helper, contact + rng.uniform(3, 12), CheckState.NEEDS_HELP,
                   rng.choice(HELP_NOTES))  # fmt: skip
        elif roll < 0.35:
            report(person, helper, contact, CheckState.CONTACTED)
            report(person, helper, contact + rng.uniform(2, 6), CheckState.SAFE_AT_HOME)
        else:
            report(person, helper, contact, CheckState.CONTACTED)
            leaves = contact + rng.uniform(3, 15)
            report(person, helper, leaves, CheckState.EVACUATING)
            arrives = leaves + rng.uniform(10, 75)
            if arrives < 115:
                report(person, helper, arrives, CheckState.ARRIVED)
    for supporter, first in first_report.items():
        DrillSupporter.objects.filter(drill=drill, supporter_id=supporter).update(
            opened_at=first - dt.timedelta(minutes=rng.uniform(0.5, 3))
        )
    if opened_only is not None:
        DrillSupporter.objects.filter(drill=drill, supporter_id=opened_only).update(
            opened_at=drill.starts_at + dt.timedelta(minutes=7)
        )
