"""The first step of every page: who may open it, and the neighbourhood or person it is about,
read through the scoping mechanism (a record outside the user's scope does not exist for them)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from registry.access import Role, neighbourhoods_visible_to, persons_visible_to, role_of
from registry.models import Neighbourhood, Person

# Who works in the pages; an auditor reads only the audit log.
PAGE_ROLES = (Role.OFFICER, Role.ASSOCIATION, Role.COMMISSIONER)
# Who may change things: decide assignments, record reviews, keep the supporter list.
DECIDERS = (Role.OFFICER, Role.ASSOCIATION)


def require_page_role(request: HttpRequest) -> Role:
    role = role_of(request.user)
    if role not in PAGE_ROLES:
        raise PermissionDenied
    return role


def area_for(request: HttpRequest, code: str) -> Neighbourhood:
    require_page_role(request)
    area = neighbourhoods_visible_to(request.user).filter(code=code).first()
    if area is None:
        raise Http404
    return area


def person_for(request: HttpRequest, pk: int) -> Person:
    require_page_role(request)
    person = persons_visible_to(request.user).select_related("neighbourhood").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person
