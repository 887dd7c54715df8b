"""Drills' e-mail through the task queue (drills/tasks.py), sent to a real SMTP server
(aiosmtpd): each supporter with an address gets their link, and the outcome — sent, refused,
without an address, or why it stopped — is recorded where the drill's page reads it."""

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model

from drills.links import link_url
from drills.tasks import (
    MailBusy,
    drill_mail_queue,
    drill_mail_waiting,
    drill_mailings,
)
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditAction, AuditEntry, Supporter
from tests.drills import test_drill_command as command_tests
from tests.drills.test_drill_command import Inbox, drill, free_port, planned, start
from tests.queue.workers import wait_for, worker

# The drill command's town and SMTP server, shared.
town = command_tests.town
smtp_server = command_tests.smtp_server

REFUSED = "nobody@example.jp"


class RefusingInbox(Inbox):
    """Refuses one mailbox, as a server does for an address that does not exist."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def officer():
    user_create_with_role(username="officer", role="officer", neighbourhoods=[],
                          password="a-long-password-for-tests")  # fmt: skip
    return get_user_model().objects.get(username="officer")


def mailed_entries():
    return AuditEntry.objects.filter(action=AuditAction.EXPORT, detail__document="drill e-mail")


@pytest.mark.django_db
def test_a_queued_sending_mails_each_supporter_their_link_and_records_the_counts(
    town, smtp_server, officer
):
    planned()
    made, _out = start()

    drill_mail_queue(made, user=officer)

    assert len(smtp_server.received) == 1
    recipients, message = smtp_server.received[0]
    sato = Supporter.objects.get(external_id="S-1")
    assert recipients == ["sato@example.jp"]
    assert link_url(made, sato) in message.get_content()
    [mailing] = drill_mailings(made)
    assert (mailing.sent, mailing.without_address, mailing.refused, mailing.failed) == (1, 1, 0, "")
    assert mailing.by == "officer"
    entry = mailed_entries().get()
    assert entry.user == officer
    assert entry.object_ids == [town["people"][0].pk]


@pytest.mark.django_db
def test_a_refused_mailbox_is_counted_and_the_others_still_go(town, settings, officer):
    Supporter.objects.filter(external_id="S-2").update(email=REFUSED)
    inbox = RefusingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "use_tls": False, "timeout": 10},
    }}  # fmt: skip
    try:
        planned()
        made, _out = start()
        drill_mail_queue(made, user=officer)
    finally:
        controller.stop()

    assert [recipients for recipients, _message in inbox.received] == [["sato@example.jp"]]
    [mailing] = drill_mailings(made)
    assert (mailing.sent, mailing.without_address, mailing.refused) == (1, 0, 1)
    assert mailed_entries().get().detail["refused"] == ["S-2"]


@pytest.mark.django_db
def test_a_server_out_of_reach_is_recorded_with_the_reason(town, settings, officer):
    planned()
    made, _out = start()
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "use_tls": False, "timeout": 5},
    }}  # fmt: skip

    drill_mail_queue(made, user=officer)

    [mailing] = drill_mailings(made)
    assert mailing.sent == 0
    assert mailing.failed.startswith("ConnectionRefusedError: ")
    assert mailed_entries().get().object_ids == []


@pytest.mark.django_db
def test_a_drill_that_is_over_sends_nothing_and_says_why(town, smtp_server, officer):
    planned()
    made, _out = start()
    drill("close", made.pk)

    drill_mail_queue(made, user=officer)

    assert smtp_server.received == []
    assert drill_mailings(made)[0].failed == "the drill is over"


@pytest.mark.django_db
def test_drill_links_background_writes_the_files_and_queues_the_mail(town, tmp_path, smtp_server):
    planned()
    made, _out = start()

    code, out, error = drill("links", made.pk, "--out", tmp_path, "--background")

    assert code == 0, error
    assert "E-mail to the supporters queued" in out
    assert (tmp_path / "links.csv").exists() and (tmp_path / "sheets.pdf").exists()
    # Tasks run at once here: the message has gone and is recorded.
    assert len(smtp_server.received) == 1
    assert drill_mailings(made)[0].sent == 1
    code, _out, error = drill("links", made.pk, "--out", tmp_path, "--background", "--no-mail")
    assert code != 0


@pytest.mark.django_db
def test_drill_links_in_the_foreground_records_the_same_figures(town, tmp_path, smtp_server):
    planned()
    made, _out = start()

    assert drill("links", made.pk, "--out", tmp_path)[0] == 0

    [mailing] = drill_mailings(made)
    assert (mailing.sent, mailing.without_address, mailing.refused) == (1, 1, 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.queue
def test_a_worker_sends_the_queued_mail_once_however_often_it_is_asked(town, officer):
    planned()
    made, _out = start()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        drill_mail_queue(made, user=officer)
        assert drill_mail_waiting(made)
        with pytest.raises(MailBusy, match=f"drill #{made.pk} is already being sent"):
            drill_mail_queue(made, user=officer)
        assert inbox.received == []

        mail = {"SASAEAI_EMAIL_HOST": "127.0.0.1", "SASAEAI_EMAIL_PORT": str(controller.port),
                "SASAEAI_EMAIL_TLS": "false"}  # fmt: skip
        with worker(**mail):
            wait_for(lambda: drill_mailings(made), seconds=90, what="the e-mail to be sent")
    finally:
        controller.stop()

    assert [recipients for recipients, _message in inbox.received] == [["sato@example.jp"]]
    [mailing] = drill_mailings(made)
    assert (mailing.sent, mailing.by) == (1, "officer")
    assert not drill_mail_waiting(made)
