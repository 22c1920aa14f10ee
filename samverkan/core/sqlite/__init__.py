"""SQLite as the embedded database, with what the audit log needs: its
DELETE trigger asks `samverkan_audit_may_clear()`, a function only this
backend defines and which says yes only while the whole database is being
emptied on purpose (the test runner's flush, a restore) — the counterpart of
PostgreSQL's TRUNCATE, which its row triggers do not see. Raw SQL from the
application, or from the sqlite3 shell (which lacks the function), cannot
delete audit rows."""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_clearing: ContextVar[bool] = ContextVar("samverkan_audit_clearing", default=False)


@contextlib.contextmanager
def clearing_everything() -> Iterator[None]:
    token = _clearing.set(True)
    try:
        yield
    finally:
        _clearing.reset(token)


def may_clear() -> int:
    return 1 if _clearing.get() else 0
