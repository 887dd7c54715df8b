"""People who need help to evacuate (避難行動要支援者) and their emergency contacts."""

import datetime as dt

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Regex
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import needs
from registry.models.areas import HazardArea, Neighbourhood, inside_hazard
from registry.models.choices import (
    CARE_LEVEL_REASONS,
    ConsentState,
    HazardKind,
    MedicalDevice,
    Mobility,
    PersonStatus,
    Placed,
    Reason,
    Sex,
)
from registry.models.fields import inside_japan, key_list, only_keys
from registry.models.imports import last_import_field

SHAREABLE_CONSENT = (ConsentState.CONSENTED, ConsentState.ORDINANCE)

# How dangerous a home's hazard area is, for ordering the work (domain.md, "Who gets a plan
# first"): landslide red zones and floods of 3 m or more first, then yellow zones and 0.5-3 m,
# then tsunami zones, then any other hazard area. Rules are (kind, lowest level, severity).
HAZARD_SEVERITY_RULES: tuple[tuple[str, int | None, int], ...] = (
    (HazardKind.LANDSLIDE, 2, 4),
    (HazardKind.FLOOD, 3, 4),
    (HazardKind.LANDSLIDE, None, 3),
    (HazardKind.FLOOD, 2, 3),
    (HazardKind.TSUNAMI, None, 2),
)
OTHER_HAZARD_SEVERITY = 1

# The medical contacts' phone fields, held to the same digits as the person's own phone.
MEDICAL_CONTACT_PHONES = ("doctor_phone", "nurse_phone", "device_supplier_phone")

# One communication key (validators) and a whole list joined by \x1f (the database check).
_COMMUNICATION_KEY = r"(hearing|visual|cognitive|language:[a-z]{2,3})"
_COMMUNICATION_PATTERN = rf"^({_COMMUNICATION_KEY}(\x1f|$))*$"
COMMUNICATION_KEY = RegexValidator(
    rf"^{_COMMUNICATION_KEY}$",
    _("Communication needs are hearing, visual, cognitive or language:xx."),
)


def _severity_case() -> Case:
    whens = []
    for kind, min_level, severity in HAZARD_SEVERITY_RULES:
        level = Q() if min_level is None else Q(level__gte=min_level)
        whens.append(When(Q(kind=kind) & level, then=Value(severity)))
    return Case(*whens, default=Value(OTHER_HAZARD_SEVERITY), output_field=IntegerField())


