"""scripts/backup.sh: a backup restored into a fresh database holds the same rows in every
table and the same audit chain; a database that holds data is not overwritten unless told."""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from registry.audit import audit_record
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditAction, AuditEntry, Person
from tests.clients import PASSWORD
from tests.factories import (
    make_hazard_area,
    make_neighbourhood,
    make_person,
    make_shelter,
    make_supporter,
)

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = Path(settings.BASE_DIR) / "scripts" / "backup.sh"
AUDIT_ROWS = "SELECT id, prev_hash, hash FROM registry_auditentry ORDER BY id"


def _url(name: str) -> str:
    """A DATABASE_URL for a database of the test server, a socket directory as its host."""
    db: dict[str, Any] = connection.settings_dict
    auth = quote(db["USER"], safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgis://{auth}@{host}{port}/{quote(name, safe='')}"


def _run(*args: str, database: str, local: bool = False) -> subprocess.CompletedProcess[str]:
    """The script against `database`: through the local cluster's settings when the tests use
    it (and `local` is asked for), else through DATABASE_URL."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if local and "DATABASE_URL" not in os.environ:
        env["SASAEAI_LOCAL_DB_NAME"] = database
    else:
        env["DATABASE_URL"] = _url(database)
    return subprocess.run(
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _connect(name: str) -> psycopg.Connection[Any]:
    db: dict[str, Any] = connection.settings_dict
    return psycopg.connect(
        dbname=name, user=db["USER"], password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None, port=db.get("PORT") or None, autocommit=True,
    )  # fmt: skip


def _row_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    tables = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return {
        name: conn.execute(f'SELECT count(*) FROM public."{name}"').fetchone()[0]  # type: ignore[index]
        for (name,) in tables
    }


@pytest.fixture
def fresh_database() -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def some_town() -> None:
    user_create_with_role(username="officer", role="officer", neighbourhoods=[], password=PASSWORD)
    officer = get_user_model().objects.get(username="officer")
    area = make_neighbourhood(name="本町一丁目")
    make_hazard_area()
    people = [make_person(neighbourhood=area) for _ in range(3)]
    make_supporter(neighbourhood=area)
    make_shelter()
    shown = {"page": "名簿", "filters": {"neighbourhood": area.code}}
    audit_record(
        action=AuditAction.VIEW, model=Person, object_ids=[p.pk for p in people], user=officer,
        detail=shown,
    )  # fmt: skip
    audit_record(action=AuditAction.EXPORT, model=Person, detail={"format": "csv"})


def test_a_backup_restored_into_a_fresh_database_holds_every_row_and_the_audit_chain(
    some_town, fresh_database, tmp_path
):
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "city.dump"

    backed_up = _run("backup", str(dump), database=source, local=True)
    restored = _run("restore", str(dump), database=fresh_database)

    assert backed_up.returncode == 0, backed_up.stderr
    assert restored.returncode == 0, restored.stderr
    assert dump.stat().st_mode & 0o077 == 0  # personal data: its owner's only
    newest = AuditEntry.objects.latest("id")
    assert dump.with_name("city.dump.head").read_text() == (
        f'{{"id": {newest.id}, "hash": "{newest.hash}"}}\n'
    )
    holds = f"the audit log holds: 2 entries, the newest is entry {newest.id}, including the head"
    assert holds in restored.stdout
    with _connect(source) as before, _connect(fresh_database) as after:
        counts = _row_counts(before)
        assert counts["registry_person"] == 3
        assert _row_counts(after) == counts
        assert after.execute(AUDIT_ROWS).fetchall() == before.execute(AUDIT_ROWS).fetchall()
        # The restored log goes on extending the same chain.
        appended = after.execute(
            "INSERT INTO registry_auditentry (at, actor, role, action, model, object_ids, detail)"
            " VALUES (now(), 'system', 'system', 'list', 'registry.person', '{}', '{}')"
            " RETURNING prev_hash"
        ).fetchone()
        assert appended == (newest.hash,)


def test_restoring_onto_a_database_that_holds_data_is_refused_unless_forced(
    some_town, fresh_database, tmp_path
):
    dump = tmp_path / "city.dump"
    assert _run("backup", str(dump), database=connection.settings_dict["NAME"]).returncode == 0
    assert _run("restore", str(dump), database=fresh_database).returncode == 0

    refused = _run("restore", str(dump), database=fresh_database)
    forced = _run("restore", str(dump), "--force", database=fresh_database)

    assert refused.returncode == 2
    assert f"database {fresh_database} already holds data (" in refused.stderr
    assert "tables have rows): pass --force to replace it" in refused.stderr
    assert forced.returncode == 0, forced.stderr


def test_removed_newest_entries_of_a_restored_log_show_against_the_backups_head(
    some_town, fresh_database, tmp_path
):
    dump = tmp_path / "city.dump"
    assert _run("backup", str(dump), database=connection.settings_dict["NAME"]).returncode == 0
    newest = AuditEntry.objects.latest("id").id
    assert _run("restore", str(dump), database=fresh_database).returncode == 0
    with _connect(fresh_database) as restored:
        restored.execute("ALTER TABLE registry_auditentry DISABLE TRIGGER ALL")
        restored.execute("DELETE FROM registry_auditentry WHERE id = %s", [newest])
        restored.execute("ALTER TABLE registry_auditentry ENABLE TRIGGER ALL")

    checked = subprocess.run(
        [f"{settings.BASE_DIR}/.venv/bin/python", "manage.py", "audit_verify",
         "--head", f"{dump}.head"],
        env={**os.environ, "DATABASE_URL": _url(fresh_database)},
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert checked.returncode == 1
    assert f"entry {newest}, the newest at the backup, was removed" in checked.stderr


def test_a_log_that_does_not_hold_is_not_backed_up(some_town, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE registry_auditentry DISABLE TRIGGER ALL")
        cursor.execute("UPDATE registry_auditentry SET detail = '{}'")
        cursor.execute("ALTER TABLE registry_auditentry ENABLE TRIGGER ALL")
    dump = tmp_path / "city.dump"

    refused = _run("backup", str(dump), database=connection.settings_dict["NAME"])

    assert refused.returncode == 1
    assert "the audit log does not hold" in refused.stderr
    assert list(tmp_path.iterdir()) == []
