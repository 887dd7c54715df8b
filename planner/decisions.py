"""Writes from the pages: a family or association confirms or rejects an assignment, or
records the family's review of the plan. Each is one transaction and one audit entry."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from planner.models import AssignmentState, PlanReview, ShelterAssignment, SupporterAssignment
from registry.audit import audit_record
from registry.models import AuditAction

DECISIONS = {"confirm": AssignmentState.CONFIRMED, "reject": AssignmentState.REJECTED}


@transaction.atomic
def assignment_decide(
    *, assignment: SupporterAssignment | ShelterAssignment, decision: str, user: Any
) -> None:
    assignment.state = DECISIONS[decision]
    assignment.decided_by = user
    assignment.decided_at = timezone.now()
    assignment.save(update_fields=["state", "decided_by", "decided_at"])
    audit_record(
        action=AuditAction.CHANGE,
        model=type(assignment),
        object_ids=[assignment.pk],
        user=user,
        detail={"changed": ["decided_at", "decided_by", "state"]},
    )


@transaction.atomic
def plan_review_create(*, person: Any, reviewed_on: dt.date, changes: str, user: Any) -> PlanReview:
    review = PlanReview.objects.create(
        person=person, reviewed_on=reviewed_on, changes_requested=changes, recorded_by=user
    )
    audit_record(
        action=AuditAction.CREATE, model=PlanReview, object_ids=[review.pk], user=user,
        detail={"person": person.pk},
    )  # fmt: skip
    return review
