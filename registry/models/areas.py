"""Areas: neighbourhoods (the associations' territories) and hazard areas."""

from typing import Any

from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Intersection
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import Range
from django.utils.translation import gettext_lazy as _

from registry.models.choices import HazardKind
from registry.models.fields import as_geometry
from registry.models.imports import last_import_field


class Neighbourhood(models.Model):
    """町内会・自治会: an area with a polygon and the association that looks after it."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    association = models.CharField(_("association"), max_length=100, blank=True)
    association_phone = models.CharField(_("association's phone"), max_length=32, blank=True)
    commissioner = models.CharField(
        _("welfare commissioner"),
        max_length=100,
        blank=True,
        help_text=_("The 民生委員 who looks after the area."),
    )
    commissioner_phone = models.CharField(_("commissioner's phone"), max_length=32, blank=True)
    last_import = last_import_field()
    # Default GiST index: serves "which neighbourhood holds this home" lookups.
    geom = models.MultiPolygonField(_("area"), srid=4326)

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(geom__isvalid=True),
                name="neighbourhood_geom_valid",
                violation_error_message=_("The neighbourhood's area is not a valid polygon."),
            ),
            models.CheckConstraint(condition=~Q(code=""), name="neighbourhood_code_not_empty"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__regex": r"^[0-9+() -]*$"}),
                    name=f"neighbourhood_{field}_digits",
                    violation_error_message=_("A phone number holds digits, spaces, +, - and ()."),
                )
                for field in ("association_phone", "commissioner_phone")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class HazardAreaQuerySet(models.QuerySet["HazardArea"]):
    def of_kind(self, kind: str) -> "HazardAreaQuerySet":
        return self.filter(kind=kind)

    def covering(self, point_expression: Any) -> "HazardAreaQuerySet":
        """Areas that contain a geography point (a value or an OuterRef)."""
        return self.filter(geom__intersects=as_geometry(point_expression))

    def clipped_to(self, kind: str, envelope: Any) -> list[tuple[int | None, Any]]:
        """(level, part) of the hazard's areas cut to an envelope, empty parts left out: a
        river's flood bands run the length of the city, and a map needs only the part around
        it. The one clipped read that pages and paper share."""
        parts = (
            self.filter(kind=kind, geom__intersects=envelope)
            .annotate(part=Intersection("geom", envelope))
            .values_list("level", "part")
        )
        return [(level, part) for level, part in parts if part and not part.empty]


def inside_hazard(kind: str, point_field: str = "location") -> Exists:
    """True where the row's point lies inside any area of the hazard kind (set-based: one
    EXISTS per row, answered from the hazard areas' GiST index)."""
    return Exists(HazardArea.objects.of_kind(kind).covering(OuterRef(point_field)))


class HazardArea(models.Model):
    """A hazard area from the national land data or the city's own hazard map."""

    kind = models.CharField(_("hazard"), max_length=16, choices=HazardKind.choices)
    level = models.PositiveSmallIntegerField(
        _("level"),
        null=True,
        blank=True,
        help_text=_("Flood: depth rank 1-6. Landslide: 1 = yellow zone, 2 = red zone."),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    last_import = last_import_field()
    # Default GiST index: serves every "is this point inside a hazard area" test.
    geom = models.MultiPolygonField(_("area"), srid=4326)

    objects = HazardAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard area")
        verbose_name_plural = _("hazard areas")
        ordering = ["kind", "level", "pk"]
        indexes = [
            # Serves filtering areas by kind before the spatial test.
            models.Index(fields=["kind", "level"], name="hazardarea_kind_level"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=HazardKind.values),
                name="hazardarea_kind_valid",
                violation_error_message=_("Unknown hazard kind."),
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(Range(F("level"), (1, 6))),
                name="hazardarea_level_1_to_6",
                violation_error_message=_("A hazard level is a rank from 1 to 6."),
            ),
            models.CheckConstraint(
                condition=Q(geom__isvalid=True),
                name="hazardarea_geom_valid",
                violation_error_message=_("The hazard area is not a valid polygon."),
            ),
        ]

    def __str__(self) -> str:
        level = f" L{self.level}" if self.level else ""
        return f"{self.get_kind_display()}{level} {self.name}".strip()
