"""A person's page: what the user may see of them, the current plan with a confirm or reject
for each assignment, the family's reviews, and the plan and family card as PDFs."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planner.decisions import assignment_decide, plan_review_create
from planner.forms import DecisionForm, ReviewForm
from planner.models import PersonPlan, ShelterAssignment, SupporterAssignment
from printouts.card import render_family_card
from printouts.plan_pdf import render_plan
from printouts.sheets import plan_sheet
from registry.access import HEALTH_FIELDS, Role, can_see_health, role_of
from registry.audit import audit_record, emergency_for_people
from registry.models import AuditAction, Person

DECIDERS = (Role.OFFICER, Role.ASSOCIATION)


def _person(request: HttpRequest, pk: int) -> Person:
    if role_of(request.user) not in (Role.OFFICER, Role.ASSOCIATION, Role.COMMISSIONER):
        raise PermissionDenied
    person = (
        Person.objects.visible_to(request.user)
        .select_related("neighbourhood")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    return person


def _context(
    request: HttpRequest, person: Person, review_form: ReviewForm | None = None
) -> dict[str, Any]:
    plan = (
        PersonPlan.objects.filter(person=person).select_related("run").order_by("-run_id").first()
    )
    supporters = (
        SupporterAssignment.objects.filter(run=plan.run, person=person)
        .select_related("supporter")
        .order_by("distance_m")
        if plan
        else []
    )
    shelter = (
        ShelterAssignment.objects.filter(run=plan.run, person=person)
        .select_related("shelter")
        .first()
        if plan
        else None
    )
    health = can_see_health(request.user, person)
    shown = ["mobility", "care_while_moving", "mobility_aids", "place_in_home"]
    if health:
        shown += HEALTH_FIELDS
    details = [(_label(name), _value(person, name)) for name in shown]
    return {
        "person": person,
        "details": details,
        "plan": plan,
        "supporters": supporters,
        "shelter": shelter,
        "may_decide": role_of(request.user) in DECIDERS,
        "reviews": person.plan_reviews.all()[:5],
        "review_form": review_form or ReviewForm(),
        "contacts": person.emergency_contacts.all(),
    }


def _label(name: str) -> str:
    return str(getattr(Person._meta.get_field(name), "verbose_name", name))


def _value(person: Person, name: str) -> object:
    """A field's value as people read it: the label of a key, keys of a list joined."""
    display = getattr(person, f"get_{name}_display", None)
    value = display() if display else getattr(person, name)
    if isinstance(value, list):
        base = getattr(Person._meta.get_field(name), "base_field", None)
        labels = dict(getattr(base, "choices", None) or [])
        return "、".join(str(labels.get(item, item)) for item in value)
    return value


@login_required
def person_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    audit_record(
        action=AuditAction.VIEW, model=Person, object_ids=[person.pk], user=request.user,
        emergency=emergency_for_people(request.user, [person]), detail={"page": "person"},
    )  # fmt: skip
    return render(request, "planner/person.html", _context(request, person))


@login_required
@require_POST
def person_decide(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if role_of(request.user) not in DECIDERS:
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That decision could not be read."))
        return redirect("person", pk=person.pk)
    model = SupporterAssignment if form.cleaned_data["kind"] == "supporter" else ShelterAssignment
    assignment = model.objects.filter(pk=form.cleaned_data["assignment"], person=person).first()
    if assignment is None:
        raise Http404
    assignment_decide(
        assignment=assignment, decision=form.cleaned_data["decision"], user=request.user
    )
    messages.success(request, _("Recorded."))
    return redirect("person", pk=person.pk)


@login_required
@require_POST
def person_review(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if role_of(request.user) not in DECIDERS:
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(request, "planner/person.html", _context(request, person, form), status=400)
    plan_review_create(
        person=person, reviewed_on=form.cleaned_data["reviewed_on"],
        changes=form.cleaned_data["changes_requested"], user=request.user,
    )  # fmt: skip
    messages.success(request, _("The review is recorded."))
    return redirect("person", pk=person.pk)


def _pdf(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    person = _person(request, pk)
    lang = request.GET.get("lang") or translation.get_language() or "ja"
    if lang not in ("ja", "en"):
        raise Http404
    with translation.override(lang):
        sheet = plan_sheet(person)
    data = render_plan(sheet, lang) if what == "plan" else render_family_card(sheet, lang)
    audit_record(action=AuditAction.PRINT, model=Person, object_ids=[person.pk], user=request.user,
                 detail={"document": what, "lang": lang})  # fmt: skip
    response = HttpResponse(data, content_type="application/pdf")
    # The file is named by the opaque record number, never the person's name.
    response["Content-Disposition"] = f'attachment; filename="{what}-{person.pk}.pdf"'
    return response


@login_required
def person_plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, "plan")


@login_required
def person_card_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, "card")
