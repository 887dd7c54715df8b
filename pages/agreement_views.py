"""Asking and issuing from the pages: a step of a supporter's agreement or of the family's
agreement to the issued plan, and issuing plans for one person or a neighbourhood. Each view
checks access (a person or neighbourhood the user may not see does not exist; only deciders
write), reads the form, calls one service and goes back to the page with a message. A step
that does not follow from where the pair stands is said in words, never a server error."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from pages.agreements import pair_supporter
from pages.expired import login_required_form
from pages.forms import FamilyStepForm, PairStepForm
from pages.lookups import DECIDERS, area_for, person_for
from pages.person_views import _person_url
from planner.agreements import StepRefused, family_step, pair_step
from planner.models import PairState, SupportAgreement
from planner.versions import Issued, current_versions, issue_plans
from registry.access import persons_visible_to, role_of
from registry.models import Neighbourhood, Person


def _require_decider(request: HttpRequest) -> None:
    if role_of(request.user) not in DECIDERS:
        raise PermissionDenied


def _state_words(state: str) -> str:
    return str(PairState(state).label)


def _back(request: HttpRequest, pk: int) -> str:
    return _person_url(request, pk) + "#agreements"


@login_required_form("agreement", back=_person_url)
def person_agreement_step(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect(_person_url(request, pk))
    person = person_for(request, pk)
    _require_decider(request)
    form = PairStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That step could not be read."))
        return redirect(_back(request, person.pk))
    # Only a pair of the person's plan or agreements, wherever the supporter lives.
    supporter = pair_supporter(person, form.cleaned_data["supporter"])
    if supporter is None:
        raise Http404
    try:
        state = pair_step(
            person=person, supporter=supporter, step=form.cleaned_data["step"],
            user=request.user, how=form.cleaned_data["how"],
        )  # fmt: skip
    except StepRefused:
        now = SupportAgreement.objects.filter(person=person, supporter=supporter).first()
        messages.error(
            request,
            _("Not recorded: the pair is %(state)s now. Check the page and try again.")
            % {"state": _state_words(now.state if now else PairState.PROPOSED)},
        )
        return redirect(_back(request, person.pk))
    messages.success(request, _("Recorded: %(state)s.") % {"state": _state_words(state)})
    return redirect(_back(request, person.pk))


@login_required_form("agreement", back=_person_url)
def person_family_step(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect(_person_url(request, pk))
    person = person_for(request, pk)
    _require_decider(request)
    form = FamilyStepForm(request.POST)
    back = _person_url(request, person.pk) + "#versions"
    if not form.is_valid():
        messages.error(request, _("That step could not be read."))
        return redirect(back)
    current = current_versions([person.pk]).get(person.pk)
    if current is None or current.number != form.cleaned_data["version"]:
        messages.error(request, _("Not recorded: the issued plan has changed. Check it again."))
        return redirect(back)
    try:
        state = family_step(
            version=current, step=form.cleaned_data["step"], user=request.user,
            how=form.cleaned_data["how"],
        )  # fmt: skip
    except StepRefused:
        messages.error(
            request,
            _("Not recorded: the family's agreement is %(state)s now. Check the page and try "
              "again.") % {"state": _state_words(current.state)},
        )  # fmt: skip
        return redirect(back)
    messages.success(request, _("Recorded: %(state)s.") % {"state": _state_words(state)})
    return redirect(back)


@login_required_form("issue", back=_person_url)
def person_issue(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect(_person_url(request, pk))
    person = person_for(request, pk)
    _require_decider(request)
    issued = issue_plans(persons_visible_to(request.user).filter(pk=person.pk), user=request.user)
    current = current_versions([person.pk]).get(person.pk)
    if issued.without_consent:
        messages.warning(
            request,
            _("No plan is issued: this person has not consented to sharing their "
              "information."),
        )  # fmt: skip
    elif issued.issued and current is not None:
        messages.success(request, _("Issued: version %(number)d.") % {"number": current.number})
    elif current is not None:
        messages.info(
            request, _("No change — still version %(number)d.") % {"number": current.number}
        )
    return redirect(_person_url(request, person.pk) + "#versions")


def _issued_words(issued: Issued) -> str:
    return _(
        "New versions issued: %(issued)d. Unchanged: %(unchanged)d. Without consent (list "
        "entry only): %(without)d."
    ) % {
        "issued": issued.issued,
        "unchanged": issued.unchanged,
        "without": issued.without_consent,
    }


def _area_url(request: HttpRequest, code: str) -> str:
    return reverse("neighbourhood", args=[code])


@login_required_form("issue", back=_area_url)
def neighbourhood_issue(request: HttpRequest, code: str) -> HttpResponse:
    area: Neighbourhood = area_for(request, code)
    if request.method != "POST":
        return redirect(_area_url(request, area.code))
    _require_decider(request)
    people = persons_visible_to(request.user, Person.objects.filter(neighbourhood=area))
    issued = issue_plans(people, user=request.user)
    messages.success(request, _issued_words(issued))
    return redirect(_area_url(request, area.code) + "#asking")
