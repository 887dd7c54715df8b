"""Drills and real events (安否確認): who is checked on by whom, and every report, kept as an
append-only list of events. A person's state is their latest report; without one they are
`not_reached`."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Neighbourhood, Person, Supporter
from registry.models.choices import HazardKind, TimeSlot


class DrillKind(models.TextChoices):
    DRILL = "drill", _("Drill")
    EVENT = "event", _("Real event")


class CheckState(models.TextChoices):
    NOT_REACHED = "not_reached", _("Not reached yet")
    CONTACTED = "contacted", _("Contacted")
    SAFE_AT_HOME = "safe_at_home", _("Safe at home")
    EVACUATING = "evacuating", _("Evacuating")
    ARRIVED = "arrived", _("Arrived at the shelter")
    NEEDS_HELP = "needs_help", _("Needs help")
    UNREACHABLE = "unreachable", _("Not at home / no answer")


# What a report may say: every state but the one that means no report yet.
REPORTED = [state for state in CheckState.values if state != CheckState.NOT_REACHED]
# States that mean someone was reached (`unreachable` was tried, not reached).
REACHED = [state for state in REPORTED if state != CheckState.UNREACHABLE]


class Drill(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=DrillKind.choices)
    hazard = models.CharField(_("hazard"), max_length=16, choices=HazardKind.choices)
    slot = models.CharField(_("time slot"), max_length=16, choices=TimeSlot.choices)
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, verbose_name=_("neighbourhoods"), related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The plan runs the checks were taken from (one per scenario's latest run).
    runs = models.JSONField(_("plan runs"), default=list, blank=True)

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="drill_ends_after_start"),
            models.CheckConstraint(condition=Q(kind__in=DrillKind.values), name="drill_kind_valid"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"

    def is_open(self, at: dt.datetime | None = None) -> bool:
        """Reports are taken from the start until the end or the close, whichever is first."""
        now = at or timezone.now()
        return self.closed_at is None and self.starts_at <= now < self.ends_at


class DrillPerson(models.Model):
    """A person in the drill's scope, listed even without anyone to check on them."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # Listed under an active emergency disclosure rather than by consent (events only).
    under_emergency = models.BooleanField(_("under an emergency disclosure"), default=False)

    class Meta:
        verbose_name = _("person in a drill")
        verbose_name_plural = _("people in a drill")
        constraints = [
            models.UniqueConstraint(fields=["drill", "person"], name="drillperson_once"),
        ]

    def __str__(self) -> str:
        return f"{self.drill_id}: {self.person_id}"


class DrillCheck(models.Model):
    """Who checks on whom in the drill, from the plan's supporters of the slot: agreed ones
    first, then those asked, then those proposed (`rank` 0 first)."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="checks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    supporter = models.ForeignKey(Supporter, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("order"), default=0)
    state = models.CharField(_("agreement"), max_length=10)  # the pair's PairState then

    class Meta:
        verbose_name = _("safety check")
        verbose_name_plural = _("safety checks")
        constraints = [
            models.UniqueConstraint(fields=["drill", "person", "supporter"],
                                    name="drillcheck_once"),
        ]  # fmt: skip
        indexes = [models.Index(fields=["drill", "supporter"], name="drillcheck_supporter")]

    def __str__(self) -> str:
        return f"{self.drill_id}: {self.supporter_id} → {self.person_id}"


class DrillSupporter(models.Model):
    """A supporter with someone to check on in the drill, and when their link was first
    opened (the board lists those who have not)."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="supporters")
    supporter = models.ForeignKey(Supporter, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("link first opened"), null=True, blank=True)

    class Meta:
        verbose_name = _("supporter in a drill")
        verbose_name_plural = _("supporters in a drill")
        constraints = [
            models.UniqueConstraint(fields=["drill", "supporter"], name="drillsupporter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.drill_id}: {self.supporter_id}"


class DrillReport(models.Model):
    """One report, never changed or deleted: a later report supersedes it. `key` is the
    rendered button's own key, so that a double tap or a resend records one event."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="reports")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=CheckState.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    supporter = models.ForeignKey(
        Supporter, verbose_name=_("sent by supporter"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    # Taken by phone and entered by an officer on the supporter's behalf.
    on_behalf = models.BooleanField(_("entered on someone's behalf"), default=False)
    key = models.CharField(_("key"), max_length=64)

    class Meta:
        verbose_name = _("safety report")
        verbose_name_plural = _("safety reports")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["drill", "key"], name="drillreport_once_per_key"),
            models.CheckConstraint(condition=Q(state__in=REPORTED), name="drillreport_state"),
            models.CheckConstraint(
                condition=Q(supporter__isnull=False) | Q(entered_by__isnull=False),
                name="drillreport_has_sender",
            ),
        ]
        indexes = [models.Index(fields=["drill", "person", "at"], name="drillreport_latest")]

    def __str__(self) -> str:
        return f"{self.drill_id}: {self.person_id} {self.state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a safety report is never changed: send a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("a safety report is never deleted")
