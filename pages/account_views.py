"""Logging in, and where each role lands: an auditor, who may read only the audit log, goes
straight to it; everyone else to the page they asked for or the dashboard."""

from typing import Any

from django.contrib.auth.views import LoginView
from django.http import HttpRequest
from django.urls import reverse

from pages.expired import session_expired
from registry.access import Role, role_of

# The admin's audit log: the only page an auditor uses.
AUDIT_LOG = "admin:registry_auditentry_changelist"


class SiteLoginView(LoginView):
    def get_default_redirect_url(self) -> str:
        if role_of(self.request.user) == Role.AUDITOR:
            return reverse(AUDIT_LOG)
        return super().get_default_redirect_url()

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        # An auditor sent back to a page outside the admin (which they cannot use) lands on
        # the audit log instead.
        url = super().get_redirect_url(request)
        if role_of((request or self.request).user) == Role.AUDITOR and not url.startswith(
            reverse("admin:index")
        ):
            return ""
        return url

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session_expired"] = session_expired(self.request)
        return context
