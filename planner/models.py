"""Plan runs: one scenario planned, with each person's outcome and every assignment."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from planner.refusals import in_words
from registry.models import Neighbourhood, Person, Shelter, Supporter
from registry.models.choices import HazardKind, TimeSlot


class CoverStatus(models.TextChoices):
    COVERED = "covered", _("Covered")
    PARTIAL = "partial", _("Partly covered")
    UNCOVERED = "uncovered", _("Uncovered")
    NO_CONSENT = "no_consent", _("No consent")


class MissingReason(models.TextChoices):
    NO_SUPPORTER_IN_REACH = "no_supporter_in_reach", _("No supporter within reach")
    NO_SUPPORTER_IN_SLOT = "no_supporter_in_slot", _("No supporter available at that time")
    NO_CAPABLE_SUPPORTER = "no_capable_supporter", _("No supporter able to move this person")
    SUPPORTERS_AT_CAPACITY = "supporters_at_capacity", _("Supporters nearby are all taken")
    NO_SAFE_SHELTER = "no_safe_shelter", _("No safe shelter within reach")
    SHELTERS_FULL = "shelters_full", _("Shelters within reach are full")
    NO_ROUTE_AVOIDING_HAZARD = (
        "no_route_avoiding_hazard",
        _("No walking route to a shelter keeps out of the hazard (or, from inside it, shallower)"),
    )
    # Not a gap in cover: the distance is as the crow flies, for want of streets nearby.
    NO_ROAD_NETWORK = "no_road_network", _("No street near the home or the shelter")


class SupportRole(models.TextChoices):
    INFORM = "inform", _("Passing on warnings")
    CHECK_SAFETY = "check_safety", _("Checking safety")
    GUIDE = "guide", _("Guiding and moving")


class AssignmentState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RunStage(models.TextChoices):
    """What a running run is doing now, in the order it does it."""

    CANDIDATES = "candidates", _("Finding who can reach whom")
    SUPPORTERS = "supporters", _("Matching supporters")
    SHELTERS = "shelters", _("Choosing shelters")
    GAPS = "gaps", _("Finding what is missing")
    SAVING = "saving", _("Saving the plan")


class PlanRun(models.Model):
    hazard = models.CharField(_("hazard"), max_length=16, choices=HazardKind.choices)
    slot = models.CharField(_("time slot"), max_length=16, choices=TimeSlot.choices)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the whole city."),
    )
    away_supporters = ArrayField(
        models.BigIntegerField(), verbose_name=_("supporters away"), default=list, blank=True
    )
    closed_shelters = ArrayField(
        models.BigIntegerField(), verbose_name=_("shelters closed"), default=list, blank=True
    )
    parameters = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    # Written in short transactions of their own while the run works, so that other
    # sessions see it; empty once the run has ended.
    stage = models.CharField(
        _("stage"), max_length=12, choices=RunStage.choices, blank=True, default=""
    )
    error = models.TextField(_("error"), blank=True, help_text=_("Why a failed run failed."))
    # The queue's task that runs it, when started from a page; empty for a command's run.
    job = models.CharField(_("queued task"), max_length=40, blank=True, null=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    timings = models.JSONField(_("seconds taken"), default=dict)
    stats = models.JSONField(_("statistics"), default=dict)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    performed_by = models.CharField(_("performed by"), max_length=150)

    class Meta:
        verbose_name = _("plan run")
        verbose_name_plural = _("plan runs")
        ordering = ["-started_at", "-pk"]
        indexes = [
            # Serves "the latest run of this scenario" for carrying confirmed assignments.
            models.Index(fields=["hazard", "slot", "-started_at"], name="planrun_scenario_latest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hazard__in=HazardKind.values), name="planrun_hazard_valid"
            ),
            models.CheckConstraint(
                condition=Q(slot__in=TimeSlot.values), name="planrun_slot_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="planrun_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(stage="") | Q(stage__in=RunStage.values), name="planrun_stage_valid"
            ),
        ]

    @property
    def is_over(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    def __str__(self) -> str:
        scope = self.neighbourhood.code if self.neighbourhood else _("the whole city")
        return f"#{self.pk} {self.get_hazard_display()} / {self.get_slot_display()} {scope}"


class PersonPlan(models.Model):
    """A person's outcome in one run."""

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="person_plans")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="plans")
    needed = models.PositiveSmallIntegerField(_("supporters needed"))
    weight = models.PositiveSmallIntegerField(_("weight"))
    in_hazard_area = models.BooleanField(_("home in hazard area"))
    status = models.CharField(_("status"), max_length=12, choices=CoverStatus.choices)
    reasons = ArrayField(
        models.CharField(max_length=32, choices=MissingReason.choices),
        verbose_name=_("what is missing"),
        default=list,
    )

    class Meta:
        verbose_name = _("person's plan")
        verbose_name_plural = _("people's plans")
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="personplan_once_per_run"),
            models.CheckConstraint(
                condition=Q(status__in=CoverStatus.values), name="personplan_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(reasons__contained_by=MissingReason.values),
                name="personplan_reasons_valid",
            ),
        ]
        indexes = [
            # Serves a person's latest plan (printouts, the person page).
            models.Index(fields=["person", "-run"], name="personplan_person_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in run {self.run_id}: {self.status}"


class Decision(models.Model):
    """What is common to both kinds of assignment: its state and who decided it, when."""

    state = models.CharField(
        _("state"), max_length=10, choices=AssignmentState.choices, default=AssignmentState.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"))

    class Meta:
        abstract = True


class SupporterAssignment(Decision):
    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="supporter_assignments")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="supporter_assignments"
    )
    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="assignments")
    roles = ArrayField(
        models.CharField(max_length=16, choices=SupportRole.choices), verbose_name=_("roles")
    )
    supporter_in_hazard_area = models.BooleanField(_("supporter lives in the hazard area"))
    supporter_elderly = models.BooleanField(_("supporter is elderly"))

    class Meta:
        verbose_name = _("supporter assignment")
        verbose_name_plural = _("supporter assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "person", "supporter"], name="supporterassignment_once_per_run"
            ),
            models.CheckConstraint(
                condition=Q(state__in=AssignmentState.values),
                name="supporterassignment_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(roles__contained_by=SupportRole.values) & Q(roles__len__gt=0),
                name="supporterassignment_roles_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "state"], name="supporterassignment_person"),
        ]

    def __str__(self) -> str:
        return f"{self.supporter_id} → {self.person_id} ({self.state})"


