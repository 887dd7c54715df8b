"""The supporter's phone page, opened by the personal drill link without an account: it shows
that supporter's people in that drill and nothing else, takes one report per pressed button,
and refuses kindly (never with data) once the link cannot be used."""

import datetime as dt
import logging
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from drills.links import link_token
from drills.models import DrillCheck, DrillKind, DrillPerson, DrillReport, DrillSupporter
from drills.services import drill_close, drill_start, latest_states
from pages.drill_log import HideDrillLinks
from planner.scenario import Scenario
from planner.services import plan_run_create
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
KEY = re.compile(r'name="key" value="([0-9a-f]{32})"')


@pytest.fixture
def town() -> dict[str, Any]:
    """Two people with a supporter each (佐藤 checks on 山田, 鈴木 on 田中), planned for a
    flood on a weekday night."""
    area = make_neighbourhood(code="N1", geom=square(-1000, -1000, 1000, 1000))
    make_shelter(location=at(0, 800), hazards=["flood"])
    yamada = make_person(external_id="P-1", name="山田 花子", kana="ヤマダ ハナコ",
                         address="支えあい市本町1番1号", phone="0463-11-2233",
                         location=at(0, 0), neighbourhood=area, medication="秘密の薬A",
                         mobility="needs_hand", medical_devices=["oxygen"])  # fmt: skip
    tanaka = make_person(external_id="P-2", name="田中 次郎", kana="タナカ ジロウ",
                         address="支えあい市本町5番5号", phone="0463-55-6677",
                         location=at(300, 0), neighbourhood=area)  # fmt: skip
    sato = make_supporter(external_id="S-1", name="佐藤 一郎", location=at(20, 0),
                          available=NIGHT)  # fmt: skip
    suzuki = make_supporter(external_id="S-2", name="鈴木 三郎", location=at(320, 0),
                            available=NIGHT)  # fmt: skip
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    return {"area": area, "yamada": yamada, "tanaka": tanaka, "sato": sato, "suzuki": suzuki}


def start(town: dict[str, Any], **options: Any):
    values = {"name": "秋の訓練", "hazard": "flood", "slot": "weekday_night",
              "neighbourhoods": [town["area"]], **options}  # fmt: skip
    return drill_start(**values)


def url_of(drill, supporter) -> str:
    return reverse("drill_supporter", kwargs={"token": link_token(drill, supporter)})


def keys(html: str) -> list[str]:
    return KEY.findall(html)


def press(client: Client, url: str, person, state: str, key: str, note: str = ""):
    return client.post(url, {"person": person.pk, "state": state, "key": key, "note": note})


