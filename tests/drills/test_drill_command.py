"""`manage.py drill`: start, links (links.csv, the sheets, e-mail through a real SMTP server on
the loopback), close, and the report's wiring."""

import csv
import datetime as dt
import email
import io
import re
import socket
import time
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from pypdf import PdfReader

from drills.links import link_url, open_link
from drills.models import Drill, DrillKind, DrillPerson
from planner.scenario import Scenario
from planner.services import plan_run_create
from printouts.drill_sheet import qr_drawing
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditEntry, EmergencyDisclosure
from tests.factories import (
    at,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

pytestmark = pytest.mark.django_db
NIGHT = ["weekday_night"]


@pytest.fixture
def town():
    """Two people with a supporter each (one of them with an e-mail address), one without a
    supporter, one who never consented; planned for a flood on a weekday night."""
    area = make_neighbourhood(code="N1", geom=square(-1000, -1000, 1000, 1000))
    make_shelter(name="本町小学校", location=at(0, 800), hazards=["flood"])
    first = make_person(external_id="P-1", name="山田 花子", kana="ヤマダ ハナコ",
                        address="支えあい市本町1番1号", phone="0463-11-0001",
                        location=at(0, 0), neighbourhood=area)  # fmt: skip
    second = make_person(external_id="P-2", name="鈴木 次郎", kana="スズキ ジロウ",
                         address="支えあい市本町2番2号", phone="0463-11-0002",
                         location=at(300, 0), neighbourhood=area)  # fmt: skip
    make_person(external_id="P-3", name="高橋 三郎", location=at(-900, -900), neighbourhood=area)
    make_person(external_id="P-4", name="田中 四郎", location=at(10, 10), neighbourhood=area,
                consent="no_reply")  # fmt: skip
    with_mail = make_supporter(external_id="S-1", name="佐藤 一郎", email="sato@example.jp",
                               location=at(20, 0), available=NIGHT)  # fmt: skip
    without = make_supporter(external_id="S-2", name="伊藤 二郎", location=at(320, 0),
                             available=NIGHT)  # fmt: skip
    return {"area": area, "supporters": [with_mail, without], "people": [first, second]}


def drill(*args):
    """Run the command: (exit status, standard output, the error's message)."""
    out = io.StringIO()
    try:
        call_command("drill", *[str(arg) for arg in args], stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), ""


def planned():
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")


def start(*extra):
    code, out, error = drill("start", "--name", "秋の訓練", "--hazard", "flood", "--slot",
                             "weekday_night", "--neighbourhood", "N1", *extra)  # fmt: skip
    assert code == 0, error
    return Drill.objects.get(pk=int(out.strip().splitlines()[-1])), out


def test_start_prints_a_summary_and_the_new_drills_id_alone_on_the_last_line(town):
    planned()

    code, out, _error = drill("start", "--name", "秋の訓練", "--hazard", "flood", "--slot",
                              "weekday_night", "--neighbourhood", "N1")  # fmt: skip

    assert code == 0
    *summary, last = out.strip().splitlines()
    assert re.fullmatch(r"\d+", last)
    made = Drill.objects.get(pk=int(last))
    assert (made.name, made.kind, made.hazard, made.slot) == ("秋の訓練", "drill", "flood",
                                                               "weekday_night")  # fmt: skip
    assert "3 people in 1 neighbourhood(s), 2 supporters, 1 people without a supporter" in (
        " ".join(summary)
    )
    assert AuditEntry.objects.filter(model="drills.drill", object_ids=[made.pk]).exists()


def test_start_without_a_finished_plan_run_exits_2_and_says_so(town):
    code, _out, error = drill("start", "--name", "訓練", "--hazard", "flood", "--slot",
                              "weekday_night", "--neighbourhood", "N1")  # fmt: skip

    assert code == 2
    assert "no finished plan run for flood / weekday_night" in error
    assert not Drill.objects.exists()


def test_start_refuses_an_unknown_neighbourhood(town):
    planned()

    code, _out, error = drill("start", "--name", "訓練", "--hazard", "flood", "--slot",
                              "weekday_night", "--neighbourhood", "N9")  # fmt: skip

    assert (code, error) == (2, "no neighbourhood with code N9")


def test_an_event_without_an_active_disclosure_says_it_runs_with_consenting_people_only(town):
    planned()

    made, out = start("--event")

    assert made.kind == DrillKind.EVENT
    assert "No active emergency disclosure for flood in N1" in out
    assert "consenting people only" in out
    listed = set(DrillPerson.objects.filter(drill=made).values_list("person__external_id",
                                                                     flat=True))  # fmt: skip
    assert listed == {"P-1", "P-2", "P-3"}


def test_an_event_under_an_active_disclosure_says_nothing_of_consent(town):
    planned()
    officers = []
    for name in ("officer", "officer2"):
        user_create_with_role(username=name, role="officer", neighbourhoods=[],
                              password="a-long-password-for-tests")  # fmt: skip
        officers.append(get_user_model().objects.get(username=name))
    disclosure = EmergencyDisclosure.objects.create(
        hazard="flood", reason="大雨特別警報", declared_by=officers[0], confirmed_by=officers[1],
        confirmed_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=6),
    )  # fmt: skip
    disclosure.neighbourhoods.set([town["area"]])

    made, out = start("--event")

    assert "consenting people only" not in out
    assert DrillPerson.objects.filter(drill=made, person__external_id="P-4").exists()


