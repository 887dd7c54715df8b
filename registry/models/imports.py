"""Provenance: each import that wrote to the registry, so an officer can see where a record
came from (every imported record points at the import that last created or changed it)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    PERSONS = "persons", _("people needing support")
    SUPPORTERS = "supporters", _("supporters")
    SHELTERS = "shelters", _("shelters")
    HAZARDS = "hazards", _("hazard areas")
    NEIGHBOURHOODS = "neighbourhoods", _("neighbourhoods")


class ImportRecord(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    file_format = models.CharField(_("format"), max_length=32)
    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    performed_by = models.CharField(
        _("performed by"), max_length=150, help_text=_("The user, or the system account.")
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    rows = models.PositiveIntegerField(_("rows"))
    created = models.PositiveIntegerField(_("records created"))
    updated = models.PositiveIntegerField(_("records updated"))
    unchanged = models.PositiveIntegerField(_("records unchanged"))
    deleted = models.PositiveIntegerField(_("records deleted"), default=0)
    left_list = models.PositiveIntegerField(
        _("left the list"),
        default=0,
        help_text=_("People whose status became moved, deceased or institutionalised."),
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ImportKind.values), name="importrecord_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(checksum__regex=r"^[0-9a-f]{64}$"), name="importrecord_checksum_hex"
            ),
        ]

    def __str__(self) -> str:
        started = timezone.localtime(self.started_at)
        return f"{self.get_kind_display()} {self.file_name} ({started:%Y-%m-%d %H:%M})"


def last_import_field() -> models.ForeignKey[ImportRecord | None, ImportRecord | None]:
    return models.ForeignKey(
        ImportRecord,
        verbose_name=_("last import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
