"""The drills pages for officers and associations (commissioners watch): the list of drills with
a form to start one, the live board of one drill and its JSON, closing a drill, and entering a
report taken by phone on a supporter's behalf. Each view checks access, reads through the
scoping mechanism, calls one service, records the look and responds."""

import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from drills.links import link_url
from drills.models import CheckState, Drill
from drills.services import DrillRefused, drill_close, drill_report, drill_start
from drills.tasks import MailBusy, drill_mail_queue, drill_mail_waiting, drill_mailings
from drills.visits import Visits, drill_visits
from pages.downloads import file_download
from pages.drill_board import (
    STATE_COLOURS,
    DrillStartForm,
    PhoneReportForm,
    board_data,
    drill_rows,
    drills_areas_for,
    drills_visible_to,
    may_report_on,
    may_run,
    refusal_words,
)
from pages.lookups import require_page_role
from printouts.drill_sheet import drill_sheets, render_drill_sheets
from registry.access import persons_visible_to
from registry.audit import audit_record
from registry.models import AuditAction, Person

# How often the board asks for fresh data, in seconds.
POLL_SECONDS = 10


def _drill_for(request: HttpRequest, pk: int) -> Drill:
    """A drill outside the user's scope does not exist for them."""
    require_page_role(request)
    drill = drills_visible_to(request.user).filter(pk=pk).first()
    if drill is None:
        raise Http404
    return drill


def _record_look(request: HttpRequest, drill: Drill, shown: list[int], page: str) -> None:
    # A look at people; under an emergency audit_record marks it with the emergency.
    audit_record(
        action=AuditAction.LIST, model=Person, object_ids=shown, user=request.user,
        detail={"page": page, "drill": drill.pk, "hazard": drill.hazard, "slot": drill.slot},
    )  # fmt: skip


