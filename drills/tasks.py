"""Drills' e-mail through the task queue: a page (or `drill links --background`) queues
`drill_links_send` with the drill's and the user's record numbers alone, and a worker sends each
supporter with an address their link. The outcome (how many went, how many the server refused,
how many supporters have no address, or why it stopped) is the sending's audit entry, which the
drill's page reads back (`drill_mailings`).

A sending whose worker dies is sent again from the start by another worker: a supporter may get
the same message twice, with the same link (links are the same every time), which is harmless
where a supporter never told is not."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.dispatch import receiver
from django.tasks import TaskResult, task
from django.tasks.signals import task_finished
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from drills.links import link_url
from drills.mail import DOCUMENT, MailOutcome, MailStopped, drill_links_mail, drill_mail_audit
from drills.models import Drill
from drills.visits import drill_visits
from registry.models import AuditAction, AuditEntry
from registry.queue.failures import failure_reason

# pg_advisory_xact_lock's first key for queueing a drill's e-mail (7301 and 7302 are the plan
# runs' and the audit chain's).
LOCK_CLASS = 7304


class MailBusy(Exception):
    """The drill's e-mail is waiting for a worker or being sent."""


@dataclass(frozen=True)
class Mailing:
    """One sending as its audit entry tells it."""

    at: datetime
    by: str
    sent: int
    without_address: int
    refused: int
    failed: str


@task
def drill_links_send(drill_id: int, user_id: int | None = None) -> int:
    """Send the drill's links; returns how many messages went."""
    drill = Drill.objects.filter(pk=drill_id).first()
    if drill is None:
        return 0
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    visits = drill_visits(drill)
    if drill.closed_at is not None or drill.ends_at <= timezone.now():
        drill_mail_audit(drill, [], MailOutcome(), user=user, failed="the drill is over")
        return 0
    try:
        outcome = drill_links_mail(visits, drill, lambda supporter: link_url(drill, supporter))
    except MailStopped as stopped:
        # Not raised again: a retry would send once more to those who got it already.
        reason = f"{type(stopped.error).__name__}: {stopped}"
        drill_mail_audit(drill, visits, stopped.outcome, user=user, failed=reason)
        return stopped.outcome.sent
    drill_mail_audit(drill, visits, outcome, user=user)
    return outcome.sent


def drill_mail_waiting(drill: Drill) -> bool:
    """Whether the drill's e-mail waits for a worker or is being sent."""
    return ProcrastinateJob.objects.filter(
        task_name="sasaeai.run",
        status__in=["todo", "doing"],
        args__task=drill_links_send.module_path,
        args__args__0=drill.pk,
    ).exists()


def drill_mail_queue(drill: Drill, *, user: Any) -> str:
    """Queue the drill's e-mail; returns the task's id. Refused (MailBusy) while one of the
    drill waits or is being sent: two officers pressing the button send it once."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, drill.pk])
        if drill_mail_waiting(drill):
            raise MailBusy(f"the e-mail of drill #{drill.pk} is already being sent")
        return drill_links_send.enqueue(drill.pk, user_id).id


def drill_mailings(drill: Drill) -> list[Mailing]:
    """The drill's sendings, the latest first."""
    entries = AuditEntry.objects.filter(
        action=AuditAction.EXPORT, detail__document=DOCUMENT, detail__drill=drill.pk
    ).order_by("-at", "-pk")
    return [
        Mailing(
            at=entry.at,
            by=entry.actor,
            sent=int(entry.detail.get("sent", 0)),
            without_address=int(entry.detail.get("without_address", 0)),
            refused=len(entry.detail.get("refused", [])),
            failed=str(entry.detail.get("failed", "")),
        )
        for entry in entries
    ]


@receiver(task_finished)
def _failed_for_good(sender: Any, task_result: TaskResult[Any, Any], **kwargs: Any) -> None:
    """A sending that raised, or whose worker died too often, is recorded with the reason."""
    reason = failure_reason(task_result, drill_links_send)
    if reason is None:
        return
    drill = Drill.objects.filter(pk=task_result.args[0]).first()
    if drill is None:
        return
    user_id = task_result.args[1] if len(task_result.args) > 1 else None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    drill_mail_audit(drill, [], MailOutcome(), user=user, failed=reason or "failed")
