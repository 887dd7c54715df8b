"""Plan the city-scale demo town and print where the time and memory go, beside a
nearest-first greedy baseline on the same candidates.

    .venv/bin/python -m bench.plan_city [--hazard flood] [--slot weekday_night]

Runs on its own database (sasaeai_bench), building the city-scale town there first when it is
not already there (100,000 people, 50,000 supporters, 1,000 shelters), and clears earlier plan
runs so that every measurement starts from the same state.
"""

import argparse
import cProfile
import io
import pstats
import time

import numpy as np

from bench.setup import TogetherPeak, django_on_bench_database, load_average, machine, peak_rss_mb

CITY = {"people": 100_000, "supporters": 50_000, "shelters": 1_000}


def ensure_city() -> None:
    from registry.demo.loader import demo_town_load
    from registry.demo.town import build_town
    from registry.models import Person
    from registry.services import registry_wipe

    if Person.objects.count() == CITY["people"]:
        return
    print("building the city-scale demo town first ...", flush=True)
    registry_wipe()
    demo_town_load(
        build_town(
            seed=1, people=CITY["people"], supporters=CITY["supporters"], shelters=CITY["shelters"]
        )
    )


def greedy_baseline(scenario: object) -> dict[str, float]:
    """Nearest first: people in order of weight (heaviest first), each taking the nearest
    supporters that still have room; then each taking the nearest shelter with room."""
    from django.db import transaction

    from planner.candidates import PlanningTables, load_people
    from planner.matching import UNLIMITED
    from planner.scenario import Policy, Scenario

    assert isinstance(scenario, Scenario)
    policy = Policy.from_settings()
    with transaction.atomic():
        people = load_people(scenario, policy, None)
        with PlanningTables(scenario, policy, people) as tables:
            supporters = tables.supporters([], [])
            arcs = tables.supporter_arcs()
            shelters = tables.shelters([])
            shelter_arcs = tables.shelter_arcs(64)
        transaction.set_rollback(True)
    started = time.perf_counter()
    order = np.argsort(-people.weight, kind="stable")
    capacity = supporters.capacity.copy()
    by_person = np.lexsort((arcs.distance, arcs.person))
    bounds = np.searchsorted(arcs.person[by_person], np.arange(len(people.ids) + 1))
    filled = np.zeros(len(people.ids), dtype=np.int64)
    value = distance = 0
    for p in order:
        for i in by_person[bounds[p] : bounds[p + 1]]:
            if filled[p] >= people.needed[p]:
                break
            s = arcs.target[i]
            if capacity[s] > 0:
                capacity[s] -= 1
                value += int(people.weight[p]) * (
                    policy.first_place_value if filled[p] == 0 else policy.other_place_value
                )
                filled[p] += 1
                distance += int(arcs.distance[i])
    room = shelters.capacity.copy()
    by_person = np.lexsort((shelter_arcs.distance, shelter_arcs.person))
    bounds = np.searchsorted(shelter_arcs.person[by_person], np.arange(len(people.ids) + 1))
    sheltered = shelter_value = shelter_distance = 0
    for p in order:
        for i in by_person[bounds[p] : bounds[p + 1]]:
            s = shelter_arcs.target[i]
            if shelter_arcs.distance[i] <= policy.shelter_reach_m and room[s] != 0:
                if room[s] != UNLIMITED:
                    room[s] -= 1
                sheltered += 1
                shelter_value += int(people.weight[p])
                shelter_distance += int(shelter_arcs.distance[i])
                break
    return {
        "seconds": time.perf_counter() - started,
        "supported": int((filled > 0).sum()),
        "fully_supported": int((filled >= people.needed).sum()),
        "places": int(filled.sum()),
        "value": value,
        "distance": distance,
        "sheltered": sheltered,
        "shelter_value": shelter_value,
        "shelter_distance": shelter_distance,
    }


