"""Small pieces of request handling the site needs."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from pages.account_views import AUDIT_LOG
from registry.access import Role, role_of


class CspNonceForWidgets:
    """django-leaflet's map widget reads the CSP nonce from `request.csp_nonce`; Django keeps
    it elsewhere. Without this, the widget's scripts would be blocked by the policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = getattr(request, "_csp_nonce", None)  # type: ignore[attr-defined]
        return self.get_response(request)


class AuditorToAuditLog:
    """An auditor may read only the audit log: a page refused to them (PermissionDenied)
    sends them there rather than to a bare 403. Nobody else's refusals change."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PermissionDenied) or request.method not in ("GET", "HEAD"):
            return None
        if role_of(request.user) != Role.AUDITOR:
            return None
        target = reverse(AUDIT_LOG)
        if request.path == target:
            return None  # the audit log refused them: never loop
        return redirect(target)
