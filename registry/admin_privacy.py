"""The admin of privacy itself: who looks after which areas, emergency disclosures under dual
control, and the audit log for auditors (with a CSV export). Auditors read every entry's detail
through `detail_for_auditor`: old rows may still hold values that the log no longer stores."""

import csv
import datetime as dt
import json
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.access import Role, role_of
from registry.admin_access import VIEW, RoleAccessMixin
from registry.audit import audit_record, detail_for_auditor
from registry.models import AccessScope, AuditAction, AuditEntry, EmergencyDisclosure

EMERGENCY_DEFAULT_HOURS = 72


@admin.register(AccessScope)
class AccessScopeAdmin(RoleAccessMixin, admin.ModelAdmin[AccessScope]):
    list_display = ["user", "neighbourhood"]
    list_filter = ["neighbourhood"]
    search_fields = ["user__username", "neighbourhood__code", "neighbourhood__name"]
    autocomplete_fields = ["neighbourhood"]


@admin.register(EmergencyDisclosure)
class EmergencyDisclosureAdmin(RoleAccessMixin, admin.ModelAdmin[EmergencyDisclosure]):
    role_access = {Role.OFFICER: frozenset({"view", "add"})}
    list_display = [
        "__str__",
        "hazard",
        "declared_by",
        "confirmed_by",
        "ends_at",
        "ended_at",
        "is_active",
    ]
    filter_horizontal = ["neighbourhoods"]
    fields = ["hazard", "reason", "neighbourhoods", "ends_at"]
    actions = ["confirm", "end_now"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"ends_at": timezone.now() + dt.timedelta(hours=EMERGENCY_DEFAULT_HOURS)}

    def save_model(
        self, request: HttpRequest, obj: EmergencyDisclosure, form: Any, change: bool
    ) -> None:
        obj.declared_by = request.user  # type: ignore[assignment]
        obj.declared_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        disclosure = form.instance
        audit_record(
            action=AuditAction.EMERGENCY, model=EmergencyDisclosure, object_ids=[disclosure.pk],
            user=request.user, emergency=disclosure,
            detail={"declared": list(disclosure.neighbourhoods.values_list("code", flat=True))},
        )  # fmt: skip
        messages.info(
            request, _("Declared. A second officer must confirm it before it opens the list.")
        )

    @admin.action(description=gettext_lazy("Confirm (as the second officer)"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[EmergencyDisclosure]) -> None:
        for disclosure in queryset.filter(confirmed_at__isnull=True, ended_at__isnull=True):
            if disclosure.declared_by_id == request.user.pk:
                messages.error(request, _("Another officer must confirm what you declared."))
                continue
            try:
                with transaction.atomic():
                    disclosure.confirmed_by = request.user  # type: ignore[assignment]
                    disclosure.confirmed_at = timezone.now()
                    disclosure.save(update_fields=["confirmed_by", "confirmed_at"])
            except IntegrityError:
                messages.error(request, _("Another officer must confirm what you declared."))
                continue
            audit_record(action=AuditAction.EMERGENCY, model=EmergencyDisclosure,
                         object_ids=[disclosure.pk], user=request.user, emergency=disclosure,
                         detail={"confirmed": True})  # fmt: skip
            messages.success(
                request,
                _("Confirmed: %(emergency)s is open until %(end)s.")
                % {
                    "emergency": disclosure,
                    "end": f"{timezone.localtime(disclosure.ends_at):%Y-%m-%d %H:%M}",
                },
            )

    @admin.action(description=gettext_lazy("End now"))
    def end_now(self, request: HttpRequest, queryset: QuerySet[EmergencyDisclosure]) -> None:
        for disclosure in queryset.filter(ended_at__isnull=True):
            disclosure.ended_at, disclosure.ended_by = timezone.now(), request.user  # type: ignore[assignment]
            disclosure.save(update_fields=["ended_at", "ended_by"])
            audit_record(action=AuditAction.EMERGENCY, model=EmergencyDisclosure,
                         object_ids=[disclosure.pk], user=request.user, emergency=disclosure,
                         detail={"ended": True})  # fmt: skip

    @admin.display(boolean=True, description=gettext_lazy("active"))
    def is_active(self, obj: EmergencyDisclosure) -> bool:
        return obj.is_active


# The roles as the audit log names them (commands run as "system").
ROLE_LABELS = {
    Role.OFFICER: gettext_lazy("city officer"),
    Role.ASSOCIATION: gettext_lazy("association"),
    Role.COMMISSIONER: gettext_lazy("Welfare commissioner"),
    Role.AUDITOR: gettext_lazy("auditor"),
    "system": gettext_lazy("system (a command)"),
}


def record_type_in_words(label: str) -> str:
    """A model's label ("registry.person") as its name in the reader's language."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


class AuditRoleFilter(admin.SimpleListFilter):
    title = gettext_lazy("role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(str(key), label) for key, label in ROLE_LABELS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        value = self.value()
        return queryset.filter(role=value) if value in ROLE_LABELS else queryset


class AuditRecordTypeFilter(admin.SimpleListFilter):
    title = gettext_lazy("record type")
    parameter_name = "model"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        labels = AuditEntry.objects.order_by("model").values_list("model", flat=True).distinct()
        return [(label, record_type_in_words(label)) for label in labels]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        value = self.value()
        return queryset.filter(model=value) if value else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(RoleAccessMixin, admin.ModelAdmin[AuditEntry]):
    role_access = {Role.AUDITOR: VIEW, Role.OFFICER: VIEW}
    list_display = ["at", "actor", "role_in_words", "action", "record_type", "record_count",
                    "emergency"]  # fmt: skip
    list_filter = [
        "action", AuditRoleFilter, AuditRecordTypeFilter, ("emergency", admin.EmptyFieldListFilter)
    ]  # fmt: skip
    search_fields = ["actor", "model"]
    date_hierarchy = "at"
    change_list_template = "admin/registry/auditentry/change_list.html"
    # The raw `detail` is never a field of the form: `shown_detail` renders it by its keys.
    fields = ["at", "actor", "role", "action", "model", "object_ids", "emergency", "shown_detail"]
    readonly_fields = ["shown_detail"]

    @admin.display(description=gettext_lazy("role"), ordering="role")
    def role_in_words(self, obj: AuditEntry) -> str:
        return str(ROLE_LABELS.get(obj.role, obj.role))

    @admin.display(description=gettext_lazy("record type"), ordering="model")
    def record_type(self, obj: AuditEntry) -> str:
        return record_type_in_words(obj.model)

    @admin.display(description=gettext_lazy("records"))
    def record_count(self, obj: AuditEntry) -> int:
        return len(obj.object_ids)

    @admin.display(description=gettext_lazy("detail"))
    def shown_detail(self, obj: AuditEntry) -> str:
        return _detail_text(obj.detail)

    def get_urls(self) -> list[URLPattern]:
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_csv),
            name="registry_auditentry_export",
        )
        return [export, *super().get_urls()]

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            ["at", "actor", "role", "action", "model", "object_ids", "emergency", "detail"]
        )
        # Officers may read old rows as they were written; auditors by their keys only.
        raw = role_of(request.user) == Role.OFFICER
        for entry in AuditEntry.objects.order_by("at", "pk").iterator():
            ids = ";".join(str(pk) for pk in entry.object_ids)
            detail = (
                json.dumps(entry.detail, ensure_ascii=False) if raw else _detail_text(entry.detail)
            )
            writer.writerow([
                entry.at.isoformat(), entry.actor, entry.role, entry.action, entry.model, ids,
                entry.emergency_id or "", detail,
            ])  # fmt: skip
        audit_record(action=AuditAction.EXPORT, model=AuditEntry, user=request.user)
        return response


def _detail_text(detail: dict[str, Any]) -> str:
    return json.dumps(detail_for_auditor(detail), ensure_ascii=False, sort_keys=True)
