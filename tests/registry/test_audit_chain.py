"""The audit log's hash chain: every writer extends it, the check recomputes it exactly as the
database does, and an entry altered or removed by someone who disabled the append-only
triggers (as a database superuser can) is named."""

import datetime as dt
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from registry.audit import audit_record
from registry.audit_chain import GENESIS, chain_verify
from registry.management.commands.create_user import user_create_with_role
from registry.models import AuditAction, AuditEntry, EmergencyDisclosure, Person
from tests.clients import PASSWORD

# Keys of several lengths, numbers jsonb keeps as written, escapes, and text beyond ASCII.
AWKWARD_DETAIL = {
    "reason": "大雨特別警報・避難指示（本町一丁目）",
    "z": None,
    "aa": [1, 2.5, 1.10, 1e3, -0.0, True, False, None],
    "nested": {"b": '"quoted" \\ back\tslash\nline\u0001', "a": "🏠", "": {}},
    "number": 12345678901234567890,
}


def _verify(*args: str) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def _refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as refused:
        _verify(*args)
    return refused.value


def _as_superuser(sql: str, params: list[int]) -> None:
    """What a database superuser can do: lift every trigger of the log, change it, restore."""
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of this test's transaction would keep ALTER TABLE out.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE registry_auditentry DISABLE TRIGGER ALL")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE registry_auditentry ENABLE TRIGGER ALL")


@pytest.fixture
def officer():
    user_create_with_role(username="officer", role="officer", neighbourhoods=[], password=PASSWORD)
    return get_user_model().objects.get(username="officer")


@pytest.fixture
def five_entries(officer) -> list[int]:
    for n in range(5):
        audit_record(action=AuditAction.VIEW, model=Person, object_ids=[n], user=officer)
    return list(AuditEntry.objects.order_by("id").values_list("id", flat=True))


