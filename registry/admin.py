"""The admin for city officers: every registry model, with points and areas edited on a map."""

from functools import partial
from typing import Any

from django.contrib import admin
from django.db.models import Count, OuterRef, QuerySet, Subquery, TextChoices
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from registry.access import (
    HEALTH_FIELDS,
    Role,
    areas_of,
    can_see_health,
    persons_visible_to,
    role_of,
    supporters_visible_to,
)
from registry.admin_access import ALL, VIEW, AuditedAdminMixin, RoleAccessMixin
from registry.admin_import import import_view
from registry.models import (
    EmergencyContact,
    HazardArea,
    ImportRecord,
    Neighbourhood,
    Person,
    Shelter,
    Supporter,
)
from registry.models.choices import HazardKind, Placed, TimeSlot
from registry.models.people import PersonQuerySet
from registry.models.supporters import SupporterQuerySet


class KeyFilter(admin.SimpleListFilter):
    """A list filter offering one set of keys, applied by a named queryset method."""

    keys: type[TextChoices]
    method: str

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(self.keys.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        value = self.value()
        if value not in self.keys.values:
            return queryset
        return getattr(queryset, self.method)(value)  # type: ignore[no-any-return]


class InHazardAreaFilter(KeyFilter):
    title = _("home in hazard area")
    parameter_name = "in_hazard"
    keys, method = HazardKind, "in_hazard_area"


class AvailableInFilter(KeyFilter):
    title = _("available in")
    parameter_name = "slot"
    keys, method = TimeSlot, "available_in"


class SafeForFilter(KeyFilter):
    title = _("safe destination for")
    parameter_name = "safe_for"
    keys, method = HazardKind, "safe_for"


def _count_in_neighbourhood(model: type[Person] | type[Supporter]) -> Coalesce:
    counts = (
        model.objects.filter(neighbourhood=OuterRef("pk"))
        .order_by()
        .values("neighbourhood")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(RoleAccessMixin, LeafletGeoAdmin):
    role_access = {Role.OFFICER: ALL, Role.ASSOCIATION: VIEW, Role.COMMISSIONER: VIEW}
    list_display = [
        "code",
        "name",
        "association",
        "commissioner",
        "person_count",
        "supporter_count",
    ]
    search_fields = ["code", "name", "association", "commissioner"]
    readonly_fields = ["last_import"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Neighbourhood]:
        # Counted in subqueries: joining both relations at once would multiply the rows.
        queryset: QuerySet[Neighbourhood] = super().get_queryset(request)
        return queryset.annotate(
            person_count=_count_in_neighbourhood(Person),
            supporter_count=_count_in_neighbourhood(Supporter),
        )

    @admin.display(description=_("people"), ordering="person_count")
    def person_count(self, obj: Any) -> int:
        return int(obj.person_count)

    @admin.display(description=_("supporters"), ordering="supporter_count")
    def supporter_count(self, obj: Any) -> int:
        return int(obj.supporter_count)


class EmergencyContactInline(admin.TabularInline[EmergencyContact, Person]):
    model = EmergencyContact
    extra = 1


def _without_health(fields: Any) -> list[Any]:
    """A fieldset's fields without the health fields; a row of fields keeps what is left."""
    kept: list[Any] = []
    for field in fields:
        if isinstance(field, tuple | list):
            row = tuple(name for name in field if name not in HEALTH_FIELDS)
            if row:
                kept.append(row)
        elif field not in HEALTH_FIELDS:
            kept.append(field)
    return kept


class PlacedHomeMixin:
    """How a home was placed, in words beside its map, and a marker dragged on the map makes
    the home placed by hand: an import keeps such a home while its address is unchanged. The
    audit mixin, further along, then names both `location` and `placed` as changed."""

    @admin.display(description=_("placed"))
    def placed_in_words(self, obj: Any) -> SafeString | str:
        if obj is None or not obj.pk:
            return "—"
        if obj.placed == Placed.TOWN:
            return format_html(
                '{}<div class="help">{}</div>',
                obj.get_placed_display(),
                _(
                    "Approximate: press the map's edit button (the pencil), drag the marker to "
                    "the house, press the map's Save, then save this page."
                ),
            )
        return str(obj.get_placed_display())

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The map widget compares points with a tolerance: a save that did not move the
        # marker leaves the placement alone. A home added here is put on the map by hand too.
        # (Without a form, as when code saves through the admin, nothing was dragged.)
        if form is not None and "location" in form.changed_data:
            obj.placed = Placed.HAND
        super().save_model(request, obj, form, change)  # type: ignore[misc]


@admin.register(Person)
class PersonAdmin(PlacedHomeMixin, AuditedAdminMixin, RoleAccessMixin, LeafletGeoAdmin):
    role_access = {Role.OFFICER: ALL, Role.ASSOCIATION: VIEW, Role.COMMISSIONER: VIEW}
    list_display = [
        "external_id",
        "name",
        "neighbourhood",
        "mobility",
        "consent",
        "status",
        "priority",
    ]
    list_filter = [
        "status",
        "consent",
        "mobility",
        "lives_alone",
        InHazardAreaFilter,
        "neighbourhood",
    ]
    search_fields = ["external_id", "name", "kana", "address"]
    list_select_related = ["neighbourhood"]
    autocomplete_fields = ["neighbourhood"]
    readonly_fields = ["placed_in_words", "created_at", "updated_at", "last_import"]
    inlines = [EmergencyContactInline]
    fieldsets = [
        (
            _("Identity (required by law)"),
            {"fields": ["external_id", "name", "kana", "birth_date", "sex", "address", "phone"]},
        ),
        (
            _("Home and neighbourhood"),
            {"fields": ["location", "placed_in_words", "neighbourhood", "place_in_home"]},
        ),
        (
            _("Needs"),
            {
                "fields": [
                    "reasons",
                    "mobility",
                    "lives_alone",
                    "medical_devices",
                    "power_backup",
                    "medication",
                    "mobility_aids",
                    "care_while_moving",
                    "communication",
                ]
            },
        ),
        (
            _("Medical contacts"),
            {
                "fields": [
                    ("doctor", "doctor_phone"),
                    ("nurse", "nurse_phone"),
                    ("device_supplier", "device_supplier_phone"),
                ]
            },
        ),
        (
            _("Status and consent"),
            {
                "fields": [
                    "status",
                    "status_date",
                    "review_date",
                    "consent",
                    "consent_date",
                    "consent_basis",
                ]
            },
        ),
        (_("Notes"), {"fields": ["notes", "created_at", "updated_at", "last_import"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        queryset = super().get_queryset(request)
        assert isinstance(queryset, PersonQuerySet)
        return persons_visible_to(request.user, queryset).with_priority()

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """Medical and disability details only for those who need them for the plan."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and can_see_health(request.user, obj):
            return fieldsets
        if obj is None and role_of(request.user) == Role.OFFICER:
            return fieldsets
        withheld = [
            (name, {**options, "fields": _without_health(options["fields"])})
            for name, options in fieldsets
        ]
        # A section of health fields alone is left out whole rather than shown empty.
        return [(name, options) for name, options in withheld if options["fields"]]

    def get_list_display(self, request: HttpRequest) -> Any:
        # The priority reveals medical devices and care levels: only for those who see them.
        if role_of(request.user) in (Role.OFFICER, Role.ASSOCIATION):
            return self.list_display
        return [name for name in self.list_display if name != "priority"]

    def get_list_filter(self, request: HttpRequest) -> Any:
        return self.list_filter if role_of(request.user) == Role.OFFICER else ["status", "mobility"]

    @admin.display(description=_("priority"), ordering="priority")
    def priority(self, obj: Any) -> int:
        return int(obj.priority)


@admin.register(Supporter)
class SupporterAdmin(PlacedHomeMixin, AuditedAdminMixin, RoleAccessMixin, LeafletGeoAdmin):
    # Associations keep their own supporter lists; commissioners look.
    role_access = {
        Role.OFFICER: ALL,
        Role.ASSOCIATION: frozenset({"view", "add", "change"}),
        Role.COMMISSIONER: VIEW,
    }
    list_display = [
        "external_id",
        "name",
        "neighbourhood",
        "role",
        "capacity",
        "can_push_wheelchair",
        "can_carry",
        "has_car",
        "active",
    ]
    list_filter = [
        "active",
        "role",
        AvailableInFilter,
        "can_push_wheelchair",
        "can_carry",
        "has_car",
        InHazardAreaFilter,
        "neighbourhood",
    ]
    search_fields = ["external_id", "name", "kana", "address"]
    list_select_related = ["neighbourhood"]
    autocomplete_fields = ["neighbourhood", "person"]
    readonly_fields = ["placed_in_words", "created_at", "updated_at", "last_import"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Supporter]:
        queryset = super().get_queryset(request)
        assert isinstance(queryset, SupporterQuerySet)
        return supporters_visible_to(request.user, queryset)

    def get_autocomplete_fields(self, request: HttpRequest) -> Any:
        # Outside the city office, neighbourhoods are chosen from one's own list below.
        return self.autocomplete_fields if role_of(request.user) == Role.OFFICER else []

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        # How the home was placed is shown in words, and set by moving the marker.
        return ["placed"] if role_of(request.user) == Role.OFFICER else ["placed", "person"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """The placement in words right under the home's map, not among the dates at the end."""
        fields = [name for name in super().get_fields(request, obj) if name != "placed_in_words"]
        at = fields.index("location") + 1 if "location" in fields else len(fields)
        return [*fields[:at], "placed_in_words", *fields[at:]]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "neighbourhood" and role_of(request.user) != Role.OFFICER:
            kwargs["queryset"] = areas_of(request.user)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Shelter)
class ShelterAdmin(RoleAccessMixin, LeafletGeoAdmin):
    role_access = {Role.OFFICER: ALL, Role.ASSOCIATION: VIEW, Role.COMMISSIONER: VIEW}
    list_display = ["external_id", "name", "kind", "capacity", "barrier_free"]
    list_filter = ["kind", "barrier_free", SafeForFilter]
    search_fields = ["external_id", "name", "address"]
    readonly_fields = ["last_import"]


@admin.register(HazardArea)
class HazardAreaAdmin(RoleAccessMixin, LeafletGeoAdmin):
    role_access = {Role.OFFICER: ALL, Role.ASSOCIATION: VIEW, Role.COMMISSIONER: VIEW}
    list_display = ["__str__", "kind", "level", "source"]
    list_filter = ["kind", "level", "source"]
    search_fields = ["name", "source"]
    readonly_fields = ["last_import"]


@admin.register(ImportRecord)
class ImportRecordAdmin(RoleAccessMixin, admin.ModelAdmin[ImportRecord]):
    """Imports are a record of what happened: read-only, listed newest first."""

    list_display = [
        "started_at",
        "kind",
        "file_name",
        "performed_by",
        "rows",
        "created",
        "updated",
        "unchanged",
        "deleted",
        "left_list",
    ]
    list_filter = ["kind", "performed_by"]
    search_fields = ["file_name", "checksum", "performed_by"]
    change_list_template = "admin/registry/importrecord/change_list.html"

    role_access = {Role.OFFICER: VIEW}

    def get_urls(self) -> list[URLPattern]:
        upload = path(
            "upload/",
            self.admin_site.admin_view(partial(import_view, self)),
            name="registry_importrecord_upload",
        )
        return [upload, *super().get_urls()]


# The privacy pages register themselves with the admin on import.
from registry import admin_privacy  # noqa: E402, F401
