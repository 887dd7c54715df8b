"""A person's entry in the list of those needing support (避難行動要支援者名簿), printed in the
officer's copy in place of a plan for someone whose information may not be shared: no plan
exists for them, and paper must not pretend that the association is looking for helpers."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from printouts.layout import Owner, PageOwner, Styles, bracketed, listed
from printouts.sheets import PlanSheet
from printouts.tables import grid, paragraph, written_date

WIDTH = 178 * mm
LABEL_WIDTH = 44 * mm


# What stands in place of a plan, in words.
NO_PLAN = gettext_noop("No plan: consent to share this person's information has not been given.")


def register_entry_flowables(sheet: PlanSheet, s: Styles) -> list[Flowable]:
    """The entry: who and where, why they are on the list (when the copy shows health
    details), the state of their consent, and in words that no plan has been made."""
    rows: list[tuple[str, str]] = [
        (_("Name"), sheet.name),
        (_("Kana"), sheet.kana),
        (_("ID"), sheet.person_id),
        (_("Date of birth"), written_date(sheet.birth_date)),
        (_("Address"), sheet.address),
        (_("Phone"), sheet.phone),
        (_("Neighbourhood"), sheet.neighbourhood),
        (_("Moving"), sheet.mobility),
    ]
    if sheet.health_shown:
        rows.append((_("Why support is needed"), listed(sheet.reasons)))
        # A device that needs power is what a rescue team must know first.
        rows.append((_("Medical devices"), listed(sheet.medical_devices)))
    rows.append((_("Consent"), f"{sheet.consent} ・ {written_date(sheet.consent_date)}"))
    if sheet.consent_basis:
        rows.append((_("Consent basis"), sheet.consent_basis))
    cells: list[list[Flowable | str]] = [
        [paragraph(label, s.label), paragraph(value or "—", s.body)] for label, value in rows
    ]
    title = _("Register entry (避難行動要支援者名簿)")
    story: list[Flowable] = [
        # The pages from here are this person's, not the plan before them in a bundle.
        PageOwner(Owner(running_head=f"{title} ・ {sheet.name}{bracketed(sheet.person_id)}")),
        paragraph(title, s.title),
        grid(cells, [LABEL_WIDTH, WIDTH - LABEL_WIDTH], header=False),
        Spacer(1, 4 * mm),
        paragraph(_(NO_PLAN), s.heading),
        paragraph(
            _(
                "No supporter is sought and no plan is made without consent. This entry is "
                "for the city's officers; it may be shared with those who help only when an "
                "evacuation order or a disaster allows it by law."
            ),
            s.body,
        ),
    ]
    if not sheet.health_shown:
        story.append(paragraph(_("Health details are not included in this copy."), s.note))
    return story