def test_the_link_shows_exactly_its_supporters_people(town):
    drill = start(town)
    assert DrillCheck.objects.filter(drill=drill, supporter=town["sato"]).count() == 1
    response = Client().get(url_of(drill, town["sato"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "山田 花子" in html and "支えあい市本町1番1号" in html and "0463-11-2233" in html
    assert "田中 次郎" not in html and "0463-55-6677" not in html
    # What the drill sheet shows, and no health detail.
    assert "秘密の薬A" not in html and "酸素" not in html and "介助" not in html
    for label in (
        "連絡した",
        "無事・在宅",
        "避難開始",
        "避難所に到着",
        "支援が必要",
        "不在・連絡つかず",
    ):
        assert label in html, label
    assert "未確認" in html  # no report yet
    # Six buttons, each with its own key.
    assert len(set(keys(html))) == 6
    opened = DrillSupporter.objects.get(drill=drill, supporter=town["sato"])
    assert opened.opened_at is not None
    other = DrillSupporter.objects.get(drill=drill, supporter=town["suzuki"])
    assert other.opened_at is None


def test_the_page_is_neither_cached_nor_handed_on_and_its_look_is_audited(town):
    drill = start(town)
    response = Client().get(url_of(drill, town["sato"]))
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] in ("no-referrer", "same-origin")
    entry = AuditEntry.objects.filter(detail__page="drill_supporter").get()
    assert entry.object_ids == [town["yamada"].pk]
    assert entry.detail["supporter"] == town["sato"].pk and entry.detail["drill"] == drill.pk
    assert entry.user is None


def test_a_report_is_recorded_and_the_page_shows_it_after_the_redirect(town):
    drill = start(town)
    client = Client()
    url = url_of(drill, town["sato"])
    key = keys(client.get(url).content.decode())[0]
    response = press(client, url, town["yamada"], "contacted", key)
    assert response.status_code == 302
    assert response["Location"] == f"{url}#person-{town['yamada'].pk}"
    assert "no-store" in response["Cache-Control"]
    page = client.get(url).content.decode()
    assert "記録しました" in page
    assert 'class="tag drill-tag state-contacted"' in page
    report = DrillReport.objects.get(drill=drill)
    assert (report.person, report.state, report.supporter) == (
        town["yamada"], "contacted", town["sato"]
    )  # fmt: skip
    # The confirmation is said once.
    assert "記録しました" not in client.get(url).content.decode()


def test_the_same_key_twice_writes_one_report_and_two_renders_write_two(town):
    drill = start(town)
    client = Client()
    url = url_of(drill, town["sato"])
    first = keys(client.get(url).content.decode())[0]
    press(client, url, town["yamada"], "contacted", first)
    press(client, url, town["yamada"], "contacted", first)  # a double tap, or a resend
    assert DrillReport.objects.filter(drill=drill).count() == 1
    second = keys(client.get(url).content.decode())[0]
    assert second != first
    press(client, url, town["yamada"], "contacted", second)
    assert DrillReport.objects.filter(drill=drill).count() == 2


def test_help_is_sent_with_its_note_and_other_buttons_send_none(town):
    drill = start(town)
    client = Client()
    url = url_of(drill, town["sato"])
    press(client, url, town["yamada"], "needs_help", "a" * 32, note="車いすを運べる人が必要")
    press(client, url, town["yamada"], "arrived", "b" * 32, note="ignored")
    notes = dict(DrillReport.objects.filter(drill=drill).values_list("state", "note"))
    assert notes == {"needs_help": "車いすを運べる人が必要", "arrived": ""}
    assert latest_states(drill)[town["yamada"].pk] == "arrived"


def test_it_cannot_report_on_another_supporters_people(town):
    drill = start(town)
    client = Client()
    url = url_of(drill, town["sato"])
    response = press(client, url, town["tanaka"], "contacted", "c" * 32)
    assert response.status_code in (403, 404)
    assert "田中 次郎" not in response.content.decode()
    assert not DrillReport.objects.exists()


def test_it_cannot_read_or_report_on_another_drills_people(town):
    drill_a = start(town)
    # A newcomer whom 佐藤 checks on only in a later drill.
    newcomer = make_person(external_id="P-9", name="高橋 新", location=at(40, 0),
                           neighbourhood=town["area"])  # fmt: skip
    town["sato"].capacity = 2
    town["sato"].save()
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    drill_b = start(town, name="冬の訓練")
    assert DrillCheck.objects.filter(drill=drill_b, supporter=town["sato"], person=newcomer)
    client = Client()
    url_a = url_of(drill_a, town["sato"])
    assert "高橋 新" not in client.get(url_a).content.decode()
    response = press(client, url_a, newcomer, "contacted", "d" * 32)
    assert response.status_code in (403, 404)
    assert not DrillReport.objects.exists()
    # The person is reported on through drill B's own link, and only in drill B.
    press(client, url_of(drill_b, town["sato"]), newcomer, "contacted", "e" * 32)
    assert list(DrillReport.objects.values_list("drill_id", flat=True)) == [drill_b.pk]


def test_a_closed_drills_link_is_refused_kindly_and_takes_no_report(town):
    drill = start(town)
    client = Client()
    url = url_of(drill, town["sato"])
    key = keys(client.get(url).content.decode())[0]
    drill_close(drill)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 410
    assert "このリンクは使えません" in html or "訓練は終了しました" in html
    assert settings.CITY_OFFICE in html
    assert "山田 花子" not in html and "0463-11-2233" not in html
    assert "no-store" in response["Cache-Control"]
    refused = press(client, url, town["yamada"], "contacted", key)
    assert refused.status_code == 410 and "山田 花子" not in refused.content.decode()
    assert not DrillReport.objects.exists()


def test_a_link_after_the_drills_end_is_refused(town):
    drill = start(town, starts_at=timezone.now() - dt.timedelta(hours=4),
                  ends_at=timezone.now() - dt.timedelta(minutes=1))  # fmt: skip
    response = Client().get(url_of(drill, town["sato"]))
    assert response.status_code == 410
    assert "山田 花子" not in response.content.decode()


def test_a_forged_or_foreign_link_gets_the_kind_page_not_an_error_page(town, caplog):
    drill = start(town)
    token = link_token(drill, town["sato"])
    stranger = make_supporter(external_id="S-X", location=at(900, 900), available=NIGHT)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "not-a-link",
                link_token(drill, stranger)):  # fmt: skip
        response = Client().get(reverse("drill_supporter", kwargs={"token": bad}))
        html = response.content.decode()
        assert response.status_code == 404, bad
        assert "このリンクは使えません" in html
        assert settings.CITY_OFFICE in html
        assert "山田 花子" not in html and "Traceback" not in html
        # The log names the refusal, never the token.
        assert bad not in caplog.text
    assert "Drill link refused" in caplog.text


def test_the_token_never_reaches_the_log_when_a_report_is_refused(town, caplog):
    drill = start(town)
    token = link_token(drill, town["sato"])
    url = url_of(drill, town["sato"])
    press(Client(), url, town["tanaka"], "contacted", "f" * 32)
    Client().put(url)
    assert token not in caplog.text and "田中" not in caplog.text


def test_csrf_is_enforced_for_an_anonymous_visitor(town):
    drill = start(town)
    url = url_of(drill, town["sato"])
    client = Client(enforce_csrf_checks=True)
    refused = press(client, url, town["yamada"], "contacted", "0" * 32)
    assert refused.status_code == 403
    assert not DrillReport.objects.exists()
    html = client.get(url).content.decode()
    assert settings.CSRF_COOKIE_NAME in client.cookies
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    response = client.post(url, {"person": town["yamada"].pk, "state": "contacted",
                                 "key": keys(html)[0],
                                 "csrfmiddlewaretoken": token.group(1)})  # fmt: skip
    assert response.status_code == 302
    assert DrillReport.objects.count() == 1


def test_it_switches_to_english_and_the_link_keeps_working(town):
    drill = start(town)
    client = Client()
    url = url_of(drill, town["sato"])
    html = client.get(url).content.decode()
    assert "連絡した" in html and reverse("set_language") in html
    switched = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302 and switched["Location"] == url
    english = client.get(url).content.decode()
    assert 'lang="en"' in english
    for label in ("Contacted", "Safe at home", "Arrived at the shelter", "Needs help"):
        assert label in english, label
    assert "山田 花子" in english
    press(client, url, town["yamada"], "arrived", keys(english)[3])
    assert "Recorded." in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "ja", "next": url})
    assert "連絡した" in client.get(url).content.decode()