@login_required
def drill_list(request: HttpRequest) -> HttpResponse:
    require_page_role(request)
    user = request.user
    form = None
    if may_run(user):
        form = DrillStartForm(request.POST or None, user=user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                drill = drill_start(
                    name=data["name"], hazard=data["hazard"], slot=data["slot"],
                    neighbourhoods=data["neighbourhoods"], kind=data["kind"], user=user,
                )  # fmt: skip
            except DrillRefused as error:
                form.add_error(None, refusal_words(error))
            else:
                messages.success(request, _("The drill has started."))
                return redirect("drill_board", pk=drill.pk)
    elif request.method == "POST":
        raise PermissionDenied
    now = timezone.now()
    rows = [(drill, drill.is_open(now)) for drill in drill_rows(user)]
    return render(request, "pages/board/drills.html", {"rows": rows, "form": form})


@login_required
def drill_board(request: HttpRequest, pk: int) -> HttpResponse:
    drill = _drill_for(request, pk)
    data = board_data(request.user, drill)
    shown = [row["id"] for row in data["people"]]
    _record_look(request, drill, shown, "drill_board")
    reporting = may_report_on(request.user) and data["drill"]["open"]
    people = data["people"]
    if reporting:
        # One key per rendered form: a double submit or a resend records one report.
        for row in people:
            row["form"] = PhoneReportForm(initial={"person": row["id"], "key": uuid.uuid4().hex})
    by_id = {row["id"]: row for row in people}
    context = {
        "drill": drill,
        "data": data,
        "people": people,
        "not_reached": [by_id[pk] for pk in data["not_reached"]],
        "needs_help": [
            {**by_id[entry["id"]], "note": entry["note"]} for entry in data["needs_help"]
        ],
        "reporting": reporting,
        "may_close": data["drill"]["open"] and may_run(request.user, drill),
        # Officers running the drill send the supporters their links by e-mail, on a worker.
        "mailings": drill_mailings(drill)[:5] if may_run(request.user, drill) else [],
        "mail_waiting": drill_mail_waiting(drill),
        "tiles": settings.MAP_TILES,
        "poll_seconds": POLL_SECONDS,
        "outlines": _outlines(drill, request),
        "colours": STATE_COLOURS,
        "states": CheckState,
    }
    return render(request, "pages/board/board.html", context)


def _outlines(drill: Drill, request: HttpRequest) -> dict[str, object]:
    """The outlines of the drill's neighbourhoods the user looks after, to frame the map."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": json.loads(area.geom.geojson),
             "properties": {"code": area.code, "name": area.name}}
            for area in drills_areas_for(request.user, drill)
        ],
    }  # fmt: skip


@login_required
def drill_board_json(request: HttpRequest, pk: int) -> JsonResponse:
    drill = _drill_for(request, pk)
    data = board_data(request.user, drill)
    _record_look(request, drill, [row["id"] for row in data["people"]], "drill_board_json")
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def drill_board_mail(request: HttpRequest, pk: int) -> HttpResponse:
    drill = _drill_for(request, pk)
    if not may_run(request.user, drill) or drill.closed_at is not None:
        raise PermissionDenied
    try:
        drill_mail_queue(drill, user=request.user)
    except MailBusy:
        messages.info(request, _("The e-mail to the supporters is already being sent."))
    else:
        messages.success(request, _("The e-mail to the supporters is being sent."))
    return redirect("drill_board", pk=drill.pk)


@login_required
@require_POST
def drill_board_close(request: HttpRequest, pk: int) -> HttpResponse:
    drill = _drill_for(request, pk)
    if not may_run(request.user, drill):
        raise PermissionDenied
    drill_close(drill, user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The drill is closed: links no longer work."))
    return redirect("drill_board", pk=drill.pk)


@login_required
def drill_board_sheets(request: HttpRequest, pk: int) -> HttpResponse:
    """The drill sheets of the supporters who check on people this user may see, each with
    that supporter's own link and QR code (the same as `drill links` prints)."""
    drill = _drill_for(request, pk)
    # Those who run drills print them, an association for its own people in a shared drill.
    if not may_report_on(request.user):
        raise PermissionDenied
    if not drill.is_open():
        raise Http404
    visible = set(persons_visible_to(request.user).values_list("pk", flat=True))
    visits = [
        Visits(visit.supporter, [p for p in visit.people if p.pk in visible])
        for visit in drill_visits(drill)
    ]
    visits = [visit for visit in visits if visit.people]
    sheets, _withheld = drill_sheets(drill, visits, lambda s: link_url(drill, s))
    audit_record(
        action=AuditAction.PRINT, model=Person,
        object_ids=[person.pk for visit in visits for person in visit.people],
        detail={"document": "drill sheets", "drill": drill.pk}, user=request.user,
    )  # fmt: skip
    return file_download(
        render_drill_sheets(drill, sheets, translation.get_language() or "ja"),
        f"drill-{drill.pk}-sheets.pdf",
    )


@login_required
@require_POST
def drill_board_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A report taken by phone, entered for the person on the supporter's behalf."""
    drill = _drill_for(request, pk)
    if not may_report_on(request.user):
        raise PermissionDenied
    form = PhoneReportForm(request.POST)
    board = reverse("drill_board", kwargs={"pk": drill.pk})
    if not form.is_valid():
        messages.error(request, _("The report was not understood: choose a state."))
        return redirect(board)
    data = form.cleaned_data
    person = persons_visible_to(request.user).filter(pk=data["person"]).first()
    if person is None:
        raise Http404
    try:
        report, written = drill_report(
            drill, person, data["state"], key=data["key"], user=request.user,  # type: ignore[arg-type]
            note=data["note"],
        )  # fmt: skip
    except DrillRefused as error:
        messages.error(request, refusal_words(error))
        return redirect(board)
    if written:
        audit_record(
            action=AuditAction.CREATE, model="drills.drillreport", object_ids=[report.pk],
            user=request.user, detail={"person": person.pk, "drill": drill.pk},
        )  # fmt: skip
        messages.success(request, _("Report recorded for %(name)s.") % {"name": person.name})
    else:
        messages.info(request, _("This report was already recorded."))
    return redirect(f"{board}#person-{person.pk}")
