from collections.abc import Iterable
from typing import Any

from django.db.backends.sqlite3 import base, operations

from samverkan.core.sqlite import clearing_everything, may_clear


class DatabaseOperations(operations.DatabaseOperations):
    def execute_sql_flush(self, sql_list: Iterable[str]) -> None:
        with clearing_everything():
            super().execute_sql_flush(sql_list)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        connection.create_function("samverkan_audit_may_clear", 0, may_clear)
        return connection