class ShelterAssignment(Decision):
    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="shelter_assignments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="shelter_assignments")
    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="assignments")
    # The walking route on the street network (planning.md, "Walking routes"); empty when the
    # distance is geodesic (no network, or none near the home or the shelter).
    route = models.LineStringField(_("route"), srid=4326, null=True, blank=True)
    route_m = models.PositiveIntegerField(_("route (m)"), null=True, blank=True)
    # Other hazards' areas the way crosses (a landslide zone on the way to a flood shelter).
    route_crosses = ArrayField(
        models.CharField(max_length=16), verbose_name=_("crosses"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("shelter assignment")
        verbose_name_plural = _("shelter assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "person"], name="shelterassignment_one_per_person"
            ),
            models.CheckConstraint(
                condition=Q(state__in=AssignmentState.values), name="shelterassignment_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "state"], name="shelterassignment_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.shelter_id} ({self.state})"


class DroppedAssignment(models.Model):
    """A confirmed assignment a run could not keep, and why: reported, never silent."""

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="dropped")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, null=True, related_name="+")
    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    # The reason's message and values, so that pages say it in the reader's language; rows
    # written before they were kept read their English `reason`.
    message = models.CharField(_("message"), max_length=200, blank=True)
    values = models.JSONField(_("values"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dropped assignment")
        verbose_name_plural = _("dropped assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(supporter__isnull=False) ^ Q(shelter__isnull=False),
                name="droppedassignment_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.reason}"

    @property
    def reason_in_words(self) -> str:
        return in_words(self.message or self.reason, self.values)


class PlanReview(models.Model):
    """The family's review of a printed plan: when, and what they asked to change."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="plan_reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    changes_requested = models.TextField(_("changes asked for"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.reviewed_on}"


class PairState(models.TextChoices):
    """Where a person–supporter pair stands, whatever the hazard. A pair without an agreement
    row is `proposed` (only a run's suggestion)."""

    PROPOSED = "proposed", _("Proposed")
    ASKED = "asked", _("Asked, answer pending")
    AGREED = "agreed", _("Agreed")
    DECLINED = "declined", _("Declined")


class AskedHow(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    PAPER = "paper", _("On paper")


class Asking(models.Model):
    """The steps of asking someone to agree: who asked, when and how, and the answer."""

    state = models.CharField(
        _("state"), max_length=10, choices=PairState.choices, default=PairState.PROPOSED
    )
    asked_at = models.DateTimeField(_("asked at"), null=True, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    asked_how = models.CharField(
        _("asked how"), max_length=10, choices=AskedHow.choices, blank=True
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answer recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class SupportAgreement(Asking):
    """A supporter's agreement to help a person: one row per pair, holding in every scenario
    (planning.md, "Stability"). Runs keep asked and agreed pairs while the rules allow them and
    never propose a declined pair again."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="agreements")
    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="agreements")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("supporter's agreement")
        verbose_name_plural = _("supporters' agreements")
        constraints = [
            models.UniqueConstraint(fields=["person", "supporter"], name="agreement_once_per_pair"),
            models.CheckConstraint(
                condition=Q(state__in=[PairState.ASKED, PairState.AGREED, PairState.DECLINED]),
                name="agreement_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(asked_at__isnull=False), name="agreement_asked_when"
            ),
            models.CheckConstraint(
                condition=Q(state=PairState.ASKED) | Q(answered_at__isnull=False),
                name="agreement_answered_when",
            ),
        ]
        indexes = [models.Index(fields=["supporter", "state"], name="agreement_supporter")]

    def __str__(self) -> str:
        return f"{self.supporter_id} → {self.person_id} ({self.state})"


class PlanVersion(Asking):
    """An issued plan: what it held, frozen, numbered per person (v1, v2 …), and the person's
    or family's agreement to that version (`state`, `asked_*`, `answered_*`)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveIntegerField(_("version"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issuer = models.CharField(_("issued by"), max_length=150)
    review_due = models.DateField(_("review due"))
    # planner.plans.PlanContent as JSON: the shape `export plans --format json` writes.
    content = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("issued plan")
        verbose_name_plural = _("issued plans")
        ordering = ["person_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="planversion_number_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="planversion_number_valid"),
            models.CheckConstraint(
                condition=Q(state__in=PairState.values), name="planversion_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["review_due"], name="planversion_review_due"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} v{self.number}"
