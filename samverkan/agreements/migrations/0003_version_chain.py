"""The adopted versions of one agreement form a chain without overlaps:
an exclusion constraint on PostgreSQL, triggers on SQLite. Versions that
overlapped before are ended the day before their successor starts."""

import datetime as dt

from django.db import migrations

TABLE = "agreements_agreementversion"
NAME = "agreement_versions_no_overlap"

SQLITE_CHECK = f"""
SELECT RAISE(ABORT, '{NAME}')
WHERE NEW.status = 'adopted' AND EXISTS (
    SELECT 1 FROM {TABLE} other
    WHERE other.agreement_id = NEW.agreement_id
      AND other.id IS NOT NEW.id
      AND other.status = 'adopted'
      AND (other.valid_to IS NULL OR NEW.valid_from IS NULL OR other.valid_to >= NEW.valid_from)
      AND (NEW.valid_to IS NULL OR other.valid_from IS NULL OR NEW.valid_to >= other.valid_from)
);
"""


def close_overlaps(apps, schema_editor):
    Version = apps.get_model("agreements", "AgreementVersion")
    adopted = Version.objects.filter(status="adopted").exclude(valid_from=None).order_by("agreement", "valid_from")
    previous = None
    for version in adopted:
        if previous is not None and previous.agreement_id == version.agreement_id:
            if previous.valid_to is None or previous.valid_to >= version.valid_from:
                previous.valid_to = max(previous.valid_from, version.valid_from - dt.timedelta(days=1))
                previous.save(update_fields=["valid_to"])
        previous = version


def add_rule(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT {NAME} EXCLUDE USING gist "
            "(agreement_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&) "
            "WHERE (status = 'adopted')"
        )
    elif vendor == "sqlite":
        for event in ("INSERT", "UPDATE"):
            schema_editor.execute(
                f"CREATE TRIGGER {NAME}_{event.lower()} BEFORE {event} ON {TABLE} BEGIN {SQLITE_CHECK} END"
            )


def drop_rule(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {NAME}")
    elif vendor == "sqlite":
        for event in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}_{event}")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_revisions")]

    operations = [
        migrations.RunPython(close_overlaps, migrations.RunPython.noop),
        migrations.RunPython(add_rule, drop_rule),
    ]