def read_links(folder):
    with (folder / "links.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_links_writes_one_row_per_supporter_with_someone_to_visit_the_same_on_a_rerun(
    town, tmp_path
):
    planned()
    made, _out = start()
    s1, s2 = town["supporters"]
    make_supporter(external_id="S-9", location=at(900, 900), available=["weekday_day"])

    code, out, error = drill("links", made.pk, "--out", tmp_path, "--no-mail")

    assert code == 0, error
    rows = read_links(tmp_path)
    assert [row[0] for row in rows] == ["supporter", "S-1", "S-2"]
    # Each URL opens its own supporter in this drill.
    for (_supporter, url), person in zip(rows[1:], (s1, s2), strict=True):
        assert url.startswith("http://127.0.0.1:8000/")
        token = url.rstrip("/").rsplit("/", 1)[-1]
        assert open_link(token).supporter == person
    assert "Sent" not in out
    assert not list(tmp_path.glob(".*partial"))


def test_links_are_the_same_on_a_later_rerun(town, tmp_path, monkeypatch):
    planned()
    made, _out = start()
    assert drill("links", made.pk, "--out", tmp_path, "--no-mail")[0] == 0
    first = (tmp_path / "links.csv").read_bytes()
    later = time.time() + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    assert drill("links", made.pk, "--out", tmp_path, "--no-mail")[0] == 0

    assert (tmp_path / "links.csv").read_bytes() == first


def test_links_are_built_on_the_base_url_setting(town, tmp_path, settings):
    settings.BASE_URL = "https://sasaeai.example.jp/"
    planned()
    made, _out = start()

    drill("links", made.pk, "--out", tmp_path, "--no-mail")

    assert all(url.startswith("https://sasaeai.example.jp/drill") for _s, url in
               read_links(tmp_path)[1:])  # fmt: skip


TITLES = ("安否確認訓練シート", "Safety-check drill sheet")


def sheet_of(pdf, name):
    """The text of one supporter's sheet: from its title to the next sheet's."""
    texts = [page.extract_text() for page in PdfReader(pdf).pages]
    starts = [i for i, text in enumerate(texts) if any(title in text for title in TITLES)]
    sheets = ["\n".join(texts[a:b]) for a, b in zip(starts, [*starts[1:], len(texts)], strict=True)]
    return next(sheet for sheet in sheets if name in sheet)


def squeezed(text):
    return re.sub(r"\s+", "", text)


def test_the_sheets_show_each_supporter_their_own_people_and_their_link(town, tmp_path):
    planned()
    made, _out = start()

    assert drill("links", made.pk, "--out", tmp_path, "--no-mail")[0] == 0

    links = dict(read_links(tmp_path)[1:])
    pdf = tmp_path / "sheets.pdf"
    first, second = sheet_of(pdf, "佐藤 一郎"), sheet_of(pdf, "伊藤 二郎")
    assert "山田 花子" in first and "支えあい市本町1番1号" in first and "0463-11-0001" in first
    assert "鈴木 次郎" not in first and "0463-11-0002" not in first
    assert "鈴木 次郎" in second and "支えあい市本町2番2号" in second
    assert "山田 花子" not in second
    # The person never consented to sharing: on no one's sheet.
    assert "田中 四郎" not in first + second
    # The link printed under its QR code (it may wrap at the column's edge).
    assert links["S-1"] in squeezed(first)
    assert links["S-2"] in squeezed(second)
    assert links["S-2"] not in squeezed(first)
    for state in (
        "連絡した",
        "無事・在宅",
        "避難開始",
        "避難所に到着",
        "支援が必要",
        "不在・連絡つかず",
    ):
        assert state in squeezed(first)
    assert AuditEntry.objects.filter(action="print", detail__document="drill sheets").exists()