def test_it_opens_in_japanese_on_a_phone_set_to_english_until_switched(town):
    drill = start(town)
    client = Client(headers={"accept-language": "en"})
    html = client.get(url_of(drill, town["sato"])).content.decode()
    assert 'lang="ja"' in html and "連絡した" in html


def test_the_log_filter_hides_drill_links_in_any_log_line(town):
    drill = start(town)
    token = link_token(drill, town["sato"])
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s %s %s" %s %s',
        ("POST", f"/drill/{token}/", "HTTP/1.1", 302, 0), None,
    )  # fmt: skip
    assert HideDrillLinks().filter(record)
    assert token not in record.getMessage()
    assert record.getMessage() == '"POST /drill/…/ HTTP/1.1" 302 0'
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, "GET /people/%s/", (3,), None)
    assert HideDrillLinks().filter(plain) and plain.getMessage() == "GET /people/3/"


def test_someone_listed_under_an_emergency_shows_only_while_it_is_open(town):
    area = town["area"]
    sealed = make_person(external_id="P-7", name="木村 未同意", location=at(-600, -600),
                         neighbourhood=area, consent="no_reply")  # fmt: skip
    kimura_helper = make_supporter(external_id="S-7", location=at(-610, -600), available=NIGHT)
    officers = []
    for name in ("officer", "officer2"):
        user_create_with_role(username=name, role="officer", neighbourhoods=[],
                              password="a-long-password-for-tests")  # fmt: skip
        officers.append(get_user_model().objects.get(username=name))
    emergency = EmergencyDisclosure.objects.create(
        hazard="flood", reason="大雨特別警報", declared_by=officers[0], confirmed_by=officers[1],
        confirmed_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=6),
    )  # fmt: skip
    emergency.neighbourhoods.set([area])
    event = start(town, kind=DrillKind.EVENT, name="大雨")
    assert DrillPerson.objects.get(drill=event, person=sealed).under_emergency
    # Plans give no supporter to someone who did not consent; a checker assigned in the event
    # itself (by hand, here) sees them only while the disclosure lasts.
    DrillCheck.objects.create(drill=event, person=sealed, supporter=kimura_helper, state="asked")
    DrillSupporter.objects.create(drill=event, supporter=kimura_helper)
    url = url_of(event, kimura_helper)
    client = Client()
    assert "木村 未同意" in client.get(url).content.decode()
    entry = AuditEntry.objects.filter(detail__page="drill_supporter").latest("pk")
    assert entry.object_ids == [sealed.pk] and entry.emergency == emergency
    emergency.ended_at = timezone.now()
    emergency.save()
    assert "木村 未同意" not in client.get(url).content.decode()
    response = press(client, url, sealed, "contacted", "9" * 32)
    assert response.status_code == 404
    assert not DrillReport.objects.exists()


def test_someone_who_withdraws_consent_leaves_the_page(town):
    drill = start(town)
    url = url_of(drill, town["sato"])
    client = Client()
    assert "山田 花子" in client.get(url).content.decode()
    yamada = town["yamada"]
    yamada.consent = "refused"
    yamada.save()
    assert "山田 花子" not in client.get(url).content.decode()
    assert press(client, url, yamada, "contacted", "8" * 32).status_code == 404
    assert not DrillReport.objects.exists()
