"""The audit log refuses UPDATE, DELETE and TRUNCATE for everyone, even through raw SQL: a log
that can be edited proves nothing."""

from django.db import migrations

FORBID = """
CREATE FUNCTION registry_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER registry_auditentry_no_update_or_delete
    BEFORE UPDATE OR DELETE ON registry_auditentry
    FOR EACH ROW EXECUTE FUNCTION registry_auditentry_append_only();

CREATE TRIGGER registry_auditentry_no_truncate
    BEFORE TRUNCATE ON registry_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION registry_auditentry_append_only();
"""

ALLOW = """
DROP TRIGGER registry_auditentry_no_truncate ON registry_auditentry;
DROP TRIGGER registry_auditentry_no_update_or_delete ON registry_auditentry;
DROP FUNCTION registry_auditentry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_access_and_audit")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
