"""Forms posted after the session expired. Django's `login_required` sends such a POST to the
login page with `next` pointing at the URL the form posted to; after the login that URL is
fetched with GET, and a view that takes only POST answers 405, losing what was typed. Here the
POST is kept in the (new, anonymous) session instead, the login page says why it is shown, and
after the login the user lands on the page the form was on, with the form filled in again or a
message saying what to redo."""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Session key of the kept form; the login page reads it to say that the session had expired.
STASH = "pages.expired_form"
# A kept form older than this is dropped: whoever logs in later on the same browser should
# not meet someone else's half-typed form.
MAX_AGE_SECONDS = 30 * 60

# What the user is told on the page the form was on, per form; `True`: the form comes back
# filled in, `False`: the user has to do it again.
AFTER_LOGIN: dict[str, tuple[Promise, bool]] = {
    "decision": (
        _("Your session had expired, so your decision was not recorded. "
          "Please confirm or reject again."),
        False,
    ),
    "agreement": (
        _("Your session had expired, so the step was not recorded. Please record it again."),
        False,
    ),
    "issue": (
        _("Your session had expired, so no plan was issued. Please issue again."),
        False,
    ),
    "review": (
        _("Your session had expired, so the review was not recorded. It is filled in again "
          "below: check it and record it."),
        True,
    ),
    "supporter": (
        _("Your session had expired, so the supporter was not saved. The form is filled in "
          "again below: check it and save."),
        True,
    ),
}  # fmt: skip

View = Callable[..., HttpResponse]


def login_required_form(
    form: str, back: Callable[..., str] | None = None
) -> Callable[[View], View]:
    """`login_required` for a view that takes a form: an anonymous POST (an expired session)
    keeps the form and goes to the login page with `next` set to the page the form was on
    (`back(request, *args, **kwargs)`, else the URL posted to)."""
    if form not in AFTER_LOGIN:
        raise ValueError(f"no message for the form {form!r}")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            target = back(request, *args, **kwargs) if back else request.path
            if request.method == "POST":
                request.session[STASH] = {
                    "form": form,
                    # The page's path alone: its query (the scenario) does not make it another.
                    "path": urlsplit(target).path,
                    "at": time.time(),
                    "data": {
                        key: values
                        for key, values in request.POST.lists()
                        if key != "csrfmiddlewaretoken"
                    },
                }
            return redirect_to_login(
                target if request.method == "POST" else request.get_full_path()
            )

        return wrapped

    return decorator


def session_expired(request: HttpRequest) -> bool:
    """Whether a form is waiting for the user to log in again (for the login page)."""
    kept: dict[str, Any] | None = request.session.get(STASH)
    return kept is not None and time.time() - kept.get("at", 0) < MAX_AGE_SECONDS


def form_after_login(request: HttpRequest, form: str) -> QueryDict | None:
    """On the page a form was on: the form's data kept when the session had expired, if it
    was posted from this page (None when there is none, or it is not to be filled in again),
    telling the user what happened."""
    kept = request.session.get(STASH)
    if not kept or kept.get("form") != form or kept.get("path") != request.path:
        return None
    del request.session[STASH]
    if time.time() - kept.get("at", 0) >= MAX_AGE_SECONDS:
        return None
    text, refill = AFTER_LOGIN[form]
    messages.warning(request, str(text))
    if not refill:
        return None
    data = QueryDict(mutable=True)
    for key, values in kept.get("data", {}).items():
        data.setlist(key, list(values))
    return data
