"""Writes that replay recorded history rather than make new changes: a
restore from backup writes the rows as they were, the audit log's own among
them, so whoever records changes (samverkan.audit.recorder) leaves them out."""

import contextlib
import contextvars
from collections.abc import Iterator

_replaying = contextvars.ContextVar("replaying", default=False)


@contextlib.contextmanager
def replaying() -> Iterator[None]:
    token = _replaying.set(True)
    try:
        yield
    finally:
        _replaying.reset(token)


def is_replaying() -> bool:
    return _replaying.get()
