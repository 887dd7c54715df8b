"""The audit log and the emergency disclosures as people read them in the admin: roles and
record types in words, the language switch, times in the city's time zone."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from registry.audit import audit_record
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditAction, EmergencyDisclosure, Person
from tests.clients import PASSWORD, as_user
from tests.factories import make_neighbourhood

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def users():
    for role in ("officer", "auditor"):
        user_create_with_role(username=role, role=role, neighbourhoods=[], password=PASSWORD)
    officer = get_user_model().objects.get(username="officer")
    audit_record(action=AuditAction.VIEW, model=Person, object_ids=[1], user=officer)
    audit_record(action=AuditAction.CREATE, model=Person, object_ids=[1], user=officer)


def test_the_audit_log_names_roles_record_types_and_actions_in_words(users):
    page = reverse("admin:registry_auditentry_changelist")

    japanese = as_user("auditor").get(page).content.decode()
    english = as_user("auditor").get(page, headers=EN).content.decode()

    assert 'field-role_in_words">市職員<' in japanese
    assert 'field-record_type">避難行動要支援者<' in japanese
    assert ">registry.person<" not in japanese  # the filter too names it in words
    assert 'field-action">作成<' in japanese
    assert 'field-role_in_words">city officer<' in english


def test_the_admin_offers_the_language_switch(users):
    page = reverse("admin:registry_auditentry_changelist")

    japanese = as_user("auditor").get(page).content.decode()
    english = as_user("auditor").get(page, headers=EN).content.decode()

    assert 'name="language" value="en"' in japanese
    assert 'name="language" value="ja"' in english


def test_an_emergency_is_named_by_its_time_in_the_city(users):
    officer = get_user_model().objects.get(username="officer")
    make_neighbourhood(code="N1")
    disclosure = EmergencyDisclosure.objects.create(
        hazard="flood", reason="大雨特別警報", declared_by=officer,
        declared_at=dt.datetime(2026, 11, 27, 15, 33, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 1, 15, 33, tzinfo=dt.UTC),
    )  # fmt: skip

    assert str(disclosure).endswith("2026-11-28 00:33")
