"""A plan run told back: the JSON of interfaces.md and a summary for people."""

from typing import Any

from django.utils.translation import gettext as _

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
        person_id: (external_id, distance, route)
        for person_id, external_id, distance, route in ShelterAssignment.objects.filter(run=run)
        .exclude(state="rejected")
        .values_list("person_id", "shelter__external_id", "distance_m", "route_m")
    }
    people = []
    for plan in (
        PersonPlan.objects.filter(run=run)
        .order_by("person__external_id")
        .values("person_id", "person__external_id", "needed", "in_hazard_area", "status", "reasons")
    ):
        shelter, distance, route = shelters.get(plan["person_id"], (None, None, None))
        entry: dict[str, Any] = {
            "person": plan["person__external_id"],
            "needed": plan["needed"],
            "supporters": supporters.get(plan["person_id"], []),
            "shelter": shelter,
        }
        if shelter is not None:
            entry["shelter_distance_m"] = distance
        # Always present: null without a network, a route or a shelter (interfaces.md).
        entry["shelter_route_m"] = route
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
    """The run in sentences of the active language: the admin shows it in Japanese, the `plan`
    command prints it in English."""
    stats, timings = run.stats, run.timings
    scope = (
        _("neighbourhood %(code)s") % {"code": run.neighbourhood.code}
        if run.neighbourhood
        else _("the whole city")
    )
    lines = [
        _("Plan run %(run)s: %(hazard)s / %(slot)s, %(scope)s")
        % {"run": run.pk, "hazard": run.get_hazard_display(), "slot": run.get_slot_display(),
           "scope": scope},
        "  " + _("people %(people)s: covered %(covered)s, partial %(partial)s, uncovered "
                 "%(uncovered)s, no consent %(no_consent)s")
        % {key: f"{stats[key]:,}"
           for key in ("people", "covered", "partial", "uncovered", "no_consent")},
        "  " + _("in the hazard area without full cover: %(count)s")
        % {"count": f"{stats['in_hazard_area_not_covered']:,}"},
        "  " + _("supporters living in the hazard area they serve: %(at_risk)s; elderly "
                 "supporters: %(elderly)s")
        % {"at_risk": f"{stats['supporters_in_hazard_area']:,}",
           "elderly": f"{stats['elderly_supporters']:,}"},
        "  " + _("confirmed assignments kept: %(kept)s; dropped: %(dropped)s")
        % {"kept": f"{stats['kept']:,}", "dropped": f"{stats['dropped']:,}"},
        "  " + _("total distance: supporters %(supporters)s m, shelters %(shelters)s m")
        % {"supporters": f"{stats['supporter_distance_m']:,}",
           "shelters": f"{stats['shelter_distance_m']:,}"},
        "  " + _("time: %(laps)s")
        % {"laps": ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())},
    ]  # fmt: skip
    for dropped in run.dropped.select_related("person", "supporter", "shelter"):
        target = dropped.supporter or dropped.shelter
        lines.append(
            "  "
            + _("dropped: %(person)s – %(target)s: %(reason)s")
            % {
                "person": dropped.person.external_id,
                "target": target.external_id if target else "?",
                "reason": dropped.reason_in_words,
            }
        )
    hints = stats.get("recruitment_hints", [])
    if hints:
        lines.append("  " + _("where one more supporter would help most:"))
        lines += [
            "    "
            + _("%(area)s near %(lat).3f, %(lon).3f: %(people)s people (weight %(weight)s)")
            % {"area": h["neighbourhood"] or "-", "lat": h["lat"], "lon": h["lon"],
               "people": h["people"], "weight": h["weight"]}
            for h in hints
        ]  # fmt: skip
    return lines
