"""Small pieces of request handling the site needs."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class CspNonceForWidgets:
    """django-leaflet's map widget reads the CSP nonce from `request.csp_nonce`; Django keeps
    it elsewhere. Without this, the widget's scripts would be blocked by the policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = getattr(request, "_csp_nonce", None)  # type: ignore[attr-defined]
        return self.get_response(request)
