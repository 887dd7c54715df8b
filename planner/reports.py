"""A plan run told back: the JSON of interfaces.md and a summary for people."""

from typing import Any

from planner.models import PersonPlan, PlanRun, ShelterAssignment, SupporterAssignment


def run_json(run: PlanRun) -> dict[str, Any]:
    supporters: dict[int, list[str]] = {}
    for person_id, external_id in (
        SupporterAssignment.objects.filter(run=run)
        .exclude(state="rejected")
        .order_by("person_id", "distance_m", "supporter__external_id")
        .values_list("person_id", "supporter__external_id")
    ):
        supporters.setdefault(person_id, []).append(external_id)
    shelters = {
        person_id: (external_id, distance)
        for person_id, external_id, distance in ShelterAssignment.objects.filter(run=run)
        .exclude(state="rejected")
        .values_list("person_id", "shelter__external_id", "distance_m")
    }
    people = []
    for plan in (
        PersonPlan.objects.filter(run=run)
        .order_by("person__external_id")
        .values("person_id", "person__external_id", "needed", "in_hazard_area", "status", "reasons")
    ):
        shelter, distance = shelters.get(plan["person_id"], (None, None))
        entry: dict[str, Any] = {
            "person": plan["person__external_id"],
            "needed": plan["needed"],
            "supporters": supporters.get(plan["person_id"], []),
            "shelter": shelter,
        }
        if shelter is not None:
            entry["shelter_distance_m"] = distance
        entry.update(
            in_hazard_area=plan["in_hazard_area"], status=plan["status"], reasons=plan["reasons"]
        )
        people.append(entry)
    stats = run.stats
    return {
        "run": run.pk,
        "scenario": {
            "hazard": run.hazard,
            "slot": run.slot,
            "neighbourhood": run.neighbourhood.code if run.neighbourhood else None,
        },
        "people": people,
        "stats": {
            key: stats.get(key, 0)
            for key in ("people", "covered", "partial", "uncovered", "no_consent")
        },
    }


def run_summary(run: PlanRun) -> list[str]:
    stats, timings = run.stats, run.timings
    scope = f"neighbourhood {run.neighbourhood.code}" if run.neighbourhood else "the whole city"
    lines = [
        f"Plan run {run.pk}: {run.get_hazard_display()} / {run.get_slot_display()}, {scope}",
        f"  people {stats['people']:,}: covered {stats['covered']:,}, "
        f"partial {stats['partial']:,}, uncovered {stats['uncovered']:,}, "
        f"no consent {stats['no_consent']:,}",
        f"  in the hazard area without full cover: {stats['in_hazard_area_not_covered']:,}",
        "  supporters living in the hazard area they serve: "
        f"{stats['supporters_in_hazard_area']:,}; "
        f"elderly supporters: {stats['elderly_supporters']:,}",
        f"  confirmed assignments kept: {stats['kept']:,}; dropped: {stats['dropped']:,}",
        f"  total distance: supporters {stats['supporter_distance_m']:,} m, "
        f"shelters {stats['shelter_distance_m']:,} m",
        "  time: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()),
    ]
    for dropped in run.dropped.select_related("person", "supporter", "shelter"):
        target = dropped.supporter or dropped.shelter
        lines.append(
            f"  dropped: {dropped.person.external_id} – {target.external_id if target else '?'}: "
            f"{dropped.reason}"
        )
    hints = stats.get("recruitment_hints", [])
    if hints:
        lines.append("  where one more supporter would help most:")
        lines += [
            f"    {h['neighbourhood'] or '-'} near {h['lat']:.3f}, {h['lon']:.3f}: "
            f"{h['people']} people (weight {h['weight']})"
            for h in hints
        ]
    return lines
