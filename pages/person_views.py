"""A person's page: what the user may see of them, the plan of the scenario chosen with a
confirm or reject for its shelter, the supporters' agreement and the issued versions (whose
steps pages.agreement_views records), and the family's reviews."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pages.agreements import draft_plan, person_pairs, person_version, plan_helpers
from pages.expired import form_after_login, login_required_form
from pages.forms import DecisionForm, ReviewForm
from pages.lookups import DECIDERS, person_for
from pages.scenarios import chosen_scenario, emergency_hazards, scenario_query
from planner.decisions import assignment_decide, plan_review_create
from planner.models import (
    AskedHow,
    PersonPlan,
    PlanRun,
    ShelterAssignment,
    SupporterAssignment,
)
from registry.access import HEALTH_FIELDS, Role, can_see_health, role_of
from registry.audit import audit_record
from registry.models import AuditAction, Person
from registry.models.choices import CommunicationNeed, Placed


def _context(
    request: HttpRequest, person: Person, review_form: ReviewForm | None = None
) -> dict[str, Any]:
    scenario = chosen_scenario(request, person)
    plan = (
        PersonPlan.objects.filter(person=person, run=scenario.run).select_related("run").first()
        if scenario.run
        else None
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
    agreement = _agreement_context(request, person)
    health = can_see_health(request.user, person)
    shown = ["mobility", "care_while_moving", "mobility_aids", "place_in_home"]
    if health:
        shown += HEALTH_FIELDS
    details = _details(person, shown)
    return {
        "person": person,
        "scenario": scenario,
        "details": details,
        "plan": plan,
        "supporters": plan_helpers(request.user, supporters, agreement["pairs"]),
        "shelter": shelter,
        "may_decide": role_of(request.user) in DECIDERS,
        "reviews": person.plan_reviews.all()[:5],
        "review_form": review_form or ReviewForm(),
        "contacts": person.emergency_contacts.all(),
        # Says why a person who has not consented is shown at all.
        "under_emergency": bool(emergency_hazards(person)),
        **_placed_context(request, person),
        **agreement,
    }


def _placed_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    """How the home was placed, beside the address everyone on this page already sees; a
    town's point is only near the house, and an officer may drag it there in the admin."""
    approximate = person.placed == Placed.TOWN
    officer = role_of(request.user) == Role.OFFICER
    return {
        "placed_in_words": person.get_placed_display(),
        "placed_approximate": approximate,
        "place_by_hand_url": (
            reverse("admin:registry_person_change", args=[person.pk])
            if approximate and officer
            else ""
        ),
    }


def _agreement_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    """The supporters' agreement, step by step, and the issued versions, from one reading of
    the draft plan."""
    draft = draft_plan(person)
    pairs = person_pairs(request.user, person, draft)
    named = [row.supporter_pk for row in pairs.rows + pairs.declined]
    return {
        "pairs": pairs,
        "version": person_version(request.user, person, draft, named),
        "asked_how": AskedHow.choices,
        # Officers see a candidate's phone; everyone else once the supporter agreed.
        "candidate_phones": role_of(request.user) == Role.OFFICER,
    }


# A medical contact's name field and its phone, shown as one row when either is filled.
MEDICAL_CONTACTS = {"doctor": "doctor_phone", "nurse": "nurse_phone",
                    "device_supplier": "device_supplier_phone"}  # fmt: skip


def _details(person: Person, shown: list[str]) -> list[tuple[str, object, str]]:
    """(label, value, phone) rows in the order given; a medical contact is one row with its
    phone, left out when nothing is recorded."""
    rows = []
    for name in shown:
        if name in MEDICAL_CONTACTS.values():
            continue
        if name in MEDICAL_CONTACTS:
            phone = getattr(person, MEDICAL_CONTACTS[name])
            if getattr(person, name) or phone:
                rows.append((_label(name), getattr(person, name), phone))
            continue
        rows.append((_label(name), _value(person, name), ""))
    return rows


def _label(name: str) -> str:
    return str(getattr(Person._meta.get_field(name), "verbose_name", name))


def _value(person: Person, name: str) -> object:
    """A field's value as people read it: the label of a key, keys of a list joined."""
    display = getattr(person, f"get_{name}_display", None)
    value = display() if display else getattr(person, name)
    if isinstance(value, list):
        base = getattr(Person._meta.get_field(name), "base_field", None)
        # Communication needs are checked by a pattern, not choices (`language:xx` too).
        choices = CommunicationNeed.choices if name == "communication" else None
        labels = dict(choices or getattr(base, "choices", None) or [])
        return "、".join(str(labels.get(item, item)) for item in value)
    return value


def _person_url(request: HttpRequest, pk: int, run: PlanRun | None = None) -> str:
    """The person page, on the scenario the form was posted from (or the run's)."""
    query = scenario_query(request, run)
    return reverse("person", args=[pk]) + (f"?{query}" if query else "")


@login_required
def person_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_for(request, pk)
    audit_record(
        action=AuditAction.VIEW, model=Person, object_ids=[person.pk], user=request.user,
        detail={"page": "person"},
    )  # fmt: skip
    # A form posted when the session had expired: say what to redo, fill the review again.
    form_after_login(request, "decision")
    form_after_login(request, "agreement")
    form_after_login(request, "issue")
    kept = form_after_login(request, "review")
    review_form = ReviewForm(initial=kept.dict()) if kept is not None else None
    return render(request, "pages/person.html", _context(request, person, review_form))


def _person_to_change(request: HttpRequest, pk: int) -> Person:
    """The person a decision or a review is about, for a user who may decide."""
    person = person_for(request, pk)
    if role_of(request.user) not in DECIDERS:
        raise PermissionDenied
    return person


@login_required_form("decision", back=_person_url)
def person_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        # Only the person page posts here; anything else goes back to it, never a 405.
        return redirect(_person_url(request, pk))
    person = _person_to_change(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That decision could not be read."))
        return redirect(_person_url(request, person.pk))
    assignment = (
        ShelterAssignment.objects.filter(pk=form.cleaned_data["assignment"], person=person)
        .select_related("run")
        .first()
    )
    if assignment is None:
        raise Http404
    assignment_decide(
        assignment=assignment, decision=form.cleaned_data["decision"], user=request.user
    )
    messages.success(request, _("Recorded."))
    # Back to the plan the decision was about, never to whichever was planned last.
    return redirect(_person_url(request, person.pk, assignment.run))


@login_required_form("review", back=_person_url)
def person_review(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect(_person_url(request, pk))
    person = _person_to_change(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(request, "pages/person.html", _context(request, person, form), status=400)
    plan_review_create(
        person=person, reviewed_on=form.cleaned_data["reviewed_on"],
        changes=form.cleaned_data["changes_requested"], user=request.user,
    )  # fmt: skip
    messages.success(request, _("The review is recorded."))
    return redirect(_person_url(request, person.pk))
