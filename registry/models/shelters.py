"""Shelters and emergency evacuation sites, as designated by the municipality."""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models.areas import inside_hazard
from registry.models.choices import HazardKind, ShelterKind
from registry.models.fields import inside_japan, key_list, only_keys
from registry.models.imports import last_import_field


class ShelterQuerySet(models.QuerySet["Shelter"]):
    def designated_for(self, kind: str) -> "ShelterQuerySet":
        return self.filter(hazards__contains=[kind])

    def safe_for(self, kind: str) -> "ShelterQuerySet":
        """Designated for the hazard and not inside an area of that same hazard: a site is
        never a valid destination when the hazard it is flagged for reaches it."""
        return self.designated_for(kind).exclude(inside_hazard(kind))


class Shelter(models.Model):
    external_id = models.CharField(
        _("common ID"), max_length=64, unique=True, help_text=_("The national common ID (共通ID).")
    )
    name = models.CharField(_("facility name"), max_length=200)
    address = models.CharField(_("address"), max_length=200)
    # Geography, default GiST index: serves the "shelters within 5 km" search.
    location = models.PointField(_("location"), geography=True, srid=4326)
    kind = models.CharField(_("kind"), max_length=16, choices=ShelterKind.choices)
    capacity = models.IntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("People it takes from the list; empty when unknown (no limit)."),
    )
    hazards = key_list(HazardKind, verbose_name=_("designated for"))
    barrier_free = models.BooleanField(_("barrier-free"), default=False)
    accepts = models.CharField(
        _("accepts"),
        max_length=200,
        blank=True,
        help_text=_("For welfare shelters: who is taken in directly (受入対象者)."),
    )
    notes = models.TextField(_("notes"), blank=True)
    last_import = last_import_field()

    objects = ShelterQuerySet.as_manager()

    class Meta:
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")
        ordering = ["external_id"]
        indexes = [
            # Serves "designated for this hazard" (array containment) in every plan run.
            GinIndex(fields=["hazards"], name="shelter_hazards_gin"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(external_id=""), name="shelter_id_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="shelter_name_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=ShelterKind.values),
                name="shelter_kind_valid",
                violation_error_message=_("Unknown shelter kind."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0),
                name="shelter_capacity_not_negative",
                violation_error_message=_("Capacity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=only_keys("hazards", HazardKind.values),
                name="shelter_hazards_valid",
                violation_error_message=_("Unknown hazard kind."),
            ),
            models.CheckConstraint(
                condition=inside_japan("location"),
                name="shelter_in_japan",
                violation_error_message=_("The shelter lies outside Japan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} {self.name}"
