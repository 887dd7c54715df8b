"""What every page shares: where the auditor lands, the error pages, the emergency banner."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry.management.commands.create_user import user_create_with_role
from registry.models import EmergencyDisclosure
from tests.clients import PASSWORD, as_user
from tests.factories import at, make_neighbourhood, make_person, square

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
AUDIT_LOG = "admin:registry_auditentry_changelist"


@pytest.fixture
def town():
    near = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    far = make_neighbourhood(code="N2", name="遠町", geom=square(1000, -500, 2000, 500))
    make_person(external_id="P1", name="近藤 花子", neighbourhood=near, location=at(0, 0))
    for name, role, areas in (
        ("officer", "officer", []), ("officer2", "officer", []),
        ("association", "association", ["N1"]),
        ("faraway", "association", ["N2"]), ("commissioner", "commissioner", ["N1"]),
        ("auditor", "auditor", []),
    ):  # fmt: skip
        user_create_with_role(username=name, role=role, neighbourhoods=areas, password=PASSWORD)
    return {"near": near, "far": far}


def test_the_auditor_lands_on_the_audit_log_from_pages_and_after_login(town):
    auditor = as_user("auditor")

    dashboard = auditor.get(reverse("dashboard"))
    runs = auditor.get(reverse("runs"))
    log = auditor.get(reverse(AUDIT_LOG))
    login = Client().post(reverse("login"), {"username": "auditor", "password": PASSWORD})
    login_with_next = Client().post(
        reverse("login") + "?next=/areas/N1/", {"username": "auditor", "password": PASSWORD}
    )

    assert dashboard.status_code == 302 and dashboard["Location"] == reverse(AUDIT_LOG)
    assert runs.status_code == 302 and runs["Location"] == reverse(AUDIT_LOG)
    assert log.status_code == 200
    assert login.status_code == 302 and login["Location"] == reverse(AUDIT_LOG)
    assert login_with_next["Location"] == reverse(AUDIT_LOG)
    # Other roles still get the 403 page.
    assert as_user("association").get(reverse("runs")).status_code == 403


def test_a_refused_page_is_the_sites_own_in_both_languages(town):
    japanese = as_user("association").get(reverse("runs"))
    english = as_user("association").get(reverse("runs"), headers=EN)

    assert japanese.status_code == 403 and english.status_code == 403
    assert 'id="error-403"' in japanese.content.decode()
    assert "このページは利用できません" in japanese.content.decode()
    assert "This page is not open to you" in english.content.decode()
    assert f'href="{reverse("dashboard")}"' in english.content.decode()
    assert 'class="bar"' in english.content.decode()  # the site's header: base.html


def test_a_missing_page_is_the_sites_own_in_both_languages(town):
    japanese = as_user("association").get(reverse("neighbourhood", args=["N2"]))
    english = as_user("association").get("/no/such/page/", headers=EN)

    assert japanese.status_code == 404 and english.status_code == 404
    assert "見つかりません" in japanese.content.decode()
    assert "Nothing here" in english.content.decode()
    assert f'href="{reverse("dashboard")}"' in japanese.content.decode()


def test_the_server_error_page_renders_without_any_context():
    from django.template.loader import get_template

    html = get_template("500.html").render()

    assert "エラー" in html and "Something went wrong" in html and 'href="/"' in html


def _declare(area, hours=6):
    User = get_user_model()
    now = timezone.now()
    disclosure = EmergencyDisclosure.objects.create(
        hazard="flood", reason="大雨特別警報", declared_by=User.objects.get(username="officer"),
        confirmed_by=User.objects.get(username="officer2"), confirmed_at=now,
        ends_at=dt.datetime(2099, 4, 1, 15, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    disclosure.neighbourhoods.set([area])
    return disclosure


def test_an_open_emergency_shows_a_banner_with_its_hazard_and_end_in_city_time(town):
    _declare(town["near"])

    association = as_user("association").get(reverse("dashboard")).content.decode()
    english = as_user("commissioner").get(reverse("dashboard"), headers=EN).content.decode()
    officer = as_user("officer").get(reverse("runs")).content.decode()
    faraway = as_user("faraway").get(reverse("dashboard")).content.decode()

    # 15:00 UTC is midnight in Tokyo.
    assert 'class="emergency"' in association and "洪水" in association
    assert "2099-04-02 00:00" in association
    assert "Emergency disclosure open (Flood) until 2099-04-02 00:00" in english
    assert 'class="emergency"' in officer  # officers see every active one
    assert 'class="emergency"' not in faraway  # not one of their areas


def test_the_admin_shows_the_emergency_banner_too(town):
    _declare(town["near"])

    admin = as_user("association").get(reverse("admin:registry_person_changelist"))

    assert admin.status_code == 200
    assert 'class="emergency"' in admin.content.decode()
    assert "2099-04-02 00:00" in admin.content.decode()


def test_an_ended_emergency_shows_no_banner(town):
    disclosure = _declare(town["near"])
    EmergencyDisclosure.objects.filter(pk=disclosure.pk).update(ended_at=timezone.now())

    html = as_user("association").get(reverse("dashboard")).content.decode()

    assert 'class="emergency"' not in html
