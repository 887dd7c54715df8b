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
    ADDRESSES = "addresses", _("address reference")


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


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An import confirmed on the admin's import page and run by a worker (`registry.tasks`).
    The file's bytes wait in `data`, in the database, where a worker on any machine reads them,
    until the import ends (then they are cleared: the file holds personal data); `stored` is
    the random name of its upload on the web server. The import itself writes its
    ImportRecord, all or nothing, and the job points at it."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    stored = models.CharField(_("stored as"), max_length=64, editable=False)
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64)
    data = models.BinaryField(_("file"), null=True, editable=False)
    options = models.JSONField(_("options"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by user"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    performed_by = models.CharField(_("performed by"), max_length=150)
    status = models.CharField(
        _("status"), max_length=8, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    task = models.CharField(_("queued task"), max_length=40, blank=True)
    record = models.ForeignKey(
        ImportRecord, verbose_name=_("import"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("queued import")
        verbose_name_plural = _("queued imports")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportJobStatus.values), name="importjob_status_valid"
            ),
            # The page links a finished import to what it wrote.
            models.CheckConstraint(
                condition=~Q(status=ImportJobStatus.DONE) | Q(record__isnull=False),
                name="importjob_done_has_record",
            ),
            # A failure always says why.
            models.CheckConstraint(
                condition=~Q(status=ImportJobStatus.FAILED) | ~Q(error=""),
                name="importjob_failed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.file_name}"

    @property
    def waiting(self) -> bool:
        return self.status in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)