@pytest.mark.django_db
def test_it_holds_after_writes_by_the_orm_bulk_inserts_and_raw_sql(officer):
    emergency = EmergencyDisclosure.objects.create(
        hazard="flood", reason="大雨特別警報", declared_by=officer,
        ends_at=dt.datetime(2026, 12, 1, 15, 33, tzinfo=dt.UTC),
    )  # fmt: skip
    first = audit_record(
        action=AuditAction.VIEW, model=Person, object_ids=[3, 1], user=officer,
        emergency=emergency, detail={"page": "名簿", "filters": {"neighbourhood": "本町"}},
    )  # fmt: skip
    second = audit_record(action=AuditAction.EXPORT, model=Person, detail=AWKWARD_DETAIL)
    tokyo = dt.timezone(dt.timedelta(hours=9))
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=f"importer {n}", role="system", action="import", model="registry.person",
                   at=dt.datetime(2026, 11, 28, 9, 0, n, 123456, tzinfo=tokyo),
                   detail={"row": n, "名前": "山田"})
        for n in range(3)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_auditentry (at, actor, role, action, model, object_ids, detail)"
            " VALUES (now(), 'psql', 'system', 'change', 'registry.person', '{}', %s::jsonb)",
            ['{"changed": ["氏名"], "hash": "forged", "prev_hash": "forged"}'],
        )
        # A writer cannot choose the hashes: the database sets them.
        cursor.execute(
            "INSERT INTO registry_auditentry (at, actor, role, action, model, object_ids, detail,"
            " prev_hash, hash) VALUES (now(), 'psql', 'system', 'view', 'x', '{}', '{}', %s, %s)",
            ["f" * 64, "e" * 64],
        )

    entries = list(AuditEntry.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len(entries) == 7
    assert entries[0][0] == GENESIS
    assert [prev for prev, _ in entries[1:]] == [hash_ for _, hash_ in entries[:-1]]
    assert first.hash == entries[0][1]  # the ORM reads the hash back on insert
    assert second.prev_hash == first.hash
    assert second.user_id is None and second.emergency_id is None
    assert "f" * 64 not in {value for pair in entries for value in pair}
    newest = AuditEntry.objects.latest("id").id
    assert _verify() == f"the audit log holds: 7 entries, the newest is entry {newest}\n"


@pytest.mark.django_db
def test_the_check_recomputes_exactly_the_databases_hash_for_awkward_content():
    # Microseconds, a time zone other than UTC, an empty detail and control characters.
    at = dt.datetime(2026, 3, 1, 0, 0, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    for detail in (AWKWARD_DETAIL, {}, {"k": "\u007f\u2028\u00e9"}, {"k": [[], {}, ""]}):
        AuditEntry.objects.create(
            at=at, actor='職員 "太郎"\n', role="officer", action="view", model="m", detail=detail
        )

    report = chain_verify()

    assert report.problem == ""
    assert report.entries == 4


@pytest.mark.django_db
def test_an_entry_altered_with_the_triggers_disabled_is_named(five_entries):
    altered = five_entries[2]
    _as_superuser(
        'UPDATE registry_auditentry SET detail = \'{"changed": ["address"]}\' WHERE id = %s',
        [altered],
    )

    error = _refused()

    assert error.returncode == 1
    assert f"entry {altered} was altered" in str(error)
    assert "after 2 entries" in str(error)


@pytest.mark.django_db
def test_an_entry_altered_with_its_hash_made_anew_breaks_the_link_to_the_next(five_entries):
    altered = five_entries[2]
    _as_superuser(
        "UPDATE registry_auditentry SET object_ids = '{99}' WHERE id = %s;"
        "UPDATE registry_auditentry e SET hash = registry_auditentry_hash(e) WHERE id = %s",
        [altered, altered],
    )

    error = _refused()

    assert error.returncode == 1
    assert f"entry {five_entries[3]} does not follow entry {altered}" in str(error)


@pytest.mark.django_db
def test_a_removed_middle_entry_is_reported(five_entries):
    _as_superuser("DELETE FROM registry_auditentry WHERE id = %s", [five_entries[2]])

    error = _refused()

    assert error.returncode == 1
    assert f"entry {five_entries[3]} does not follow entry {five_entries[1]}" in str(error)
    assert "removed" in str(error)


@pytest.mark.django_db
def test_a_removed_first_entry_is_reported(five_entries):
    _as_superuser("DELETE FROM registry_auditentry WHERE id = %s", [five_entries[0]])

    error = _refused()

    assert f"entry {five_entries[1]} does not follow the start of the log" in str(error)


@pytest.mark.django_db
def test_removed_newest_entries_show_against_the_head_written_at_backup(five_entries, tmp_path):
    head = tmp_path / "backup.dump.head"
    _verify("--write-head", str(head))
    _as_superuser("DELETE FROM registry_auditentry WHERE id >= %s", [five_entries[3]])

    alone = _verify()
    error = _refused("--head", str(head))

    assert alone == f"the audit log holds: 3 entries, the newest is entry {five_entries[2]}\n"
    assert error.returncode == 1
    assert f"entry {five_entries[4]}, the newest at the backup, was removed" in str(error)


@pytest.mark.django_db
def test_the_head_holds_while_entries_are_added_after_it(five_entries, tmp_path):
    head = tmp_path / "backup.dump.head"
    _verify("--write-head", str(head))
    audit_record(action=AuditAction.LIST, model=Person)

    shown = _verify("--head", str(head))

    assert f"including the head entry {five_entries[4]}" in shown
    assert f'"id": {five_entries[4]}' in head.read_text()


@pytest.mark.django_db
def test_a_head_that_names_another_chain_is_refused(five_entries, tmp_path):
    head = tmp_path / "backup.dump.head"
    head.write_text(f'{{"id": {five_entries[1]}, "hash": "{"a" * 64}"}}')

    error = _refused("--head", str(head))

    assert error.returncode == 1
    assert f"entry {five_entries[1]} is not the entry the head names" in str(error)


def test_a_head_file_that_cannot_be_read_exits_2(tmp_path: Path):
    head = tmp_path / "head"
    head.write_text("not json")

    error = _refused("--head", str(head))

    assert error.returncode == 2
    assert "not a head file" in str(error)


@pytest.mark.django_db(transaction=True)
def test_appends_from_two_connections_at_once_do_not_fork_the_chain():
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            start.wait()
            for n in range(15):
                # Each transaction holds the chain's lock a little, so that the other waits.
                with transaction.atomic():
                    audit_record(action=AuditAction.VIEW, model=name, detail={"n": n})
                    time.sleep(0.002)
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert failures == []
    assert len(prevs) == 30
    assert len(set(prevs)) == 30  # no two entries extend the same one
    assert chain_verify().entries == 30


@pytest.fixture
def slow_writers():
    """A trigger that fires before the chain's (triggers fire in name order) and holds an
    entry whose actor is 'slow' between taking its id and reaching the chain's lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_slow_audit() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN IF NEW.actor = 'slow' THEN PERFORM pg_sleep(0.4); END IF; RETURN NEW; END $$;"
            " CREATE TRIGGER registry_auditentry_a_slow BEFORE INSERT ON registry_auditentry"
            " FOR EACH ROW EXECUTE FUNCTION test_slow_audit()"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER registry_auditentry_a_slow ON registry_auditentry;"
            " DROP FUNCTION test_slow_audit()"
        )


@pytest.mark.django_db(transaction=True)
def test_an_entry_that_took_its_id_first_but_reached_the_lock_last_comes_last(slow_writers):
    def write(actor: str, pause: float) -> None:
        time.sleep(pause)
        try:
            AuditEntry.objects.create(actor=actor, role="system", action="view", model="m")
        finally:
            connection.close()

    slow = threading.Thread(target=write, args=("slow", 0))
    fast = threading.Thread(target=write, args=("fast", 0.15))
    slow.start()
    fast.start()
    slow.join()
    fast.join()

    actors = list(AuditEntry.objects.order_by("id").values_list("actor", flat=True))
    assert actors == ["fast", "slow"]
    assert chain_verify().problem == ""


@pytest.mark.django_db(transaction=True)
def test_an_append_under_an_older_snapshot_is_refused_rather_than_forking_the_chain():
    refused = pytest.raises(DatabaseError, match="only under READ COMMITTED, not repeatable read")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        audit_record(action=AuditAction.LIST, model=Person)

    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_entries_from_before_the_chain_become_its_first_links():
    executor = MigrationExecutor(connection)
    executor.migrate([("registry", "0007_supporter_email")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_auditentry (at, actor, role, action, model, object_ids, detail)"
            " SELECT now() - n * interval '1 day', 'system:old', 'system', 'view',"
            " 'registry.person', ARRAY[n], jsonb_build_object('page', '名簿 ' || n)"
            " FROM generate_series(1, 4) AS n"
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    audit_record(action=AuditAction.LIST, model=Person, detail={"page": "新しい"})

    report = chain_verify()

    assert report.problem == ""
    assert report.entries == 5
    assert AuditEntry.objects.order_by("id").first().prev_hash == GENESIS  # type: ignore[union-attr]
