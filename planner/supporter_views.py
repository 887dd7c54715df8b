"""The supporter list of a neighbourhood, kept by its association: add, edit and retire
supporters (home placed on a map), seeing whom a change leaves without their supporter."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from leaflet.forms.widgets import LeafletWidget

from planner.models import AssignmentState, PlanRun, SupporterAssignment
from planner.selectors import latest_run
from planner.views import _area
from registry.access import Role, role_of, supporters_visible_to
from registry.audit import audit_record
from registry.models import AuditAction, Neighbourhood, Supporter

EDITORS = (Role.OFFICER, Role.ASSOCIATION)


class SupporterForm(forms.ModelForm[Supporter]):
    class Meta:
        model = Supporter
        fields = [
            "external_id", "name", "kana", "address", "phone", "location", "role", "capacity",
            "available", "can_push_wheelchair", "can_carry", "has_car", "birth_year",
        ]  # fmt: skip
        widgets = {"location": LeafletWidget()}
        help_texts = {"location": gettext_lazy("Drag the marker to the supporter's home.")}


def _editor(request: HttpRequest, code: str) -> Neighbourhood:
    area = _area(request, code)
    if role_of(request.user) not in EDITORS:
        raise PermissionDenied
    return area


def _left_alone(supporter: Supporter, run: PlanRun | None) -> list[Any]:
    """The people this supporter helps in the latest plan: who a change would leave alone."""
    if run is None or supporter.pk is None:
        return []
    return [
        a.person
        for a in SupporterAssignment.objects.filter(run=run, supporter=supporter)
        .exclude(state=AssignmentState.REJECTED)
        .select_related("person")
    ]


@login_required
def supporter_list(request: HttpRequest, code: str) -> HttpResponse:
    area = _area(request, code)
    supporters = (
        supporters_visible_to(request.user).filter(neighbourhood=area).order_by("-active", "name")
    )
    audit_record(action=AuditAction.LIST, model=Supporter, object_ids=[s.pk for s in supporters],
                 user=request.user, detail={"page": "supporters"})  # fmt: skip
    context = {"area": area, "supporters": supporters, "may_edit": role_of(request.user) in EDITORS}
    return render(request, "planner/supporters.html", context)


@login_required
def supporter_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    area = _editor(request, code)
    supporter = Supporter(neighbourhood=area)
    if pk is not None:
        found = supporters_visible_to(request.user).filter(neighbourhood=area, pk=pk).first()
        if found is None:
            raise Http404
        supporter = found
    form = SupporterForm(request.POST or None, instance=supporter)
    # The map widget's scripts carry the page's nonce, or the Content-Security-Policy blocks them.
    form.fields["location"].widget.csp_nonce = getattr(request, "csp_nonce", None)
    run = latest_run(area)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.neighbourhood = area
            saved.save()
            audit_record(action=AuditAction.CHANGE if pk else AuditAction.CREATE, model=Supporter,
                         object_ids=[saved.pk], user=request.user,
                         detail={"changed": sorted(form.changed_data)})  # fmt: skip
        messages.success(request, _("Saved. The next plan run uses the change."))
        return redirect("supporters", code=area.code)
    context = {
        "area": area, "form": form, "supporter": supporter,
        "left_alone": _left_alone(supporter, run) if pk else [],
    }  # fmt: skip
    return render(
        request, "planner/supporter_form.html", context, status=400 if form.errors else 200
    )


@login_required
def supporter_retire(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    area = _editor(request, code)
    supporter = supporters_visible_to(request.user).filter(neighbourhood=area, pk=pk).first()
    if supporter is None:
        raise Http404
    left_alone = _left_alone(supporter, latest_run(area))
    if request.method == "POST":
        with transaction.atomic():
            supporter.active = False
            supporter.save(update_fields=["active", "updated_at"])
            audit_record(action=AuditAction.CHANGE, model=Supporter, object_ids=[supporter.pk],
                         user=request.user, detail={"retired": True})  # fmt: skip
        messages.success(request, _("Retired. The next plan run finds others where it can."))
        return redirect("supporters", code=area.code)
    context = {"area": area, "supporter": supporter, "left_alone": left_alone}
    return render(request, "planner/supporter_retire.html", context)
