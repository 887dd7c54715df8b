"""Asking supporters and families to agree, step by step: proposed → asked → agreed or
declined, and back one step when a decision was recorded by mistake. Each write is one
transaction and one audit entry that names the fields changed (never their values)."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from planner.models import AskedHow, Asking, PairState, PlanVersion, SupportAgreement
from registry.audit import audit_record
from registry.models import AuditAction, Person, Supporter

ANSWERS = {"agree": PairState.AGREED, "decline": PairState.DECLINED}
STEPS = ("ask", "agree", "decline", "undo")


class StepRefused(ValueError):
    """The step does not follow from where the pair (or the family) stands."""


def pair_state(person: Person, supporter: Supporter) -> str:
    agreement = SupportAgreement.objects.filter(person=person, supporter=supporter).first()
    return agreement.state if agreement else PairState.PROPOSED


def _step(asking: Asking, step: str, *, how: str, user: Any) -> list[str]:
    """Move `asking` one step and return the names of the fields changed. Answering a pair
    that was never recorded as asked records the asking at the same moment: an association
    chair who asked at the door and heard yes writes both at once."""
    now = timezone.now()
    if step == "ask":
        if asking.state != PairState.PROPOSED:
            raise StepRefused(f"already {asking.state}")
        asking.state, asking.asked_at, asking.asked_by = PairState.ASKED, now, user
        asking.asked_how = AskedHow(how)
        return ["asked_at", "asked_by", "asked_how", "state"]
    if step in ANSWERS:
        if asking.state not in (PairState.PROPOSED, PairState.ASKED):
            raise StepRefused(f"already {asking.state}")
        changed = ["answered_at", "answered_by", "state"]
        if asking.state == PairState.PROPOSED:
            asking.asked_at, asking.asked_by = now, user
            asking.asked_how = AskedHow(how)
            changed += ["asked_at", "asked_by", "asked_how"]
        asking.state, asking.answered_at, asking.answered_by = ANSWERS[step], now, user
        return sorted(changed)
    if step == "undo":
        if asking.state in (PairState.AGREED, PairState.DECLINED):
            asking.state, asking.answered_at, asking.answered_by = PairState.ASKED, None, None
            return ["answered_at", "answered_by", "state"]
        if asking.state == PairState.ASKED:
            asking.state, asking.asked_at, asking.asked_by = PairState.PROPOSED, None, None
            asking.asked_how = ""
            return ["asked_at", "asked_by", "asked_how", "state"]
        raise StepRefused("nothing to undo")
    raise StepRefused(f"unknown step {step!r}")


@transaction.atomic
def pair_step(
    *, person: Person, supporter: Supporter, step: str, user: Any, how: str = AskedHow.IN_PERSON
) -> str:
    """Record one step for a person–supporter pair; returns the pair's new state. Undoing an
    asking removes the pair's row: the pair is then only the runs' proposal again."""
    agreement = (
        SupportAgreement.objects.select_for_update()
        .filter(person=person, supporter=supporter)
        .first()
    ) or SupportAgreement(person=person, supporter=supporter, state=PairState.PROPOSED)
    changed = _step(agreement, step, how=how, user=user)
    if agreement.state == PairState.PROPOSED:
        agreement.delete()
        action = AuditAction.DELETE
    else:
        action = AuditAction.CHANGE if agreement.pk else AuditAction.CREATE
        agreement.save()
    audit_record(
        action=action, model=SupportAgreement, object_ids=[agreement.pk] if agreement.pk else [],
        user=user,
        detail={"changed": changed, "person": person.pk, "supporter": supporter.pk,
                "step": step},
    )  # fmt: skip
    return agreement.state


@transaction.atomic
def family_step(
    *, version: PlanVersion, step: str, user: Any, how: str = AskedHow.IN_PERSON
) -> str:
    """Record one step of the person's or family's agreement to an issued version."""
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    changed = _step(version, step, how=how, user=user)
    version.save()
    audit_record(
        action=AuditAction.CHANGE, model=PlanVersion, object_ids=[version.pk], user=user,
        detail={"changed": changed, "person": version.person_id, "step": step},
    )  # fmt: skip
    return version.state
