"""On SQLite too, the audit log refuses DELETE, as PostgreSQL's trigger
does: only while the database is emptied on purpose (the test runner's
flush, a restore; see samverkan.core.sqlite) may rows go, which on
PostgreSQL is TRUNCATE."""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER audit_auditevent_no_delete
BEFORE DELETE ON audit_auditevent
WHEN NOT samverkan_audit_may_clear()
BEGIN
    SELECT RAISE(ABORT, 'audit_auditevent is append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;"


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_latest_change_index")]
    operations = [migrations.RunPython(up, down)]
