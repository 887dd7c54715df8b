"""Template context the site's pages share."""

from django.http import HttpRequest

from registry.access import role_of


def role(request: HttpRequest) -> dict[str, str]:
    """The user's role, so that pages offer only what the role may use."""
    return {"role": str(role_of(request.user))}
