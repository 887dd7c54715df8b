"""The supporter's phone page, opened by their personal drill link without an account: their
own people in that drill, each with the latest state and one big button per report.

The link is the only key: it names the drill and the supporter, and opens nothing else. A
refused link gets a plain page saying whom to call, never data and never Django's error page.
Each rendered button carries its own random key, so that a double tap or a resend records one
event while separate presses record separate ones (drills.services.drill_report holds the rule).
Logs never carry the token: refusals are logged by their kind alone."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.log import log_response
from django.utils.translation import gettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from drills.buttons import button_label
from drills.links import LinkRefused, open_link
from drills.models import (
    CheckState,
    DrillCheck,
    DrillReport,
    DrillSupporter,
)
from drills.services import DrillRefused, drill_report, latest_states
from registry.access import Copy, copy_rows
from registry.audit import audit_record
from registry.models import AuditAction, EmergencyDisclosure, Person
from registry.models.people import SHAREABLE_CONSENT
from registry.ordering import by_address

TEMPLATE = "pages/drill/phone.html"
REFUSED_TEMPLATE = "pages/drill/refused.html"
# The reports a supporter sends, in the order of the buttons: what happens first comes first.
BUTTONS = [
    CheckState.CONTACTED,
    CheckState.SAFE_AT_HOME,
    CheckState.EVACUATING,
    CheckState.ARRIVED,
    CheckState.NEEDS_HELP,
    CheckState.UNREACHABLE,
]
# The token is in the URL: the address is never handed to another site (the page loads
# nothing from elsewhere, and its only links stay on this site). `same-origin` rather than
# `no-referrer`, because under `no-referrer` browsers send `Origin: null` with a form's POST
# and Django's CSRF check refuses it.
REFERRER_POLICY = "same-origin"


def _state_label(state: str) -> str:
    """A person's latest state in words (未確認 when no report yet)."""
    if state == CheckState.NOT_REACHED:
        return pgettext("drill state", "No report yet")
    return button_label(state)


@dataclass(frozen=True)
class Button:
    state: str
    label: str
    key: str  # fresh on every render: one press, one event


@dataclass(frozen=True)
class Row:
    """One person the supporter checks on, as their drill sheet shows them (name, address,
    phone), with no health detail."""

    person: Person
    state: str
    state_label: str
    reported_at: dt.datetime | None  # of the latest report, by anyone
    buttons: list[Button]
    help_button: Button  # 支援が必要, sent with its note

    @property
    def anchor(self) -> str:
        """The card's id, which a report's redirect scrolls back to."""
        return f"person-{self.person.pk}"


class ReportForm(forms.Form):
    person = forms.IntegerField(min_value=1)
    state = forms.ChoiceField(choices=[(state.value, state.value) for state in BUTTONS])
    # The button's key as rendered: uuid4 hex.
    key = forms.RegexField(regex=r"^[0-9a-f]{32}$")
    note = forms.CharField(required=False, max_length=2000)


def _refused(request: HttpRequest, *, status: int, kind: str) -> HttpResponse:
    """The kind page for a link that cannot be used (or a report that cannot be taken)."""
    response = render(
        request,
        REFUSED_TEMPLATE,
        {
            "ended": status == 410,
            "kind": kind,
            "office": settings.CITY_OFFICE,
            "office_phone": settings.CITY_PHONE,
        },
        status=status,
    )
    _private(response)
    # Logged here by its kind alone, so that Django's own log line (which names the path,
    # and so the token) is not written.
    log_response("Drill link refused (%s)", kind, response=response, request=request, level="info")
    return response


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


def _own_checks(link: DrillSupporter) -> QuerySet[DrillCheck]:
    """The supporter's checks in the drill, of the people the association's copy may show, as
    on their drill sheet: someone who did not consent (or withdrew) stays on the page only
    while an active emergency disclosure covers their area."""
    shown = copy_rows(Person.objects.all(), Copy.ASSOCIATION)
    return DrillCheck.objects.filter(
        drill=link.drill, supporter=link.supporter, person__in=shown
    ).select_related("person")


