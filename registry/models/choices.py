"""The keys used everywhere (interfaces.md): English in code and files, Japanese in labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardKind(models.TextChoices):
    FLOOD = "flood", _("Flood")
    LANDSLIDE = "landslide", _("Landslide, debris flow and slope failure")
    STORM_SURGE = "storm_surge", _("Storm surge")
    EARTHQUAKE = "earthquake", _("Earthquake")
    TSUNAMI = "tsunami", _("Tsunami")
    LARGE_FIRE = "large_fire", _("Large fire")
    INLAND_FLOOD = "inland_flood", _("Inland flooding")
    VOLCANO = "volcano", _("Volcanic phenomena")


class TimeSlot(models.TextChoices):
    WEEKDAY_DAY = "weekday_day", _("Weekday daytime")
    WEEKDAY_NIGHT = "weekday_night", _("Weekday night")
    WEEKEND_DAY = "weekend_day", _("Weekend daytime")
    WEEKEND_NIGHT = "weekend_night", _("Weekend night")


class Mobility(models.TextChoices):
    WALKS_ALONE = "walks_alone", _("Walks alone")
    NEEDS_GUIDANCE = "needs_guidance", _("Needs guidance")
    NEEDS_HAND = "needs_hand", _("Needs a helping hand")
    WHEELCHAIR = "wheelchair", _("Wheelchair")
    BEDRIDDEN = "bedridden", _("Bedridden")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    OTHER = "other", _("Other")


class ConsentState(models.TextChoices):
    CONSENTED = "consented", _("Consented")
    REFUSED = "refused", _("Refused")
    NO_REPLY = "no_reply", _("No reply")
    ORDINANCE = "ordinance", _("Shared under municipal ordinance")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MOVED = "moved", _("Moved away")
    INSTITUTIONALISED = "institutionalised", _("Entered an institution")
    HOSPITALISED = "hospitalised", _("In hospital")
    DECEASED = "deceased", _("Deceased")


class Reason(models.TextChoices):
    """Why a person is on the list, as structured codes (the law's 避難支援等を必要とする事由)."""

    CARE_LEVEL_1 = "care_level_1", _("Care level 1")
    CARE_LEVEL_2 = "care_level_2", _("Care level 2")
    CARE_LEVEL_3 = "care_level_3", _("Care level 3")
    CARE_LEVEL_4 = "care_level_4", _("Care level 4")
    CARE_LEVEL_5 = "care_level_5", _("Care level 5")
    PHYSICAL_DISABILITY_1 = "physical_disability_1", _("Physical disability, grade 1")
    PHYSICAL_DISABILITY_2 = "physical_disability_2", _("Physical disability, grade 2")
    PHYSICAL_DISABILITY_3 = "physical_disability_3", _("Physical disability, grade 3")
    INTELLECTUAL_A = "intellectual_a", _("Intellectual disability, certificate A")
    INTELLECTUAL_B = "intellectual_b", _("Intellectual disability, certificate B")
    MENTAL_1 = "mental_1", _("Mental disability, grade 1")
    MENTAL_2 = "mental_2", _("Mental disability, grade 2")
    INTRACTABLE_DISEASE = "intractable_disease", _("Intractable disease")
    ELDERLY_ALONE = "elderly_alone", _("Elderly, living alone")
    ELDERLY_HOUSEHOLD = "elderly_household", _("Elderly-only household")
    OTHER = "other", _("Other (approved by the mayor)")


CARE_LEVEL_REASONS = {
    Reason.CARE_LEVEL_1: 1,
    Reason.CARE_LEVEL_2: 2,
    Reason.CARE_LEVEL_3: 3,
    Reason.CARE_LEVEL_4: 4,
    Reason.CARE_LEVEL_5: 5,
}


class MedicalDevice(models.TextChoices):
    """Powered devices a life depends on: their users come first whatever the hazard."""

    VENTILATOR = "ventilator", _("Ventilator")
    OXYGEN = "oxygen", _("Home oxygen")
    SUCTION = "suction", _("Suction device")
    DIALYSIS = "dialysis", _("Dialysis")


class CommunicationNeed(models.TextChoices):
    """How warnings must reach the person; `language:xx` (ISO 639) is accepted besides these."""

    HEARING = "hearing", _("Hearing impaired (sign language, writing, fax)")
    VISUAL = "visual", _("Visually impaired (voice, phone)")
    COGNITIVE = "cognitive", _("Cognitive (plain words, in person)")


class SupporterRole(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Neighbour")
    ASSOCIATION = "association", _("Neighbourhood association")
    WELFARE_COMMISSIONER = "welfare_commissioner", _("Welfare commissioner")
    FAMILY = "family", _("Family")
    CARE_WORKER = "care_worker", _("Care worker")
    FIRE_CORPS = "fire_corps", _("Volunteer fire corps")


class ShelterKind(models.TextChoices):
    EMERGENCY_SITE = "emergency_site", _("Designated emergency evacuation site")
    SHELTER = "shelter", _("Designated shelter")
    WELFARE_SHELTER = "welfare_shelter", _("Welfare shelter")


class Placed(models.TextChoices):
    """How a home's point was found (persons.csv and supporters.csv `placed` [位置の由来])."""

    GIVEN = "given", _("Coordinates from the file")
    BLOCK = "block", _("From the address, at its block (街区)")
    TOWN = "town", _("From the address, at its town's point (approximate)")
    HAND = "hand", _("Placed by hand on the map")
