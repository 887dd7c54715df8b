"""The test runner empties the database between browser tests with TRUNCATE. The audit log
keeps refusing UPDATE and DELETE everywhere, and TRUNCATE everywhere but in the throwaway
databases Django's test runner creates (named test_…)."""

from django.db import migrations

FORBID = r"""
CREATE OR REPLACE FUNCTION registry_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

STRICT = """
CREATE OR REPLACE FUNCTION registry_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_import_count_labels")]

    operations = [migrations.RunSQL(FORBID, STRICT)]
