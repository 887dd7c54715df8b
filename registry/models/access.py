"""Who may see whom: roles, the areas each user looks after, and emergency disclosures.

Roles are Django groups (see registry.access). An association or a welfare commissioner sees
only the neighbourhoods given here; a declared emergency, once a second officer confirms it,
opens the people of its areas who have not consented (災害対策基本法 art. 49-11 ③).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models.areas import Neighbourhood
from registry.models.choices import HazardKind


class AccessScope(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="access_scopes",
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("neighbourhood"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("area looked after")
        verbose_name_plural = _("areas looked after")
        constraints = [
            models.UniqueConstraint(fields=["user", "neighbourhood"], name="accessscope_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.neighbourhood}"


class EmergencyDisclosureQuerySet(models.QuerySet["EmergencyDisclosure"]):
    def active(self) -> "EmergencyDisclosureQuerySet":
        now = timezone.now()
        return self.filter(confirmed_at__isnull=False, ended_at__isnull=True, ends_at__gt=now)


class EmergencyDisclosure(models.Model):
    """A declared emergency that opens the sealed list for some areas, under dual control."""

    hazard = models.CharField(_("hazard"), max_length=16, choices=HazardKind.choices)
    reason = models.TextField(_("reason"))
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, verbose_name=_("areas"), related_name="+"
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EmergencyDisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency disclosure")
        verbose_name_plural = _("emergency disclosures")
        ordering = ["-declared_at"]
        constraints = [
            # Dual control: the officer who confirms is never the one who declared.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("declared_by")),
                name="emergencydisclosure_two_officers",
                violation_error_message=_("A second officer must confirm the emergency."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("declared_at")),
                name="emergencydisclosure_ends_after_declared",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                | Q(confirmed_by__isnull=False, confirmed_at__isnull=False),
                name="emergencydisclosure_confirmed_with_time",
            ),
        ]

    def __str__(self) -> str:
        # In the city's time zone, as every time a person reads.
        return f"{self.get_hazard_display()} {timezone.localtime(self.declared_at):%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return bool(self.confirmed_at and not self.ended_at and self.ends_at > timezone.now())
