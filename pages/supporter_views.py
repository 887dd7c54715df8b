"""The supporter list of a neighbourhood, kept by its association: add, edit and retire
supporters (home placed on a map), seeing whom a change leaves without their supporter."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pages.expired import form_after_login, login_required_form
from pages.forms import SupporterForm
from pages.lookups import DECIDERS, area_for
from pages.scenarios import ChosenScenario, chosen_scenario
from planner.selectors import people_helped_by
from registry import services
from registry.access import Role, persons_visible_to, role_of, supporters_visible_to
from registry.audit import audit_record
from registry.models import AuditAction, Neighbourhood, Person, Supporter
from registry.models.choices import HazardKind, TimeSlot


def _editor(request: HttpRequest, code: str) -> Neighbourhood:
    area = area_for(request, code)
    if role_of(request.user) not in DECIDERS:
        raise PermissionDenied
    return area


@dataclass(frozen=True)
class Helped:
    """Whom the latest plans have a supporter helping, as far as the user may see them."""

    shown: list[tuple[Person, str]]  # the person and the scenario, in words
    hidden: int  # people the user may not see (another neighbourhood, or no consent)


def _helped(user: Any, supporter: Supporter) -> Helped:
    found = people_helped_by(supporter)
    visible = persons_visible_to(user).in_bulk({person_id for person_id, _h, _s in found})
    shown = [
        (visible[person_id], f"{HazardKind(hazard).label} / {TimeSlot(slot).label}")
        for person_id, hazard, slot in found
        if person_id in visible
    ]
    hidden = len({person_id for person_id, _h, _s in found} - set(visible))
    return Helped(shown, hidden)


def _list_url(area: Neighbourhood, scenario: ChosenScenario) -> str:
    """The supporter list, keeping the scenario the user came with (for the link back to the
    neighbourhood page)."""
    return f"{reverse('supporters', args=[area.code])}?{scenario.query}"


def _same_page(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    return request.get_full_path()


@login_required
def supporter_list(request: HttpRequest, code: str) -> HttpResponse:
    area = area_for(request, code)
    supporters = (
        supporters_visible_to(request.user).filter(neighbourhood=area).order_by("-active", "name")
    )
    audit_record(action=AuditAction.LIST, model=Supporter, object_ids=[s.pk for s in supporters],
                 user=request.user, detail={"page": "supporters"})  # fmt: skip
    may_edit = role_of(request.user) in DECIDERS
    context = {
        "area": area, "supporters": supporters, "may_edit": may_edit,
        "scenario": chosen_scenario(request, area),
    }  # fmt: skip
    return render(request, "pages/supporters.html", context)


@login_required_form("supporter", back=_same_page)
def supporter_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    area = _editor(request, code)
    scenario = chosen_scenario(request, area)
    supporter = Supporter(neighbourhood=area)
    if pk is not None:
        found = supporters_visible_to(request.user).filter(neighbourhood=area, pk=pk).first()
        if found is None:
            raise Http404
        supporter = found
    # Posted when the session had expired: shown filled in again, saved only when posted.
    kept = form_after_login(request, "supporter") if request.method == "GET" else None
    form = SupporterForm(
        request.POST or kept or None, instance=supporter, area=area,
        refuse_outside=role_of(request.user) != Role.OFFICER,
    )  # fmt: skip
    # The map widget's scripts carry the page's nonce, or the Content-Security-Policy blocks them.
    form.fields["location"].widget.csp_nonce = getattr(request, "csp_nonce", None)
    if request.method == "POST" and form.is_valid():
        services.supporter_save(
            supporter=form.save(commit=False), neighbourhood=area,
            changed=list(form.changed_data), user=request.user,
        )  # fmt: skip
        messages.success(request, _("Saved. The next plan run uses the change."))
        if form.outside:
            messages.warning(
                request,
                _("The supporter's home lies outside %(neighbourhood)s, whose list they are in.")
                % {"neighbourhood": f"{area.code} {area.name}"},
            )
        return redirect(_list_url(area, scenario))
    context = {
        "area": area, "form": form, "supporter": supporter, "scenario": scenario,
        "helped": _helped(request.user, supporter) if pk else None,
    }  # fmt: skip
    failed = request.method == "POST" and bool(form.errors)
    return render(request, "pages/supporter_form.html", context, status=400 if failed else 200)


@login_required
def supporter_retire(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    area = _editor(request, code)
    scenario = chosen_scenario(request, area)
    supporter = supporters_visible_to(request.user).filter(neighbourhood=area, pk=pk).first()
    if supporter is None:
        raise Http404
    if request.method == "POST":
        services.supporter_retire(supporter=supporter, user=request.user)
        messages.success(request, _("Retired. The next plan run finds others where it can."))
        return redirect(_list_url(area, scenario))
    context = {
        "area": area, "supporter": supporter, "scenario": scenario,
        "helped": _helped(request.user, supporter),
    }  # fmt: skip
    return render(request, "pages/supporter_retire.html", context)
