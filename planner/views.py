"""The pages associations and officers work in: the dashboard of their neighbourhoods and
one neighbourhood's map, roster and gaps. Each view checks access, reads through the scoping
mechanism, records the look and responds."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation

from planner.selectors import coverage_by_neighbourhood, latest_run, map_features, roster
from printouts.bundle import render_bundle
from printouts.card import render_family_cards
from printouts.services import neighbourhood_sheets
from registry.access import Role, neighbourhoods_visible_to, role_of
from registry.audit import audit_record, emergency_for_people
from registry.models import AuditAction, Neighbourhood, Person
from registry.models.choices import HazardKind

PAGE_ROLES = (Role.OFFICER, Role.ASSOCIATION, Role.COMMISSIONER)


def _area(request: HttpRequest, code: str) -> Neighbourhood:
    if role_of(request.user) not in PAGE_ROLES:
        raise PermissionDenied
    area = neighbourhoods_visible_to(request.user).filter(code=code).first()
    if area is None:
        raise Http404
    return area


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) not in PAGE_ROLES:
        raise PermissionDenied
    areas = list(neighbourhoods_visible_to(request.user).order_by("code"))
    rows = coverage_by_neighbourhood(areas)
    planned = {row.neighbourhood.pk for row in rows}
    unplanned = [area for area in areas if area.pk not in planned]
    return render(request, "planner/dashboard.html", {"rows": rows, "unplanned": unplanned})


@login_required
def neighbourhood(request: HttpRequest, code: str) -> HttpResponse:
    area = _area(request, code)
    hazard = request.GET.get("hazard") or None
    if hazard is not None and hazard not in HazardKind.values:
        raise Http404
    run = latest_run(area, hazard)
    people = roster(request.user, area, run)
    persons = [row["person"] for row in people]
    audit_record(
        action=AuditAction.LIST,
        model=Person,
        object_ids=[p.pk for p in persons],
        user=request.user,
        emergency=emergency_for_people(request.user, persons),
        detail={"page": "neighbourhood"},
    )
    hints = [
        hint for hint in (run.stats.get("recruitment_hints", []) if run else [])
        if hint.get("neighbourhood") == area.code
    ]  # fmt: skip
    context = {
        "area": area,
        "run": run,
        "hazard": run.hazard if run else (hazard or HazardKind.FLOOD),
        "hazards": HazardKind.choices,
        "people": people,
        "gaps": [row for row in people if row["status"] in ("partial", "uncovered")],
        "hints": hints,
        "tiles": settings.MAP_TILES,
    }
    return render(request, "planner/neighbourhood.html", context)


@login_required
def neighbourhood_map(request: HttpRequest, code: str) -> JsonResponse:
    area = _area(request, code)
    hazard = request.GET.get("hazard") or HazardKind.FLOOD
    if hazard not in HazardKind.values:
        raise Http404
    run = latest_run(area, hazard)
    collection, shown = map_features(request.user, area, hazard, run)
    audit_record(
        action=AuditAction.LIST, model=Person, object_ids=shown, user=request.user,
        detail={"page": "map", "neighbourhood": area.code},
    )  # fmt: skip
    return JsonResponse(collection, json_dumps_params={"ensure_ascii": False})


@login_required
def neighbourhood_bundle(request: HttpRequest, code: str) -> HttpResponse:
    """The neighbourhood's bundle as a PDF: the association copy, or for officers the copy
    they ask for."""
    area = _area(request, code)
    copy_for = request.GET.get("copy_for", "association")
    if copy_for not in ("association", "officer"):
        raise Http404
    if copy_for == "officer" and role_of(request.user) != Role.OFFICER:
        raise PermissionDenied
    lang = translation.get_language() or "ja"
    people, sheets = neighbourhood_sheets(area, copy_for=copy_for, lang=lang, user=request.user)
    data = render_bundle(
        neighbourhood=area.name, association=area.association, sheets=sheets, copy_for=copy_for,
        lang=lang,
    )  # fmt: skip
    audit_record(
        action=AuditAction.PRINT, model=Person, object_ids=[p.pk for p in people],
        user=request.user, detail={"neighbourhood": area.code, "copy_for": copy_for},
    )  # fmt: skip
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bundle-{area.code}-{copy_for}.pdf"'
    return response


@login_required
def neighbourhood_cards(request: HttpRequest, code: str) -> HttpResponse:
    """Family cards of the neighbourhood's people the user may see, one a page."""
    area = _area(request, code)
    lang = translation.get_language() or "ja"
    people, sheets = neighbourhood_sheets(
        area, copy_for="association", lang=lang, user=request.user
    )
    data = render_family_cards(sheets, lang)
    audit_record(
        action=AuditAction.PRINT, model=Person, object_ids=[p.pk for p in people],
        user=request.user, detail={"neighbourhood": area.code, "document": "cards"},
    )  # fmt: skip
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cards-{area.code}.pdf"'
    return response
