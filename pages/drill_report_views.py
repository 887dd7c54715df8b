"""The after-action report of a drill on a page, as PDF and its plots, for officers (any drill)
and associations (drills of their neighbourhoods), read through the disclosure policy; and the
findings fed back from it into the plans: a supporter who could not come in the drill's slot
(asked before changing) and a note onto a person's next plan version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from drills.feedback import (
    FindingRefused,
    person_finding_record,
    slot_withdrawal_changes,
    supporter_slot_withdraw,
)
from drills.models import CheckState, Drill, DrillSupporter
from pages.downloads import file_download
from pages.lookups import DECIDERS
from printouts.drill_curves import curve_png
from printouts.drill_reading import report_for_reader
from printouts.drill_report import minutes, report_pdf
from registry.access import (
    Role,
    areas_of,
    persons_visible_to,
    role_of,
    supporters_visible_to,
)
from registry.audit import audit_record
from registry.models import AuditAction, Person, Supporter
from registry.models.choices import TimeSlot


def _drill_for(request: HttpRequest, pk: int) -> Drill:
    """The drill, if the user may read its report: an officer any, an association those that
    take in one of its neighbourhoods; for anyone else it does not exist."""
    role = role_of(request.user)
    if role not in DECIDERS:
        raise PermissionDenied
    drills = Drill.objects.filter(pk=pk)
    if role != Role.OFFICER:
        drills = drills.filter(neighbourhoods__in=areas_of(request.user)).distinct()
    drill = drills.first()
    if drill is None:
        raise Http404
    return drill


@login_required
def drill_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    drill = _drill_for(request, pk)
    read = report_for_reader(drill, request.user)
    audit_record(action=AuditAction.LIST, model=Person,
                 object_ids=[p.times.person for p in read.people], user=request.user,
                 detail={"page": "drill_report", "drill": drill.pk})  # fmt: skip
    context = {
        "drill": drill,
        "read": read,
        "states": [(CheckState(s).label, read.figures.totals[s]) for s in CheckState.values],
        "rows": [(p, minutes(p.times.first_contact_s), minutes(p.times.arrived_s),
                  CheckState(p.times.state).label) for p in read.people],
        "never": [(p, CheckState(p.times.state).label) for p in read.never_reached],
        "slot": TimeSlot(drill.slot).label,
    }  # fmt: skip
    return render(request, "pages/drill_report/report.html", context)


@login_required
def drill_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    drill = _drill_for(request, pk)
    lang = request.GET.get("lang") or translation.get_language() or "ja"
    if lang not in ("ja", "en"):
        raise Http404
    with translation.override(lang):
        read = report_for_reader(drill, request.user)
        data = report_pdf(read)
    audit_record(action=AuditAction.PRINT, model=Person,
                 object_ids=[p.times.person for p in read.people], user=request.user,
                 detail={"document": "drill_report", "drill": drill.pk})  # fmt: skip
    return file_download(data, f"drill-{drill.pk}-report.pdf")


@login_required
def drill_report_plot(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One neighbourhood's curves (counts only) as PNG."""
    drill = _drill_for(request, pk)
    read = report_for_reader(drill, request.user)
    curve = next((c for c in read.curves if c.code == code), None)
    if curve is None:
        raise Http404
    response = HttpResponse(curve_png(curve, read.figures.length_s), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def drill_finding_supporter(request: HttpRequest, pk: int, supporter: int) -> HttpResponse:
    """A supporter could not come in the drill's slot: shown what would change, then changed
    only when confirmed."""
    drill = _drill_for(request, pk)
    found = (
        supporters_visible_to(request.user, Supporter.objects.all())
        .filter(pk=supporter, pk__in=DrillSupporter.objects.filter(drill=drill)
                .values("supporter_id"))
        .first()
    )  # fmt: skip
    if found is None:
        raise Http404
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            supporter_slot_withdraw(drill=drill, supporter=found, user=request.user)  # type: ignore[arg-type]
        except FindingRefused:
            messages.warning(request, _("Nothing changed: the supporter is already not "
                                        "available in this time slot."))  # fmt: skip
        else:
            messages.success(request, _("Saved. The next plan run uses the change."))
        return redirect("drill_report", pk=drill.pk)
    context = {
        "drill": drill, "supporter": found, "slot": TimeSlot(drill.slot).label,
        "changes": slot_withdrawal_changes(drill, found),
    }  # fmt: skip
    return render(request, "pages/drill_report/confirm_supporter.html", context)


@login_required
@require_POST
def drill_finding_person(request: HttpRequest, pk: int, person: int) -> HttpResponse:
    drill = _drill_for(request, pk)
    found = persons_visible_to(request.user).filter(pk=person).first()
    if found is None:
        raise Http404
    try:
        person_finding_record(drill=drill, person=found, text=request.POST.get("text", ""),
                              user=request.user)  # type: ignore[arg-type]  # fmt: skip
    except FindingRefused:
        messages.warning(request, _("Write what the next plan should change."))
    else:
        messages.success(request, _("Noted for the person's next plan version."))
    return redirect("drill_report", pk=drill.pk)