def test_the_qr_code_holds_the_link(town):
    planned()
    made, _out = start()
    url = link_url(made, town["supporters"][0])

    drawing = qr_drawing(url, 100)

    assert drawing.contents[0].value == url


def test_links_of_an_unknown_or_closed_drill_exit_2(town, tmp_path):
    planned()
    made, _out = start()
    assert drill("links", 999_999, "--out", tmp_path)[::2] == (2, "no drill #999999")

    assert drill("close", made.pk)[0] == 0
    code, _out, error = drill("links", made.pk, "--out", tmp_path)

    assert code == 2 and "is over" in error
    assert not (tmp_path / "links.csv").exists()


class Inbox:
    """What the SMTP server received: (envelope recipients, the parsed message)."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port, and Django's mailer pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "use_tls": False,
                        "timeout": 10},
        }
    }  # fmt: skip
    yield inbox
    controller.stop()


def test_links_send_each_supporter_with_an_address_their_own_link(town, tmp_path, smtp_server):
    planned()
    made, _out = start()

    code, out, error = drill("links", made.pk, "--out", tmp_path)

    assert code == 0, error
    assert "Sent 1 e-mail(s); 1 supporters have no e-mail address." in out
    assert len(smtp_server.received) == 1
    recipients, message = smtp_server.received[0]
    assert recipients == ["sato@example.jp"]
    assert message["To"] == "sato@example.jp"
    assert "秋の訓練" in message["Subject"]
    body = message.get_content()
    assert dict(read_links(tmp_path)[1:])["S-1"] in body
    assert "山田 花子" in body and "佐藤 一郎 様" in body
    # Names only, and only their own people.
    assert "鈴木 次郎" not in body and "高橋 三郎" not in body
    assert "支えあい市本町1番1号" not in body and "0463-11-0001" not in body
    assert body.index("安否確認訓練") < body.index("safety-check drill")
    assert AuditEntry.objects.filter(action="export", detail__document="drill e-mail").exists()


def test_links_with_no_mail_send_nothing(town, tmp_path, smtp_server):
    planned()
    made, _out = start()

    assert drill("links", made.pk, "--out", tmp_path, "--no-mail")[0] == 0

    assert smtp_server.received == []


def test_links_exit_2_when_the_mail_server_cannot_be_reached_yet_keep_the_files(
    town, tmp_path, settings
):
    planned()
    made, _out = start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "use_tls": False,
                        "timeout": 5},
        }
    }  # fmt: skip

    code, _out, error = drill("links", made.pk, "--out", tmp_path)

    assert code == 2 and "could not send e-mail" in error
    assert (tmp_path / "links.csv").exists() and (tmp_path / "sheets.pdf").exists()


def test_close_ends_the_drill(town):
    planned()
    made, _out = start()

    code, out, _error = drill("close", made.pk)

    made.refresh_from_db()
    assert code == 0 and made.closed_at is not None
    assert f"Drill #{made.pk} closed" in out
    assert "was already closed" in drill("close", made.pk)[1]


def test_report_writes_the_pdf_or_says_it_is_not_available_yet(town, tmp_path):
    planned()
    made, _out = start()
    try:
        from drills.report import report_json  # noqa: F401
        from printouts.drill_report import render_drill_report  # noqa: F401
    except ImportError:
        code, _out, error = drill("report", made.pk, "--out", tmp_path / "r.pdf")
        assert (code, error) == (2, "the report is not available yet")
        return

    code, out, error = drill("report", made.pk, "--out", tmp_path / "r.pdf", "--json")

    assert code == 0, error
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert f'"drill": {made.pk}' in out
