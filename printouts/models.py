"""Printing in the background: a job prints a set of neighbourhoods, one task per
neighbourhood, on as many workers as run. Each bundle is kept in the database, where every
worker and the site reach it wherever they run, and is written once, whole, in one
transaction: a worker that dies leaves no half a bundle, and a task run again finds its bundle
done. The job's zip is put together from them when it is downloaded."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Neighbourhood


class PrintJobStatus(models.TextChoices):
    WORKING = "working", _("Printing now")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PrintJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by user"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    performed_by = models.CharField(_("performed by"), max_length=150)
    copy_for = models.CharField(_("copy for"), max_length=16)
    lang = models.CharField(_("language"), max_length=8)
    draft = models.BooleanField(_("draft"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=PrintJobStatus.choices, default=PrintJobStatus.WORKING
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"


class PrintPart(models.Model):
    """One neighbourhood's bundle of a job."""

    job = models.ForeignKey(PrintJob, on_delete=models.CASCADE, related_name="parts")
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("neighbourhood"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.CharField(_("queued task"), max_length=40, blank=True)
    file_name = models.CharField(_("file name"), max_length=120, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, editable=False)
    people = models.PositiveIntegerField(_("people"), default=0)
    # Who is in the bundle, for the audit entry of the zip's download.
    person_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    skipped = models.PositiveIntegerField(_("without an issued plan"), default=0)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("printed bundle")
        verbose_name_plural = _("printed bundles")
        constraints = [
            models.UniqueConstraint(fields=["job", "neighbourhood"], name="printpart_once"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.neighbourhood_id}"
