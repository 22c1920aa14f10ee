"""The configuration the session loaded, kept as a copy inside the test database: a
test that empties the database (a transactional or browser test: the test runner
flushes every table after it) gets the rows back by copying them, in one transaction,
instead of loading the configuration again (seconds each, some fifty times a run)."""

from django.core.management.color import no_style
from django.db import connection, transaction

from samverkan.core.sqlite import clearing_everything

SCHEMA = "test_snapshot"  # PostgreSQL: a schema beside the tables; SQLite: a name prefix


def _tables() -> list[str]:
    """The tables the test runner's flush empties: every model's."""
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _copy(table: str) -> str:
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        return f"{SCHEMA}.{quote(table)}"
    return quote(f"{SCHEMA}_{table}")


def take() -> None:
    """Copy every table as it is now."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table in _tables():
            cursor.execute(f"DROP TABLE IF EXISTS {_copy(table)}")
            cursor.execute(f"CREATE TABLE {_copy(table)} AS SELECT * FROM {quote(table)}")  # noqa: S608


def restore() -> None:
    """Every table back to the copy: emptied (what the flush's post_migrate wrote
    again, content types and permissions, goes too) and filled from it. The foreign
    keys are checked when the transaction commits, so the order does not matter."""
    from django.apps import apps

    quote = connection.ops.quote_name
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor, clearing_everything():
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
        for table in tables:
            cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {_copy(table)}")  # noqa: S608
        # New rows continue after the copied ones (SQLite's AUTOINCREMENT follows by itself).
        for statement in connection.ops.sequence_reset_sql(
            no_style(), apps.get_models(include_auto_created=True)
        ):
            cursor.execute(statement)
