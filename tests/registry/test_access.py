"""Access, consent and audit: the access matrix over every URL of the project, field-level
restraint, emergency disclosure under dual control, the append-only audit log, and logins."""

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from planner.scenario import Scenario
from planner.services import plan_run_create
from registry.access import persons_visible_to
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditEntry, EmergencyDisclosure, Person
from tests.factories import (
    at,
    make_hazard_area,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
    square,
)

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password-for-tests"
ROLES = ["officer", "association", "commissioner", "auditor", "stranger", "anonymous"]


@pytest.fixture
def world():
    near = make_neighbourhood(code="N1", name="本町", geom=square(-500, -500, 500, 500))
    far = make_neighbourhood(code="N2", name="遠町", geom=square(1000, -500, 2000, 500))
    people = {
        "in_consent": make_person(external_id="P-IN", name="内田 同意", kana="ウチダ ドウイ",
                                  neighbourhood=near, medication="秘密の薬A", location=at(0, 0)),
        "in_refused": make_person(external_id="P-REF", name="内海 拒否", kana="ウツミ キョヒ",
                                  neighbourhood=near, consent="refused", location=at(50, 0)),
        "out_consent": make_person(external_id="P-OUT", name="外山 遠方", kana="トヤマ エンポウ",
                                   neighbourhood=far, location=at(1500, 0)),
    }  # fmt: skip
    make_supporter(external_id="S-IN", name="支援 近所", neighbourhood=near, location=at(10, 0),
                   available=["weekday_night"])  # fmt: skip
    make_supporter(external_id="S-OUT", name="支援 遠方", neighbourhood=far, location=at(1510, 0),
                   available=["weekday_night"])  # fmt: skip
    make_shelter(external_id="SH", location=at(0, 300), hazards=["flood"])
    make_hazard_area(kind="flood", geom=square(-100, -100, 100, 100))
    plan_run_create(scenario=Scenario("flood", "weekday_night"), performed_by="test")
    users: dict[str, Any] = {}
    for role, areas in (
        ("officer", []),
        ("association", ["N1"]),
        ("commissioner", ["N1"]),
        ("auditor", []),
    ):
        user_create_with_role(username=role, role=role, neighbourhoods=areas, password=PASSWORD)
        users[role] = get_user_model().objects.get(username=role)
    user_create_with_role(username="officer2", role="officer", neighbourhoods=[], password=PASSWORD)
    users["officer2"] = get_user_model().objects.get(username="officer2")
    users["stranger"] = get_user_model().objects.create_user(
        "stranger", password=PASSWORD, is_staff=True
    )
    users["anonymous"] = None
    return {"people": people, "users": users, "near": near, "far": far}


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- the matrix: every URL pattern of the project, filled with objects -----------------------


