"""Role-based permissions and audit for the admin, on top of the one scoping mechanism
(registry.access): every admin page of personal data lists only what the user may see, hides
health details from those who may not see them, and records each look and change: by record
ids and the names of the fields changed, never the values, nor what was typed in the search box.
An emergency under which a look happens is found by `audit_record` itself."""

import re
from typing import Any, ClassVar

from django.contrib.admin.models import LogEntry
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from registry.access import Role, role_of
from registry.audit import audit_record, changes
from registry.models import AuditAction

ALL = frozenset({"view", "add", "change", "delete"})
VIEW = frozenset({"view"})


class RoleAccessMixin:
    """What each role may do with a model in the admin; officers do everything by default."""

    role_access: ClassVar[dict[Role, frozenset[str]]] = {Role.OFFICER: ALL}

    def _may(self, request: HttpRequest, action: str) -> bool:
        return action in self.role_access.get(role_of(request.user), frozenset())

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request, "view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "view") or self._may(request, "change")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._may(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "delete")


def _filter_names(request: HttpRequest) -> list[str]:
    """The names of the filters and the search box used, never their values: a search term
    may be a person's name. Names that are not plain identifiers are typed text too."""
    return sorted(key for key in request.GET if re.fullmatch(r"[A-Za-z0-9_]{1,64}", key))


class AuditedAdminMixin:
    """Records lists, views and changes of personal data in the audit log."""

    model: type[models.Model]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        if isinstance(response, TemplateResponse) and response.context_data:
            changelist = response.context_data.get("cl")
            if changelist is not None:
                shown = list(changelist.result_list)
                audit_record(
                    action=AuditAction.LIST,
                    model=self.model,
                    object_ids=[obj.pk for obj in shown],
                    user=request.user,
                    detail={"filters": _filter_names(request)},
                )
        return response  # type: ignore[no-any-return]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        if request.method == "GET" and isinstance(response, TemplateResponse):
            original = (response.context_data or {}).get("original")
            if original is not None:
                audit_record(
                    action=AuditAction.VIEW,
                    model=self.model,
                    object_ids=[original.pk],
                    user=request.user,
                )
        return response  # type: ignore[no-any-return]

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        if response.status_code == 200 and str(object_id).isdigit():
            audit_record(
                action=AuditAction.VIEW, model=self.model, object_ids=[int(object_id)],
                user=request.user, detail={"page": "history"},
            )  # fmt: skip
        return response  # type: ignore[no-any-return]

    def get_search_results(
        self, request: HttpRequest, queryset: Any, search_term: str
    ) -> tuple[Any, bool]:
        found, distinct = super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            # The admin's autocomplete shows a page of records as one types: a list look.
            size = AutocompleteJsonView.paginate_by or 20
            page = (
                int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1
            )
            shown = found.distinct() if distinct else found
            audit_record(
                action=AuditAction.LIST, model=self.model,
                object_ids=shown[(page - 1) * size : page * size].values_list("pk", flat=True),
                user=request.user, detail={"page": "autocomplete"},
            )  # fmt: skip
        return found, distinct

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        audit_record(
            action=AuditAction.CHANGE if change else AuditAction.CREATE,
            model=self.model,
            object_ids=[obj.pk],
            user=request.user,
            detail={"changed": changes(before, obj)},
        )

    # Django's own admin history (django_admin_log) names each record by str(), which for people
    # and supporters is their name: it keeps the record number instead, as the audit log does.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return _nameless(super().log_addition(request, obj, message))  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return _nameless(super().log_change(request, obj, message))  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        return _nameless(super().log_deletions(request, queryset))  # type: ignore[misc]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        pk = obj.pk
        super().delete_model(request, obj)  # type: ignore[misc]
        audit_record(
            action=AuditAction.DELETE, model=self.model, object_ids=[pk], user=request.user
        )


def _nameless(logged: Any) -> Any:
    entries = logged if isinstance(logged, list) else [logged]
    LogEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(
        object_repr=Concat(Value("#"), "object_id")
    )
    for entry in entries:
        entry.object_repr = f"#{entry.object_id}"
    return logged