JOINED = """
    SELECT pi, si, round(d)::int4 FROM (
        SELECT p.idx AS pi, s.idx AS si, ST_Distance(p.location, s.location) AS d
        FROM {person} p JOIN {supporter} s ON ST_DWithin(p.xy, s.xy, %(planar)s)
        WHERE {not_self} AND {capable}
          AND NOT EXISTS (SELECT 1 FROM {rejected} r
                          WHERE r.person_id = p.id AND r.supporter_id = s.id)
        OFFSET 0
    ) pairs WHERE d <= %(reach)s
"""


def reference(scenario: object, run: object) -> dict[str, float]:
    """The way before: candidate pairs by a spatial join in PostGIS and the supporter flow
    solved in this process, timed; checked equal to what the run found and reached."""
    from django.db import transaction

    from planner import eligibility, matching, nearby
    from planner.candidates import PlanningTables, copy_pairs, load_people
    from planner.matching import SupporterProblem, match_supporters
    from planner.models import PlanRun
    from planner.scenario import Policy, Scenario

    assert isinstance(scenario, Scenario) and isinstance(run, PlanRun)
    policy = Policy.from_settings()
    reach = policy.supporter_reach_m
    with transaction.atomic():
        people = load_people(scenario, policy, None)
        with PlanningTables(scenario, policy, people) as tables:
            supporters = tables.supporters([], [])
            started = time.perf_counter()
            arcs = tables.supporter_arcs()
            in_memory = time.perf_counter() - started
            started = time.perf_counter()
            joined = copy_pairs(
                JOINED.format(
                    person=tables.person, supporter=tables.supporter, rejected=tables.rejected,
                    not_self=eligibility.not_self_sql("p", "s"),
                    capable=eligibility.supporter_capable_sql("p", "s"),
                ),
                {"planar": nearby.planar_reach(reach), "reach": reach},
            )  # fmt: skip
            in_database = time.perf_counter() - started
        transaction.set_rollback(True)
    order = np.lexsort((joined.target, joined.person))
    same_pairs = (
        np.array_equal(arcs.person, joined.person[order])
        and np.array_equal(arcs.target, joined.target[order])
        and np.array_equal(arcs.distance, joined.distance[order])
    )
    del arcs
    started = time.perf_counter()
    # The way before had no first try with a small factor: the exact one from the start.
    matching.TRIAL_FACTOR, trial_factor = 10**15, matching.TRIAL_FACTOR
    solution = match_supporters(
        SupporterProblem(
            weights=people.weight, needed=people.needed,
            filled=np.zeros(len(people.ids), dtype=np.int64), capacity=supporters.capacity,
            arcs=joined, first_place_value=policy.first_place_value,
            other_place_value=policy.other_place_value,
        )
    )  # fmt: skip
    solve = time.perf_counter() - started
    matching.TRIAL_FACTOR = trial_factor
    return {
        "pairs": len(joined),
        "same_pairs": same_pairs,
        "in_memory": in_memory,
        "in_database": in_database,
        "solve": solve,
        "same_optimum": (solution.value, solution.distance)
        == (run.stats["supporter_value"], run.stats["supporter_distance_m"]),
        "value": solution.value,
        "distance": solution.distance,
    }


