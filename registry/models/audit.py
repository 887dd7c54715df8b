"""The audit log: every look at personal data and every change, append-only in the database."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registry.models.access import EmergencyDisclosure


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed a record")
    LIST = "list", _("listed records")
    EXPORT = "export", _("exported")
    PRINT = "print", _("printed")
    CHANGE = "change", _("changed")
    CREATE = "create", pgettext_lazy("audit action", "created")
    DELETE = "delete", _("deleted")
    IMPORT = "import", _("imported")
    PLAN = "plan", _("planned")
    EMERGENCY = "emergency", _("emergency disclosure")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.CharField(_("who"), max_length=150)
    role = models.CharField(_("role"), max_length=32)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    model = models.CharField(_("record type"), max_length=64)
    object_ids = ArrayField(models.BigIntegerField(), verbose_name=_("records"), default=list)
    emergency = models.ForeignKey(
        EmergencyDisclosure,
        verbose_name=_("under emergency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # The hash chain that makes the log tamper-evident (registry/audit_chain.py). The database
    # sets both in a BEFORE INSERT trigger, whatever a writer sends; db_default keeps them out
    # of the ORM's INSERT and brings the values set back through RETURNING.
    prev_hash = models.CharField(
        _("previous entry's hash"), max_length=64, db_default="", editable=False
    )
    hash = models.CharField(_("hash"), max_length=64, db_default="", editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.model}"
