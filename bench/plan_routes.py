"""Plan the city-scale demo town on its street network and, in the same process, the same
scenario with the network ignored (geodesic distances, as before routes existed): time, peak
memory and what routing changed.

    .venv/bin/python -m bench.plan_routes [--hazard flood] [--slot weekday_night]

Runs on its own database (sasaeai_bench), building the city-scale town and its streets there
first when they are missing. The routed run goes first, so that the peak memory printed after
it is the routed run's own.
"""

import argparse
import time
from typing import Any

from bench.plan_city import CITY, ensure_city
from bench.setup import TogetherPeak, django_on_bench_database, machine, peak_rss_mb


def ensure_streets() -> None:
    from django.core.management import call_command

    call_command("make_demo_streets", "--if-empty", "--seed", "1", "--people", str(CITY["people"]))


def timed_run(scenario: Any, *, routed: bool) -> tuple[Any, float]:
    from django.test import override_settings

    from planner.services import plan_run_create

    # The baseline is the policy that ignores the street network (SASAEAI_WALK_STREETS=false).
    with override_settings(PLANNING={**settings_planning(), "WALK_STREETS": routed}):
        started = time.perf_counter()
        run = plan_run_create(scenario=scenario, performed_by="bench")
        return run, time.perf_counter() - started


def settings_planning() -> dict[str, Any]:
    from django.conf import settings

    planning: dict[str, Any] = settings.PLANNING
    return planning


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hazard", default="flood")
    parser.add_argument("--slot", default="weekday_night")
    args = parser.parse_args()
    django_on_bench_database()
    ensure_city()
    ensure_streets()

    from planner.models import PersonPlan, PlanRun, ShelterAssignment
    from planner.scenario import Scenario
    from routes.models import RoadEdge

    PlanRun.objects.all().delete()
    scenario = Scenario(hazard=args.hazard, slot=args.slot)
    with TogetherPeak() as together:
        routed, routed_s = timed_run(scenario, routed=True)
    routed_peak = peak_rss_mb()
    plain, plain_s = timed_run(scenario, routed=False)
    after_both = peak_rss_mb()

    edges = RoadEdge.objects.count()
    assignments = ShelterAssignment.objects.filter(run=routed)
    on_streets = assignments.filter(route__isnull=False)
    detour = _detour(routed.pk)
    crosses = assignments.exclude(route_crosses=[]).count()
    reasons = PersonPlan.objects.filter(run=routed)
    no_network = reasons.filter(reasons__contains=["no_road_network"]).count()
    no_route = reasons.filter(reasons__contains=["no_route_avoiding_hazard"]).count()
    moved = _moved(routed, plain)

    print(f"plan the city on its streets ({args.hazard}, {args.slot}) ({machine()})")
    print(f"  {CITY['people']:,} people, {CITY['shelters']:,} shelters, {edges:,} street edges")
    print(f"  {'stage':<22}{'routed':>9}{'geodesic':>10}")
    # "supporters" is what the run still waited for the supporter solve after the shelters
    # (it runs in a process of its own meanwhile).
    stages = [stage for stage in routed.timings if stage != "total"]
    for stage in stages:
        with_routes = routed.timings.get(stage)
        without = plain.timings.get(stage)
        print(f"  {stage:<22}{_seconds(with_routes):>9}{_seconds(without):>10}")
    print(
        f"  {'whole run':<22}{routed_s:8.1f}s{plain_s:9.1f}s   "
        f"routed / geodesic {routed_s / plain_s:.2f}×"
    )
    print(
        f"  peak RSS after the routed run {routed_peak:,.0f} MB (after both {after_both:,.0f} MB); "
        f"the supporter solve's process {together.children_peak_mb:,.0f} MB; both at once "
        f"{together.peak_mb:,.0f} MB (sampled every 50 ms)"
    )
    print(
        f"  routed: {assignments.count():,} sheltered ({on_streets.count():,} along the streets, "
        f"{detour:.2f}× as long as the straight line to the same shelter on average), "
        f"{routed.stats['shelter_distance_m']:,} m in all"
    )
    print(
        f"  geodesic: {ShelterAssignment.objects.filter(run=plain).count():,} sheltered, "
        f"{plain.stats['shelter_distance_m']:,} m in all"
    )
    print(
        f"  {moved:,} people sent to another shelter by the streets; {no_network:,} without a "
        f"street near home or shelter; {no_route:,} with no way avoiding the hazard; "
        f"{crosses:,} ways crossing another hazard's area"
    )


def _detour(run: int) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT avg(a.route_m / GREATEST(ST_Distance(p.location, s.location), 1)) "
            "FROM planner_shelterassignment a JOIN registry_person p ON p.id = a.person_id "
            "JOIN registry_shelter s ON s.id = a.shelter_id "
            "WHERE a.run_id = %s AND a.route_m IS NOT NULL",
            [run],
        )
        return float(cursor.fetchone()[0] or 0)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


def _moved(routed: Any, plain: Any) -> int:
    from planner.models import ShelterAssignment

    before = dict(
        ShelterAssignment.objects.filter(run=plain).values_list("person_id", "shelter_id")
    )
    return sum(
        1
        for person, shelter in ShelterAssignment.objects.filter(run=routed).values_list(
            "person_id", "shelter_id"
        )
        if before.get(person, shelter) != shelter
    )


if __name__ == "__main__":
    main()