def profile_top(scenario: object, lines: int) -> str:
    """The run once more under cProfile: its top lines by own time (this process only)."""
    from planner.scenario import Scenario
    from planner.services import plan_run_create

    assert isinstance(scenario, Scenario)
    profiler = cProfile.Profile()
    profiler.enable()
    plan_run_create(scenario=scenario, performed_by="bench")
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(lines)
    table = out.getvalue().split("ncalls", 1)[-1]
    return "    ncalls" + "\n    ".join(table.rstrip().splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hazard", default="flood")
    parser.add_argument("--slot", default="weekday_night")
    parser.add_argument("--profile", type=int, default=15, help="profile lines (0: none)")
    args = parser.parse_args()
    django_on_bench_database()
    ensure_city()

    from planner.models import PersonPlan, PlanRun, ShelterAssignment, SupporterAssignment
    from planner.scenario import Scenario
    from planner.services import plan_run_create

    PlanRun.objects.all().delete()
    scenario = Scenario(hazard=args.hazard, slot=args.slot)
    started = time.perf_counter()
    with TogetherPeak() as together:
        run = plan_run_create(scenario=scenario, performed_by="bench")
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    # The supporter solve's own process, when it ran in one, as sampled (the C library's
    # figure for children counts what a child held before it became Python).
    aside_peak = together.children_peak_mb
    stats, timings = run.stats, run.timings
    planned = PersonPlan.objects.filter(run=run).exclude(status="no_consent")
    places = SupporterAssignment.objects.filter(run=run).count()
    supported = planned.exclude(reasons__overlap=[
        "no_supporter_in_reach", "no_supporter_in_slot", "no_capable_supporter",
        "supporters_at_capacity",
    ]).count()  # fmt: skip
    sheltered = ShelterAssignment.objects.filter(run=run).count()
    with_one = SupporterAssignment.objects.filter(run=run).values("person").distinct().count()
    baseline = greedy_baseline(scenario)

    one, five = load_average()
    print(
        f"plan the city ({args.hazard}, {args.slot}) ({machine()}, load average {one:.2f} / "
        f"{five:.2f})"
    )
    print(
        f"  {stats['people']:,} people ({stats['people'] - stats['no_consent']:,} planned), "
        f"{stats['supporter_pairs']:,} person-supporter pairs, {stats['shelter_pairs']:,} "
        f"person-shelter pairs ({stats['shelter_rounds']} rounds)"
    )
    for step, seconds_taken in timings.items():
        if step != "total":
            print(f"  {step:<22}{seconds_taken:6.1f} s")
    print(
        f"  {'whole run':<22}{seconds:6.1f} s   peak RSS {together.peak_mb:,.0f} MB in both "
        f"processes at once (each alone: {peak:,.0f} MB here, {aside_peak:,.0f} MB in the "
        "supporter solve's process)"
    )
    print(
        f"  optimum : {with_one:,} people with a supporter, "
        f"{supported:,} with every supporter they need, {places:,} places, "
        f"value {stats['supporter_value']:,}, {stats['supporter_distance_m']:,} m; "
        f"{sheltered:,} sheltered, value {stats['shelter_value']:,}, "
        f"{stats['shelter_distance_m']:,} m"
    )
    print(
        f"  baseline: {baseline['supported']:,} people with a supporter, "
        f"{baseline['fully_supported']:,} with every supporter they need, "
        f"{baseline['places']:,} places, value {baseline['value']:,}, "
        f"{baseline['distance']:,} m; {baseline['sheltered']:,} sheltered, value "
        f"{baseline['shelter_value']:,}, {baseline['shelter_distance']:,} m "
        f"(nearest first, {baseline['seconds']:.1f} s)"
    )
    print(
        f"  covered {stats['covered']:,}, partial {stats['partial']:,}, "
        f"uncovered {stats['uncovered']:,}, no consent {stats['no_consent']:,}"
    )
    before = reference(scenario, run)
    print(
        f"  the way before, same process: pairs by a join in PostGIS {before['in_database']:.1f} s "
        f"(in memory now {before['in_memory']:.1f} s); the supporter flow solved here "
        f"{before['solve']:.1f} s (the run waited {timings['supporters']:.1f} s for it)"
    )
    print(
        f"  same {before['pairs']:,} pairs and metres: {before['same_pairs']}; same optimum "
        f"(value {before['value']:,}, {before['distance']:,} m): {before['same_optimum']}"
    )
    if args.profile:
        PlanRun.objects.all().delete()
        print(f"  profile of a second run (top {args.profile} by own time, this process):")
        print(profile_top(scenario, args.profile))
    if not (before["same_pairs"] and before["same_optimum"]):
        raise SystemExit("the optimum changed")


if __name__ == "__main__":
    main()
