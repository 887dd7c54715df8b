"""Supporters (避難支援等実施者): the neighbours and others who help people evacuate."""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.db.models import F, Q
from django.db.models.lookups import Range
from django.utils.translation import gettext_lazy as _

from registry.models.areas import Neighbourhood, inside_hazard
from registry.models.choices import Placed, SupporterRole, TimeSlot
from registry.models.fields import inside_japan, key_list, only_keys
from registry.models.imports import last_import_field
from registry.models.people import Person


class SupporterQuerySet(models.QuerySet["Supporter"]):
    def active(self) -> "SupporterQuerySet":
        return self.filter(active=True)

    def available_in(self, slot: str) -> "SupporterQuerySet":
        """Active supporters who can help in the time slot."""
        return self.active().filter(available__contains=[slot])

    def in_hazard_area(self, kind: str) -> "SupporterQuerySet":
        """Supporters who live inside an area of the hazard: at risk themselves."""
        return self.filter(inside_hazard(kind))

    def born_before(self, year: int) -> "SupporterQuerySet":
        return self.filter(birth_year__lt=year)


class Supporter(models.Model):
    external_id = models.CharField(_("ID"), max_length=64, unique=True)
    name = models.CharField(_("full name"), max_length=100)
    kana = models.CharField(_("kana"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Where a drill's personal link is sent; without one the link goes on paper only. The
    # database default lets bulk loads that name no address (the demo's COPY) write rows.
    email = models.EmailField(_("e-mail address"), blank=True, default="", db_default="")
    # Geography, default GiST index: serves the "supporters within 500 m" search.
    location = models.PointField(_("home"), geography=True, srid=4326)
    # How the point was found: given in the file, placed from the address (block or town
    # point), or by an officer's hand on the map. The database default lets bulk loads that
    # name no placement (the demo's COPY) write rows.
    placed = models.CharField(
        _("placed"), max_length=8, choices=Placed.choices, default=Placed.GIVEN,
        db_default=Placed.GIVEN,
    )  # fmt: skip
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supporters",
    )
    role = models.CharField(
        _("role"), max_length=24, choices=SupporterRole.choices, default=SupporterRole.NEIGHBOUR
    )
    capacity = models.SmallIntegerField(
        _("people they can help"), default=1, help_text=_("How many people, at most, per run.")
    )
    available = key_list(TimeSlot, verbose_name=_("available time slots"))
    can_push_wheelchair = models.BooleanField(_("can push a wheelchair"), default=False)
    can_carry = models.BooleanField(_("can carry a person"), default=False)
    has_car = models.BooleanField(_("has a car"), default=False)
    birth_year = models.SmallIntegerField(_("year of birth"), null=True, blank=True)
    person = models.OneToOneField(
        Person,
        verbose_name=_("also on the list as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="as_supporter",
        help_text=_("When this supporter is themselves a person needing support."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Retired supporters stay for the record.")
    )
    notes = models.TextField(_("notes"), blank=True)
    last_import = last_import_field()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SupporterQuerySet.as_manager()

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        ordering = ["external_id"]
        indexes = [
            # Serves "available in this slot" (array containment) for every plan run.
            GinIndex(fields=["available"], name="supporter_available_gin"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(external_id=""), name="supporter_id_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="supporter_name_not_empty"),
            models.CheckConstraint(
                condition=Q(capacity__gte=0),
                name="supporter_capacity_not_negative",
                violation_error_message=_("Capacity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=only_keys("available", TimeSlot.values) & Q(available__len__gt=0),
                name="supporter_available_valid",
                violation_error_message=_("Give at least one time slot, from the keys."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=SupporterRole.values),
                name="supporter_role_valid",
                violation_error_message=_("Unknown supporter role."),
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(Range(F("birth_year"), (1900, 2100))),
                name="supporter_birth_year_plausible",
                violation_error_message=_("The year of birth is not plausible."),
            ),
            models.CheckConstraint(
                condition=Q(phone__regex=r"^[0-9+() -]*$"),
                name="supporter_phone_digits",
                violation_error_message=_("A phone number holds digits, spaces, +, - and ()."),
            ),
            models.CheckConstraint(
                condition=inside_japan("location"),
                name="supporter_home_in_japan",
                violation_error_message=_("The home lies outside Japan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} {self.name}"
