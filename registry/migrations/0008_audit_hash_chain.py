"""The audit log becomes a hash chain: each entry carries the hash of its content and of the
entry before it, so that an entry altered or removed by someone who can disable the
append-only triggers (a database superuser) shows when the chain is checked
(`manage.py audit_verify`, registry/audit_chain.py, which holds the same canonical form in
Python).

The database computes both hashes in a BEFORE INSERT trigger, so that every writer is covered:
the ORM, raw SQL and bulk inserts alike. The trigger takes a transaction-level advisory lock,
numbers the entry under it and reads the newest entry's hash: appends are serialised, and the
ids' order is the chain's order, so the chain never forks. Entries written before the chain
began become its first links, in id order."""

from django.db import migrations, models

# The advisory lock's two keys (the plan runs' locks use the first key 7301).
LOCK = "7302, 0"
GENESIS = "0" * 64

CHAIN = f"""
-- The canonical text of an entry: a JSON array in a fixed order, rendered by jsonb, whose
-- text output is itself canonical (object keys ordered and unique, fixed spacing, unicode
-- as is). Times in UTC to the microsecond.
CREATE FUNCTION registry_auditentry_hash(e registry_auditentry) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(jsonb_build_array(
        e.prev_hash,
        e.id,
        to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.user_id,
        e.actor,
        e.role,
        e.action,
        e.model,
        to_jsonb(e.object_ids),
        e.emergency_id,
        e.detail
    )::text, 'UTF8')), 'hex')
$$;

CREATE FUNCTION registry_auditentry_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- A snapshot older than the lock may not see the newest entry, and the chain would fork.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'the audit log is appended to only under READ COMMITTED, not %',
            current_setting('transaction_isolation')
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM pg_advisory_xact_lock({LOCK});
    -- Numbered under the lock: transactions that took their ids in one order may reach the
    -- lock in another, and the chain follows the ids.
    NEW.id := nextval(pg_get_serial_sequence('registry_auditentry', 'id'));
    SELECT hash INTO NEW.prev_hash FROM registry_auditentry ORDER BY id DESC LIMIT 1;
    NEW.prev_hash := coalesce(NEW.prev_hash, '{GENESIS}');
    NEW.hash := registry_auditentry_hash(NEW);
    RETURN NEW;
END;
$$;

-- Entries from before the chain: its first links, in id order. The log refuses UPDATE, so the
-- refusal is lifted for this migration's transaction only.
ALTER TABLE registry_auditentry DISABLE TRIGGER registry_auditentry_no_update_or_delete;
DO $$
DECLARE
    entry registry_auditentry;
    prev text := '{GENESIS}';
BEGIN
    FOR entry IN SELECT * FROM registry_auditentry ORDER BY id LOOP
        entry.prev_hash := prev;
        prev := registry_auditentry_hash(entry);
        UPDATE registry_auditentry SET prev_hash = entry.prev_hash, hash = prev
            WHERE id = entry.id;
    END LOOP;
END;
$$;
ALTER TABLE registry_auditentry ENABLE TRIGGER registry_auditentry_no_update_or_delete;

CREATE TRIGGER registry_auditentry_chain
    BEFORE INSERT ON registry_auditentry
    FOR EACH ROW EXECUTE FUNCTION registry_auditentry_chain();
"""

UNCHAIN = """
DROP TRIGGER registry_auditentry_chain ON registry_auditentry;
DROP FUNCTION registry_auditentry_chain();
DROP FUNCTION registry_auditentry_hash(registry_auditentry);
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_supporter_email")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(
                db_default="",
                editable=False,
                max_length=64,
                verbose_name="previous entry's hash",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(
                db_default="", editable=False, max_length=64, verbose_name="hash"
            ),
        ),
        migrations.RunSQL(CHAIN, UNCHAIN),
    ]
