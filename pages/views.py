"""The pages associations and officers work in: the dashboard of their neighbourhoods and
one neighbourhood's map, roster and gaps. Each view checks access, reads through the scoping
mechanism, records the look and responds."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from pages.agreements import neighbourhood_asking, overdue_rows
from pages.lookups import DECIDERS, area_for, require_page_role
from pages.scenarios import chosen_scenario, scenario_filter
from pages.selectors import has_routes, map_features, roster
from planner.coverage import coverage_by_neighbourhood
from registry.access import neighbourhoods_visible_to, role_of
from registry.audit import audit_record
from registry.models import AuditAction, Person


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require_page_role(request)
    shown = scenario_filter(request)
    areas = list(neighbourhoods_visible_to(request.user).order_by("code"))
    rows = coverage_by_neighbourhood(areas, hazard=shown.hazard, slot=shown.slot)
    planned = {row.neighbourhood.pk for row in rows}
    unplanned = [area for area in areas if area.pk not in planned]
    overdue = overdue_rows(request.user)
    if overdue:
        audit_record(
            action=AuditAction.LIST, model=Person, object_ids=[row.person.pk for row in overdue],
            user=request.user, detail={"page": "dashboard", "list": "overdue_reviews"},
        )  # fmt: skip
    context = {"rows": rows, "unplanned": unplanned, "shown": shown, "overdue": overdue}
    return render(request, "pages/dashboard.html", context)


@login_required
def neighbourhood(request: HttpRequest, code: str) -> HttpResponse:
    area = area_for(request, code)
    scenario = chosen_scenario(request, area)
    run = scenario.run
    people = roster(request.user, area, run)
    # The first people of each asking list; all of them on the lists' own page.
    asking = neighbourhood_asking(
        request.user, area, [row.person for row in people], first=ASKING_ON_PAGE
    )
    audit_record(
        action=AuditAction.LIST,
        model=Person,
        object_ids=sorted({row.person.pk for row in people} | set(asking.people)),
        user=request.user,
        detail={"page": "neighbourhood", "hazard": scenario.hazard, "slot": scenario.slot},
    )
    hints = [
        hint for hint in (run.stats.get("recruitment_hints", []) if run else [])
        if hint.get("neighbourhood") == area.code
    ]  # fmt: skip
    context = {
        "area": area,
        "run": run,
        "scenario": scenario,
        "hazard": scenario.hazard,
        "people": people,
        "gaps": [row for row in people if row.has_gap],
        "hints": hints,
        "tiles": settings.MAP_TILES,
        "asking": asking,
        "may_decide": role_of(request.user) in DECIDERS,
        "has_routes": has_routes(run, [row.person.pk for row in people]),
    }
    return render(request, "pages/neighbourhood.html", context)


# How many people each asking list shows on the neighbourhood page.
ASKING_ON_PAGE = 15


@login_required
def neighbourhood_asking_lists(request: HttpRequest, code: str) -> HttpResponse:
    """Everyone of the neighbourhood still to ask and every answer pending."""
    area = area_for(request, code)
    asking = neighbourhood_asking(request.user, area)
    audit_record(
        action=AuditAction.LIST, model=Person, object_ids=asking.people, user=request.user,
        detail={"page": "asking", "neighbourhood": area.code},
    )  # fmt: skip
    context = {
        "area": area,
        "asking": asking,
        "may_decide": role_of(request.user) in DECIDERS,
    }
    return render(request, "pages/asking.html", context)


@login_required
def neighbourhood_map(request: HttpRequest, code: str) -> JsonResponse:
    area = area_for(request, code)
    scenario = chosen_scenario(request, area)
    collection, shown = map_features(
        request.user, area, scenario.hazard, scenario.run, person_query=scenario.query
    )
    audit_record(
        action=AuditAction.LIST, model=Person, object_ids=shown, user=request.user,
        detail={"page": "map", "neighbourhood": area.code, "hazard": scenario.hazard,
                "slot": scenario.slot},
    )  # fmt: skip
    return JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
