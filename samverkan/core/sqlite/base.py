from collections.abc import Iterable
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base, features, operations
from django.utils.functional import cached_property

from samverkan.core.sqlite import clearing_everything, may_clear


class DatabaseOperations(operations.DatabaseOperations):
    def execute_sql_flush(self, sql_list: Iterable[str]) -> None:
        with clearing_everything():
            super().execute_sql_flush(sql_list)


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def supports_json_field(self) -> bool:  # type: ignore[override]  # Django's is a cached_property too
        """Django probes JSON support inside a transaction, which with
        `transaction_mode: IMMEDIATE` waits for the write lock: while the worker
        holds it the probe's "database is locked" was read as "no JSON" and the
        system check stopped the server (fields.E180). Probed here without a
        transaction; only a missing JSON function means no support."""
        with self.connection.cursor() as cursor:
            try:
                cursor.execute("""SELECT JSON('{"a": "b"}')""")
            except OperationalError as error:
                if "no such function" in str(error):
                    return False
                raise
        return True


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    features_class = DatabaseFeatures

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        connection.create_function("samverkan_audit_may_clear", 0, may_clear)
        return connection