def _walk(patterns: list[Any], namespace: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            found += _walk(entry.url_patterns, inner)
        elif entry.name:
            found.append((f"{namespace}:{entry.name}" if namespace else entry.name, entry))
    return found


def _parameters(pattern: URLPattern) -> list[str]:
    return list(re.compile(pattern.pattern.regex.pattern).groupindex)


def all_urls(world: dict[str, Any]) -> list[tuple[str, Any]]:
    """(url, the object it shows or None) for every named URL of the project."""
    urls: list[tuple[str, Any]] = []
    for name, pattern in _walk(get_resolver().url_patterns):
        names = _parameters(pattern)
        model_admin = getattr(pattern.callback, "model_admin", None)
        if not names:
            urls.append((reverse(name), None))
        elif names == ["object_id"] and model_admin is not None:
            for obj in model_admin.model._default_manager.all()[:20]:
                urls.append((reverse(name, kwargs={"object_id": obj.pk}), obj))
        elif names == ["app_label"]:
            urls += [
                (reverse(name, kwargs={"app_label": app}), None)
                for app in ("registry", "planner", "auth")
            ]
        elif names == ["id"]:
            urls.append((reverse(name, kwargs={"id": world["users"]["officer"].pk}), None))
        elif names == ["pk"]:
            urls += [(reverse(name, kwargs={"pk": p.pk}), p) for p in world["people"].values()]
        elif names == ["code", "pk"]:
            from registry.models import Supporter

            urls += [
                (reverse(name, kwargs={"code": s.neighbourhood.code, "pk": s.pk}), s)
                for s in Supporter.objects.select_related("neighbourhood")
                if s.neighbourhood is not None
            ]
        elif names == ["code"]:
            urls += [
                (reverse(name, kwargs={"code": area.code}), area)
                for area in (world["near"], world["far"])
            ]
        elif names == ["content_type_id", "object_id"]:
            from django.contrib.contenttypes.models import ContentType

            kind = ContentType.objects.get_for_model(Person).pk
            urls += [
                (reverse(name, kwargs={"content_type_id": kind, "object_id": person.pk}), person)
                for person in world["people"].values()
            ]
        elif names[0] == "pk" and len(names) == 2 and name.startswith("drill"):
            # A drill's report pages by area, supporter or person (their scope is walked in
            # tests/disclosure; here, numbers of people, which name no drill, must show nothing).
            second = {"code": world["near"].code}
            urls += [
                (reverse(name, kwargs={"pk": p.pk, names[1]: second.get(names[1], p.pk)}), None)
                for p in world["people"].values()
            ]
        elif names == ["token"] and name == "drill_supporter":
            # A forged drill link: the page a link holder sees is tested in tests/drills.
            urls.append((reverse(name, kwargs={"token": "WzEsMV0:forged:link"}), None))
        else:
            raise AssertionError(f"the access matrix does not know how to fill {name} {names}")
    assert len(urls) > 60
    return urls


def visible(role: str, world: dict[str, Any]) -> set[int]:
    return (
        set(persons_visible_to(world["users"][role]).values_list("pk", flat=True))
        if world["users"][role]
        else set()
    )


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_each_role_exactly_what_it_may_see_on_every_url(world, role):
    client = client_for(world["users"][role])
    allowed = visible(role, world)
    hidden = [p for p in world["people"].values() if p.pk not in allowed]

    for url, obj in all_urls(world):
        response = client.get(url)
        body = response.content.decode(errors="replace")
        assert response.status_code != 500, url
        for person in hidden:
            assert person.name not in body, (role, url, person.external_id)
            assert person.kana not in body, (role, url, person.external_id)
        shows_person = url.endswith("/change/") or url.startswith("/people/")
        post_only = url.endswith(
            ("/decide/", "/review/", "/agreement/", "/family-agreement/", "/issue/")
        )
        if isinstance(obj, Person) and shows_person and not post_only:
            assert (response.status_code == 200) == (obj.pk in allowed), (role, url)
        if role == "anonymous" and "/admin/" in url and "login" not in url and "logout" not in url:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url
        if role in ("auditor", "stranger", "anonymous") and "/registry/person" in url:
            assert response.status_code != 200, (role, url)


def test_it_sees_as_the_rules_say(world):
    people = world["people"]
    assert visible("officer", world) == {p.pk for p in people.values()}
    assert visible("association", world) == {people["in_consent"].pk}
    assert visible("commissioner", world) == {people["in_consent"].pk}
    assert visible("auditor", world) == set() and visible("stranger", world) == set()


def test_it_shows_health_details_only_to_those_who_need_them(world):
    url = reverse("admin:registry_person_change", args=[world["people"]["in_consent"].pk])

    officer = client_for(world["users"]["officer"]).get(url).content.decode()
    association = client_for(world["users"]["association"]).get(url).content.decode()
    commissioner = client_for(world["users"]["commissioner"]).get(url).content.decode()

    assert "秘密の薬A" in officer and "秘密の薬A" in association
    assert "秘密の薬A" not in commissioner
    assert "内田 同意" in commissioner  # name and the needs for moving stay visible
    listing = client_for(world["users"]["commissioner"]).get(
        reverse("admin:registry_person_changelist")
    )
    assert "field-priority" not in listing.content.decode()


def test_it_lets_associations_keep_supporters_of_their_own_areas_only(world):
    client = client_for(world["users"]["association"])
    listing = client.get(reverse("admin:registry_supporter_changelist")).content.decode()

    assert "支援 近所" in listing and "支援 遠方" not in listing
    add = client.get(reverse("admin:registry_supporter_add")).content.decode()
    assert "本町" in add and "遠町" not in add
    assert (
        client_for(world["users"]["commissioner"])
        .get(reverse("admin:registry_supporter_add"))
        .status_code
        == 403
    )


# --- emergency disclosure -------------------------------------------------------------------


def declare(world, by="officer", hours=24) -> EmergencyDisclosure:
    client = client_for(world["users"][by])
    response = client.post(
        reverse("admin:registry_emergencydisclosure_add"),
        {"hazard": "flood", "reason": "大雨特別警報", "neighbourhoods": [world["near"].pk],
         "ends_at_0": (timezone.localtime() + dt.timedelta(hours=hours)).strftime("%Y-%m-%d"),
         "ends_at_1": (timezone.localtime() + dt.timedelta(hours=hours)).strftime("%H:%M:%S")},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    return EmergencyDisclosure.objects.latest("declared_at")


def confirm(world, disclosure, by):
    return client_for(world["users"][by]).post(
        reverse("admin:registry_emergencydisclosure_changelist"),
        {"action": "confirm", "_selected_action": [disclosure.pk]},
    )


def test_it_opens_the_sealed_list_only_after_a_second_officer_confirms(world):
    refused = world["people"]["in_refused"]
    disclosure = declare(world)

    assert refused.pk not in visible("association", world)
    confirm(world, disclosure, by="officer")  # the same officer cannot
    disclosure.refresh_from_db()
    assert disclosure.confirmed_at is None
    assert refused.pk not in visible("association", world)

    confirm(world, disclosure, by="officer2")
    disclosure.refresh_from_db()
    assert disclosure.confirmed_by == world["users"]["officer2"]

    assert refused.pk in visible("association", world)
    assert refused.pk in visible("commissioner", world)
    assert world["people"]["out_consent"].pk not in visible(
        "association", world
    )  # other areas stay shut
    url = reverse("admin:registry_person_change", args=[refused.pk])
    assert client_for(world["users"]["association"]).get(url).status_code == 200
    entry = AuditEntry.objects.filter(action="view", object_ids__contains=[refused.pk]).latest("at")
    assert entry.emergency == disclosure and entry.role == "association"


def test_it_closes_the_list_at_expiry_and_when_ended(world):
    refused = world["people"]["in_refused"]
    disclosure = declare(world)
    confirm(world, disclosure, by="officer2")
    assert refused.pk in visible("association", world)

    EmergencyDisclosure.objects.filter(pk=disclosure.pk).update(
        declared_at=timezone.now() - dt.timedelta(hours=2),
        ends_at=timezone.now() - dt.timedelta(minutes=1),
    )
    assert refused.pk not in visible("association", world)

    EmergencyDisclosure.objects.filter(pk=disclosure.pk).update(
        ends_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert refused.pk in visible("association", world)
    client_for(world["users"]["officer"]).post(
        reverse("admin:registry_emergencydisclosure_changelist"),
        {"action": "end_now", "_selected_action": [disclosure.pk]},
    )
    assert refused.pk not in visible("association", world)


def test_it_refuses_self_confirmation_in_the_database(world):
    disclosure = declare(world)
    disclosure.confirmed_by, disclosure.confirmed_at = world["users"]["officer"], timezone.now()
    with pytest.raises(Exception, match="emergencydisclosure_two_officers"), transaction.atomic():
        disclosure.save()


# --- the audit log --------------------------------------------------------------------------


def test_it_records_looks_and_changes(world):
    person = world["people"]["in_consent"]
    client = client_for(world["users"]["officer"])

    client.get(reverse("admin:registry_person_changelist"))
    client.get(reverse("admin:registry_person_change", args=[person.pk]))

    listed = AuditEntry.objects.get(action="list", model="registry.person")
    viewed = AuditEntry.objects.get(action="view", model="registry.person")
    assert person.pk in listed.object_ids and viewed.object_ids == [person.pk]
    assert (viewed.actor, viewed.role, viewed.emergency) == ("officer", "officer", None)
    assert AuditEntry.objects.filter(action="plan").exists()


def test_it_refuses_to_change_or_delete_the_audit_log_even_in_raw_sql(world):
    client_for(world["users"]["officer"]).get(reverse("admin:registry_person_changelist"))
    assert AuditEntry.objects.exists()

    for statement in (
        "UPDATE registry_auditentry SET actor = 'someone else'",
        "DELETE FROM registry_auditentry",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(statement)
    assert not AuditEntry.objects.filter(actor="someone else").exists()


def test_it_lets_auditors_read_and_export_the_log_but_nothing_else(world):
    client = client_for(world["users"]["auditor"])
    client_for(world["users"]["officer"]).get(reverse("admin:registry_person_changelist"))

    assert client.get(reverse("admin:registry_auditentry_changelist")).status_code == 200
    export = client.get(reverse("admin:registry_auditentry_export"))
    assert export.status_code == 200 and "registry.person" in export.content.decode()
    # Anything else sends the auditor back to the log, never to personal data.
    refused = client.get(reverse("admin:registry_person_changelist"))
    assert refused.status_code in (302, 403)
    if refused.status_code == 302:
        assert refused["Location"] == reverse("admin:registry_auditentry_changelist")
    assert (
        client_for(world["users"]["association"])
        .get(reverse("admin:registry_auditentry_export"))
        .status_code
        == 403
    )


# --- logins -------------------------------------------------------------------------------


def test_it_locks_an_account_after_repeated_failures(world):
    client = Client()
    login = reverse("admin:login")
    for _ in range(5):
        client.post(login, {"username": "officer", "password": "wrong", "next": "/admin/"})

    locked = client.post(login, {"username": "officer", "password": PASSWORD, "next": "/admin/"})

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_sends_secure_headers(world):
    response = client_for(world["users"]["officer"]).get(
        reverse("admin:registry_person_changelist")
    )

    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_it_creates_users_with_a_role_and_areas(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("create_user", "chair", role="association", neighbourhood=["N2"], stdout=out)

    chair = get_user_model().objects.get(username="chair")
    assert list(chair.groups.values_list("name", flat=True)) == ["association"]
    assert visible_for(chair) == {world["people"]["out_consent"].pk}
    assert "password '" in out.getvalue()
    with pytest.raises(CommandError, match="needs at least one --neighbourhood"):
        call_command("create_user", "chair2", role="commissioner", stdout=out)
    assert Group.objects.filter(name="association").exists()


def visible_for(user):
    return set(persons_visible_to(user).values_list("pk", flat=True))


def test_it_exports_and_prints_for_a_user_only_what_that_user_may_see(world, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from pypdf import PdfReader

    out = tmp_path / "persons.csv"
    call_command("export", "persons", out=str(out), user="commissioner", stderr=StringIO())
    exported = out.read_text(encoding="utf-8-sig")
    assert "内田 同意" in exported
    assert "内海 拒否" not in exported and "外山 遠方" not in exported
    assert "秘密の薬A" not in exported and "care_level_3" not in exported  # no health details

    call_command("print_plans", out=str(tmp_path), neighbourhood="N1", user="association",
                 copy_for="officer", draft=True, stdout=StringIO())  # fmt: skip
    text = "".join(
        page.extract_text()
        for page in PdfReader(tmp_path / "bundle-N1-association-ja-draft.pdf").pages
    ).replace("\n", "")
    assert "内田 同意" in text and "内海 拒否" not in text
    entry = AuditEntry.objects.filter(action="print").latest("at")
    assert entry.actor == "association" and entry.object_ids == [world["people"]["in_consent"].pk]


def test_it_refuses_to_truncate_the_audit_log_outside_test_databases(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosrc FROM pg_proc WHERE proname = 'registry_auditentry_append_only'"
        )
        source = cursor.fetchone()[0]
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'registry_auditentry'::regclass"
        )
        triggers = {row[0] for row in cursor.fetchall()}

    assert {
        "registry_auditentry_no_update_or_delete",
        "registry_auditentry_no_truncate",
    } <= triggers
    assert "current_database() LIKE 'test\\_%'" in source and "RAISE EXCEPTION" in source
