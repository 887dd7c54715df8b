"""The health answer for load balancers: counts from the real queue tables, 503 when they do
not answer, and nothing a visitor could be recognised by or that leaves a trace."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, override_settings

from registry.models import AuditEntry
from tests.clients import PASSWORD

pytestmark = pytest.mark.django_db

HEALTH = "/health/"


def add_worker(seconds_since_heartbeat: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat)"
            " VALUES (now() - make_interval(secs => %s))",
            [seconds_since_heartbeat],
        )


def add_job(status: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, status)"
            " VALUES ('default', 'health_test', %s)",
            [status],
        )


def test_it_counts_live_workers_and_waiting_jobs():
    add_worker(seconds_since_heartbeat=2)
    add_worker(seconds_since_heartbeat=30)
    add_worker(seconds_since_heartbeat=600)  # died ten minutes ago: not counted
    for status in ("todo", "todo", "todo", "doing", "succeeded", "failed"):
        add_job(status)

    response = Client().get(HEALTH)

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "queue": "ok", "workers": 2, "waiting": 3}
    assert response["Content-Type"] == "application/json"


def test_it_answers_503_naming_the_queue_when_its_tables_do_not_answer():
    # A real failure: the workers' table is gone for the rest of this test's transaction.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE procrastinate_workers RENAME TO procrastinate_workers_away")

    response = Client().get(HEALTH)

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "queue": "down", "workers": 0, "waiting": 0}
    # The failed probe left the connection usable for the next request.
    assert Client().get(HEALTH).status_code == 503
    assert AuditEntry.objects.count() == 0


def test_it_sets_no_cookie_and_forbids_caching():
    response = Client().get(HEALTH)

    assert response.status_code == 200
    assert "Set-Cookie" not in response
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_it_writes_no_session_and_no_audit_entry_even_for_a_signed_in_visitor():
    officer = get_user_model().objects.create_user("officer", password=PASSWORD)
    signed_in = Client()
    signed_in.force_login(officer)
    (session,) = Session.objects.all()
    entries = AuditEntry.objects.count()

    for client in (Client(), signed_in):
        response = client.get(HEALTH)
        assert response.status_code == 200
        assert not response.cookies
        assert client.head(HEALTH).status_code == 200

    assert list(Session.objects.values_list("session_key", "session_data", "expire_date")) == [
        (session.session_key, session.session_data, session.expire_date)
    ]
    assert AuditEntry.objects.count() == entries


def test_it_refuses_anything_but_reading():
    assert Client().post(HEALTH).status_code == 405


def test_it_answers_an_address_locked_out_of_logins():
    AccessAttempt.objects.create(
        ip_address="127.0.0.1", username="someone", user_agent="probe",
        failures_since_start=99, get_data="", post_data="", http_accept="", path_info="/",
    )  # fmt: skip

    assert Client(REMOTE_ADDR="127.0.0.1").get(HEALTH).status_code == 200


@override_settings(SECURE_SSL_REDIRECT=True)
def test_it_answers_the_load_balancer_over_plain_http_where_pages_redirect():
    client = Client()

    assert client.get(HEALTH).status_code == 200
    assert client.get("/accounts/login/").status_code == 301