def _care_level_case() -> Case:
    whens = [
        When(reasons__contains=[code], then=Value(level))
        for code, level in sorted(CARE_LEVEL_REASONS.items(), key=lambda item: -item[1])
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> "PersonQuerySet":
        return self.filter(status=PersonStatus.ACTIVE)

    def shareable(self) -> "PersonQuerySet":
        """People whose data may be shared with support organisations in normal times."""
        return self.filter(consent__in=SHAREABLE_CONSENT)

    def with_shareable(self) -> "PersonQuerySet":
        """Annotate `shareable`: the same rule as `shareable()`, as a column, for reads that
        need both sides (a plan run plans the shareable and counts the others)."""
        return self.annotate(
            shareable=ExpressionWrapper(
                Q(consent__in=SHAREABLE_CONSENT), output_field=BooleanField()
            )
        )

    def plannable(self) -> "PersonQuerySet":
        """People a plan run plans for: active, and consented or covered by ordinance."""
        return self.active().shareable()

    def in_hazard_area(self, kind: str) -> "PersonQuerySet":
        """People whose home lies inside an area of the hazard kind."""
        return self.filter(inside_hazard(kind))

    def with_hazard_severity(self) -> "PersonQuerySet":
        """Annotate `hazard_severity`: the worst hazard area the home lies in (0 = none)."""
        worst = (
            HazardArea.objects.covering(OuterRef("location"))
            .annotate(severity=_severity_case())
            .order_by("-severity")
            .values("severity")[:1]
        )
        return self.annotate(hazard_severity=Coalesce(Subquery(worst), Value(0)))

    def with_priority(self) -> "PersonQuerySet":
        """Annotate `priority` (higher = plan first): powered medical devices first whatever
        the hazard, then the hazard's severity, then care level, then living alone. The tiers
        are scaled so that a lower tier never outweighs a higher one."""
        return (
            self.with_hazard_severity()
            .annotate(care_level_rank=_care_level_case())
            .annotate(
                priority=Case(
                    When(~Q(medical_devices=[]), then=Value(1000)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
                + F("hazard_severity") * 100
                + F("care_level_rank") * 10
                + Case(When(lives_alone=True, then=Value(1)), default=Value(0))
            )
        )

    def by_priority(self) -> "PersonQuerySet":
        # The stubs cannot see annotations made by another method.
        return self.with_priority().order_by("-priority", "external_id")  # type: ignore[misc]


class Person(models.Model):
    """避難行動要支援者: someone on the list, with what the law and a good plan form need."""

    external_id = models.CharField(
        _("ID"), max_length=64, unique=True, help_text=_("The city's stable identifier.")
    )
    name = models.CharField(_("full name"), max_length=100)
    kana = models.CharField(_("kana"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Geography: distances and reach in metres on the ellipsoid. Default GiST index: serves
    # the planner's "who lives within reach" search.
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
        related_name="persons",
    )

    reasons = key_list(Reason, verbose_name=_("reasons for support"))
    mobility = models.CharField(_("mobility"), max_length=16, choices=Mobility.choices)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    medical_devices = key_list(MedicalDevice, verbose_name=_("medical devices"), blank=True)
    power_backup = models.CharField(_("power backup"), max_length=200, blank=True)
    medication = models.TextField(_("medication"), blank=True)
    # Who to call about a device or a treatment when the power fails or the person is moved.
    doctor = models.CharField(_("family doctor"), max_length=100, blank=True)
    doctor_phone = models.CharField(_("family doctor's phone"), max_length=32, blank=True)
    nurse = models.CharField(_("home-visit nursing"), max_length=100, blank=True)
    nurse_phone = models.CharField(_("home-visit nursing phone"), max_length=32, blank=True)
    device_supplier = models.CharField(_("device supplier"), max_length=100, blank=True)
    device_supplier_phone = models.CharField(
        _("device supplier's phone"), max_length=32, blank=True
    )
    mobility_aids = models.CharField(_("mobility aids"), max_length=200, blank=True)
    care_while_moving = models.TextField(_("care needed while moving"), blank=True)
    communication = ArrayField(
        models.CharField(max_length=32, validators=[COMMUNICATION_KEY]),
        verbose_name=_("communication needs"),
        default=list,
        blank=True,
        help_text=_("hearing, visual, cognitive, or language:xx for another language."),
    )
    place_in_home = models.CharField(_("usual place in the home"), max_length=200, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    status_date = models.DateField(_("status since"), default=timezone.localdate)
    review_date = models.DateField(_("next review"), null=True, blank=True)

    consent = models.CharField(_("consent"), max_length=16, choices=ConsentState.choices)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    consent_basis = models.CharField(
        _("consent basis"),
        max_length=200,
        blank=True,
        help_text=_("The signed form, or the ordinance article that allows sharing."),
    )
    notes = models.TextField(_("notes"), blank=True)
    last_import = last_import_field()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person needing support")
        verbose_name_plural = _("people needing support")
        ordering = ["external_id"]
        indexes = [
            # Serves the planner's and the lists' filter on who is active and shareable.
            models.Index(fields=["status", "consent"], name="person_status_consent"),
            models.Index(fields=["neighbourhood", "status"], name="person_neighbourhood_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(external_id=""), name="person_id_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="person_name_not_empty"),
            models.CheckConstraint(condition=~Q(address=""), name="person_address_not_empty"),
            models.CheckConstraint(
                condition=Q(sex__in=Sex.values),
                name="person_sex_valid",
                violation_error_message=_("Sex must be male, female or other."),
            ),
            models.CheckConstraint(
                condition=Q(mobility__in=Mobility.values),
                name="person_mobility_valid",
                violation_error_message=_("Unknown mobility key."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=PersonStatus.values),
                name="person_status_valid",
                violation_error_message=_("Unknown person status."),
            ),
            models.CheckConstraint(
                condition=Q(consent__in=ConsentState.values),
                name="person_consent_valid",
                violation_error_message=_("Unknown consent state."),
            ),
            models.CheckConstraint(
                condition=only_keys("reasons", Reason.values) & Q(reasons__len__gt=0),
                name="person_reasons_valid",
                violation_error_message=_("Give at least one reason for support, from the codes."),
            ),
            models.CheckConstraint(
                condition=only_keys("medical_devices", MedicalDevice.values),
                name="person_medical_devices_valid",
                violation_error_message=_("Unknown medical device."),
            ),
            models.CheckConstraint(
                condition=Q(
                    Regex(
                        models.Func(
                            "communication",
                            Value("\x1f"),
                            function="array_to_string",
                            output_field=models.TextField(),
                        ),
                        _COMMUNICATION_PATTERN,
                    )
                ),
                name="person_communication_valid",
                violation_error_message=_(
                    "Communication needs are hearing, visual, cognitive or language:xx."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kana__regex=r"^[ぁ-ゖァ-ヺー・ 　]*$"),
                name="person_kana_is_kana",
                violation_error_message=_("Kana may hold only hiragana, katakana and spaces."),
            ),
            models.CheckConstraint(
                condition=Q(phone__regex=r"^[0-9+() -]*$"),
                name="person_phone_digits",
                violation_error_message=_("A phone number holds digits, spaces, +, - and ()."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__regex": r"^[0-9+() -]*$"}),
                    name=f"person_{field}_digits",
                    violation_error_message=_("A phone number holds digits, spaces, +, - and ()."),
                )
                for field in MEDICAL_CONTACT_PHONES
            ),
            models.CheckConstraint(
                condition=Q(birth_date__gte=dt.date(1890, 1, 1)),
                name="person_birth_date_plausible",
                violation_error_message=_("The date of birth is before 1890."),
            ),
            models.CheckConstraint(
                condition=inside_japan("location"),
                name="person_home_in_japan",
                violation_error_message=_("The home lies outside Japan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} {self.name}"

    @property
    def care_level(self) -> int:
        """要介護度 0-5, derived from the reasons so that it is never typed in twice."""
        return needs.care_level(self.reasons)

    @property
    def supporters_needed(self) -> int:
        return needs.supporters_needed(self.mobility)

    @property
    def uses_powered_device(self) -> bool:
        return bool(self.medical_devices)

    @property
    def needs_welfare_shelter(self) -> bool:
        """Bedridden, on a medical device, or care level 4-5 (planning.md)."""
        return needs.needs_welfare_shelter(self.mobility, self.medical_devices, self.reasons)

    @property
    def is_shareable(self) -> bool:
        return self.consent in SHAREABLE_CONSENT

    def age_on(self, day: dt.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class EmergencyContact(models.Model):
    """緊急連絡先: family or others to call, in order."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="emergency_contacts",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("full name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=32)

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")
        ordering = ["person", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "position"], name="emergencycontact_one_per_position"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="emergencycontact_name_not_empty"),
            models.CheckConstraint(
                condition=Q(phone__regex=r"^[0-9+() -]+$"),
                name="emergencycontact_phone_digits",
                violation_error_message=_("A phone number holds digits, spaces, +, - and ()."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})" if self.relation else self.name
