"""What a drill teaches, fed back into the plans: a supporter who could not come in the drill's
time slot stops being available in it (the next plan run finds someone else), and a finding
about a person lands on their plan as a change asked for its next version.

A finding about a person is kept as a plan review (planner.PlanReview: "what to change in the
next version", shown on the person's page beside the family's reviews), dated the drill's day
and naming the drill, so that no second list of requested changes exists beside it."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from drills.models import Drill, DrillPerson, DrillSupporter
from planner.decisions import plan_review_create
from planner.models import PlanReview
from registry import services as registry_services
from registry.models import Person, Supporter


class FindingRefused(ValueError):
    """The finding does not fit the drill (not its supporter or person), or changes nothing."""


def slot_withdrawal_changes(drill: Drill, supporter: Supporter) -> bool:
    """Whether marking the supporter as unable to come in the drill's slot would change
    anything (what the confirmation step asks about)."""
    return drill.slot in supporter.available


@transaction.atomic
def supporter_slot_withdraw(*, drill: Drill, supporter: Supporter, user: User) -> Supporter:
    """The supporter could not come in the drill's time slot: no longer available in it. The
    change is the registry's own (audited as a change of `available`)."""
    if not DrillSupporter.objects.filter(drill=drill, supporter=supporter).exists():
        raise FindingRefused("the supporter has no one to check on in this drill")
    locked = Supporter.objects.select_for_update().get(pk=supporter.pk)
    if not slot_withdrawal_changes(drill, locked):
        raise FindingRefused("the supporter is already not available in this time slot")
    if locked.neighbourhood is None:
        raise FindingRefused("the supporter is on no neighbourhood's list")
    locked.available = [slot for slot in locked.available if slot != drill.slot]
    return registry_services.supporter_save(
        supporter=locked, neighbourhood=locked.neighbourhood, changed=["available"], user=user
    )


def person_finding_record(*, drill: Drill, person: Person, text: str, user: User) -> PlanReview:
    """A note for the person's next plan version, naming the drill it came from."""
    if not DrillPerson.objects.filter(drill=drill, person=person).exists():
        raise FindingRefused("the person is not in this drill")
    text = text.strip()
    if not text:
        raise FindingRefused("a finding needs some words")
    return plan_review_create(
        person=person,
        reviewed_on=timezone.localdate(drill.starts_at),
        changes=f"{drill.name} (#{drill.pk}): {text[:2000]}",
        user=user,
    )