def _emergency_for(people: list[Person]) -> EmergencyDisclosure | None:
    """The active disclosure under which the page shows someone who did not consent, to mark
    the look in the audit log; None when everyone shown consented."""
    sealed = [
        person.neighbourhood_id for person in people if person.consent not in SHAREABLE_CONSENT
    ]
    if not sealed:
        return None
    return (
        EmergencyDisclosure.objects.active()
        .filter(neighbourhoods__in=sealed)
        .order_by("-confirmed_at", "-pk")
        .first()
    )


def _rows(link: DrillSupporter) -> list[Row]:
    drill = link.drill
    people = by_address([check.person for check in _own_checks(link)])
    states = latest_states(drill)
    latest = dict(
        DrillReport.objects.filter(drill=drill, person__in=people)
        .order_by("person_id", "-at", "-pk")
        .distinct("person_id")
        .values_list("person_id", "at")
    )
    rows = []
    for person in people:
        state = states.get(person.pk, CheckState.NOT_REACHED)
        buttons = [
            Button(state, button_label(state), uuid.uuid4().hex)
            for state in BUTTONS
            if state != CheckState.NEEDS_HELP
        ]
        help_button = Button(
            CheckState.NEEDS_HELP, button_label(CheckState.NEEDS_HELP), uuid.uuid4().hex
        )
        rows.append(
            Row(
                person=person,
                state=state,
                state_label=_state_label(state),
                reported_at=latest.get(person.pk),
                buttons=buttons,
                help_button=help_button,
            )
        )
    return rows


@never_cache
@ensure_csrf_cookie
def drill_supporter(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the supporter's people and their buttons. POST: one report, then back (PRG)."""
    # The page opens in Japanese whatever the phone's language, until its reader switches.
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
    if request.method not in ("GET", "HEAD", "POST"):
        # Answered here: Django's own 405 would log the path, and so the token.
        response = _refused(request, status=405, kind="method")
        response["Allow"] = "GET, HEAD, POST"
        return response
    try:
        link = open_link(token)
    except LinkRefused as refused:
        ended = refused.over
        return _refused(request, status=410 if ended else 404, kind="ended" if ended else "link")
    if request.method == "POST":
        return _report(request, link, token)
    rows = _rows(link)
    audit_record(
        action=AuditAction.LIST, model=Person, object_ids=[row.person.pk for row in rows],
        emergency=_emergency_for([row.person for row in rows]),
        detail={"page": "drill_supporter", "supporter": link.supporter_id, "drill": link.drill_id},
    )  # fmt: skip
    said = list(messages.get_messages(request))
    context = {
        "said": said,
        "recorded": {
            tag for m in said for tag in m.extra_tags.split() if tag.startswith("person-")
        },
        "drill": link.drill,
        "supporter": link.supporter,
        "rows": rows,
        "office": settings.CITY_OFFICE,
        "office_phone": settings.CITY_PHONE,
    }
    return _private(render(request, TEMPLATE, context))


def _report(request: HttpRequest, link: DrillSupporter, token: str) -> HttpResponse:
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _refused(request, status=400, kind="form")
    data = form.cleaned_data
    check = _own_checks(link).filter(person_id=data["person"]).first()
    if check is None:
        return _refused(request, status=404, kind="person")
    try:
        drill_report(
            link.drill,
            check.person,
            data["state"],
            # Keys are the supporter's own: another supporter's key never stands for theirs.
            key=f"s{link.supporter_id}-{data['key']}",
            supporter=link.supporter,
            note=data["note"] if data["state"] == CheckState.NEEDS_HELP else "",
        )
    except DrillRefused:
        # The drill ended between the page and the press.
        return _refused(request, status=410, kind="ended")
    # The person's number rides along (never a name: messages travel in a readable cookie),
    # so that the card the page scrolls back to says it too.
    messages.success(request, gettext("Recorded."), extra_tags=f"person-{check.person_id}")
    url = reverse("drill_supporter", kwargs={"token": token})
    return _private(redirect(f"{url}#person-{check.person_id}"))
