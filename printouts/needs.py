"""A person's key needs in a word or two each (車いす, 人工呼吸器, 聴覚 …), for a roster or a
supporter's sheet where a full sentence has no room. Health needs (devices, communication)
appear only on a sheet that shows health details; how the person moves always does."""

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from printouts.sheets import PlanSheet
from registry.models.choices import CommunicationNeed, MedicalDevice, Mobility

SHORT: dict[str, Promise] = {
    Mobility.NEEDS_GUIDANCE: pgettext_lazy("key need", "Guidance"),
    Mobility.NEEDS_HAND: pgettext_lazy("key need", "Helping hand"),
    Mobility.WHEELCHAIR: pgettext_lazy("key need", "Wheelchair"),
    Mobility.BEDRIDDEN: pgettext_lazy("key need", "Bedridden"),
    MedicalDevice.VENTILATOR: pgettext_lazy("key need", "Ventilator"),
    MedicalDevice.OXYGEN: pgettext_lazy("key need", "Oxygen"),
    MedicalDevice.SUCTION: pgettext_lazy("key need", "Suction"),
    MedicalDevice.DIALYSIS: pgettext_lazy("key need", "Dialysis"),
    CommunicationNeed.HEARING: pgettext_lazy("key need", "Hearing"),
    CommunicationNeed.VISUAL: pgettext_lazy("key need", "Sight"),
    CommunicationNeed.COGNITIVE: pgettext_lazy("key need", "Plain words"),
}


def key_needs(sheet: PlanSheet) -> list[str]:
    """The person's key needs in short words, in the active language: how they move, then
    (only where the sheet shows health details) their devices, how warnings reach them and
    the language they need."""
    words = [str(SHORT[sheet.mobility_key])] if sheet.mobility_key in SHORT else []
    if not sheet.health_shown:
        return words
    words += [str(SHORT[key]) for key in sheet.device_keys if key in SHORT]
    words += [str(SHORT[key]) for key in sheet.communication_keys if key in SHORT]
    if sheet.language:
        words.append(sheet.language)  # already in words (ベトナム語)
    return words
