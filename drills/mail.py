"""Supporters' links by e-mail, through Django's mail framework: a plain message in Japanese
with the English below it. It names the people to visit by name only: an address or a phone
number does not travel by e-mail, the printed sheet carries them."""

import datetime as dt
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.utils import timezone, translation

from drills.models import Drill, DrillKind
from drills.visits import Visits
from registry.audit import audit_record
from registry.models import AuditAction, AuditEntry, Person, Supporter
from registry.models.choices import HazardKind, TimeSlot

WEEKDAYS = "月火水木金土日"
# What the phone page's buttons say, in their order there.
BUTTONS_JA = "連絡した、無事・在宅、避難開始、避難所に到着、支援が必要、不在・連絡つかず"
BUTTONS_EN = (
    "contacted, safe at home, started evacuating, arrived at the shelter, needs help, "
    "not at home / no answer"
)
# Refusals of one message (a mailbox that does not exist, a message the server will not
# take); losing the server itself fails the whole sending.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


# The audit entries of a drill's sendings carry this document name.
DOCUMENT = "drill e-mail"


@dataclass(frozen=True)
class MailOutcome:
    sent: int = 0
    without_address: int = 0
    # External IDs of the supporters whose message the server refused.
    refused: list[str] = field(default_factory=list)
    # External IDs of the supporters whose message went.
    mailed: list[str] = field(default_factory=list)


class MailStopped(smtplib.SMTPException):
    """The server could not be reached, or was lost while sending: `outcome` says what went
    before it stopped."""

    def __init__(self, error: BaseException, outcome: MailOutcome) -> None:
        super().__init__(str(error))
        self.error = error
        self.outcome = outcome


def _label(choices: type, key: str, lang: str) -> str:
    with translation.override(lang):
        return str(dict(choices.choices).get(key, key))  # type: ignore[attr-defined]


def _when_ja(starts: dt.datetime, ends: dt.datetime) -> str:
    start, end = timezone.localtime(starts), timezone.localtime(ends)
    day = f"{start.year}年{start.month}月{start.day}日（{WEEKDAYS[start.weekday()]}）"
    until = (
        f"{end:%H:%M}" if end.date() == start.date() else f"{end.month}月{end.day}日 {end:%H:%M}"
    )
    return f"{day} {start:%H:%M}〜{until}"


def _when_en(starts: dt.datetime, ends: dt.datetime) -> str:
    start, end = timezone.localtime(starts), timezone.localtime(ends)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"{start:%a %Y-%m-%d %H:%M} to {until}"


def link_subject(drill: Drill) -> str:
    if drill.kind == DrillKind.EVENT:
        return f"【安否確認のお願い】{drill.name} / Safety check: {drill.name}"
    return f"【安否確認訓練】{drill.name} / Safety-check drill: {drill.name}"


def link_body(drill: Drill, supporter: Supporter, people: Iterable[str], url: str) -> str:
    """The message to one supporter: the drill, when, whom to visit (names), their link."""
    names = list(people)
    event = drill.kind == DrillKind.EVENT
    hazard_ja, hazard_en = (_label(HazardKind, drill.hazard, lang) for lang in ("ja", "en"))
    slot_ja, slot_en = (_label(TimeSlot, drill.slot, lang) for lang in ("ja", "en"))
    ja = [
        f"{supporter.name} 様",
        "",
        (
            f"「{drill.name}」の安否確認をお願いします。これは訓練ではありません。"
            if event
            else f"安否確認訓練「{drill.name}」のお知らせです。"
        ),
        "",
        f"日時：{_when_ja(drill.starts_at, drill.ends_at)}",
        f"災害：{hazard_ja}（{slot_ja}）",
        "",
        "あなたが確認する方：",
        *(f"・{name} 様" for name in names),
        "",
        "下のリンクをスマートフォンで開いて、一人ずつ、あてはまるボタンを押してください。",
        f"（{BUTTONS_JA}）",
        url,
        "",
        "このリンクはあなた専用です。ほかの人に渡さないでください。",
        "終わりの時刻を過ぎると使えなくなります。",
        "住所と電話番号は、紙の確認シートに書いてあります。",
    ]
    en = [
        f"Dear {supporter.name},",
        "",
        (
            f"Please check on your people now: {drill.name}. This is not a drill."
            if event
            else f"This is about the safety-check drill {drill.name}."
        ),
        "",
        f"When: {_when_en(drill.starts_at, drill.ends_at)}",
        f"Hazard: {hazard_en} ({slot_en})",
        "",
        "The people you check on:",
        *(f"- {name}" for name in names),
        "",
        "Open the link below on your phone and, for each person, press the button that fits",
        f"({BUTTONS_EN}).",
        url,
        "",
        "The link is yours alone: do not pass it on. It stops working when the drill ends.",
        "Addresses and phone numbers are on your printed sheet.",
    ]
    closing = ["", f"{settings.CITY_OFFICE}"]
    return "\n".join([*ja, "", "-" * 40, "", *en, *closing]) + "\n"


def drill_links_mail(visits: Iterable[Visits], drill: Drill, url: Callable[[Supporter], str]
                     ) -> MailOutcome:  # fmt: skip
    """Send each supporter with an address their link, over one connection. A refused
    message is counted and the others still go; a server that cannot be reached, before or
    while sending, raises MailStopped (an smtplib.SMTPException) with what went before."""
    sent, without, refused, mailed = 0, 0, [], []
    try:
        with mailers.default as connection:
            for visit in visits:
                supporter = visit.supporter
                if not supporter.email:
                    without += 1
                    continue
                names = [person.name for person in visit.people]
                message = EmailMessage(
                    subject=link_subject(drill),
                    body=link_body(drill, supporter, names, url(supporter)),
                    to=[supporter.email],
                )
                try:
                    went = connection.send_messages([message]) or 0
                except REFUSED:
                    refused.append(supporter.external_id)
                    continue
                sent += went
                if went:
                    mailed.append(supporter.external_id)
    except (OSError, smtplib.SMTPException) as error:
        so_far = MailOutcome(sent=sent, without_address=without, refused=refused, mailed=mailed)
        raise MailStopped(error, so_far) from error
    return MailOutcome(sent=sent, without_address=without, refused=refused, mailed=mailed)


def drill_mail_audit(
    drill: Drill,
    visits: list[Visits],
    outcome: MailOutcome,
    *,
    user: Any = None,
    failed: str = "",
) -> AuditEntry:
    """The audit entry of one sending: the people named in the messages that went, and the
    figures the drill's page shows (record IDs and counts only)."""
    mailed = set(outcome.mailed)
    detail: dict[str, Any] = {
        "document": DOCUMENT, "drill": drill.pk, "sent": outcome.sent,
        "without_address": outcome.without_address, "refused": outcome.refused,
    }  # fmt: skip
    if failed:
        detail["failed"] = failed[:500]
    return audit_record(
        action=AuditAction.EXPORT, model=Person, user=user, detail=detail,
        object_ids=[p.pk for v in visits if v.supporter.external_id in mailed for p in v.people],
    )  # fmt: skip
