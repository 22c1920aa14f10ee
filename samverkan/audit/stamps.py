"""Change stamps: what is computed from the data is kept until the data changes.

Every write to Samverkan's models reaches the append-only audit log in the
same transaction: through the recorder's signals, and for the bulk writes
that bypass signals (an import's new rows are written with the import's
batch; the indicator refresh records itself, `record_bulk_change`). So the
id of the latest change event of a set of apps is a stamp that moves with
every committed change to them and with nothing else; it is read in one
query, one index lookup per model (the partial index `audit_model_changes`).

On PostgreSQL ids are handed out when events are written, not when they are
committed: a change still in flight may hold an id below the latest. So a
stamp read while another transaction of the database is writing (it holds a
transaction id, pg_stat_activity) is not used to keep anything (`stamp`
answers None, the value is computed afresh); SQLite has one writer at a
time, whose ids follow commit order.

`kept(key, apps, compute)` keeps compute()'s result in the cache under the
stamp of `apps` and the language, for SAMVERKAN_KEPT_SECONDS at most: the
pages read by everyone each morning compute once per change, not once per
reader. What is kept must not depend on who asks (permissions are applied
after, or belong in the key).

`change_tag` makes the same stamp an ETag for an answer a browser may keep
(`Cache-Control: private, no-cache`): asked again with it, and nothing
changed, a view answers 304 after its access check and before its work."""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache as once

from django.apps import apps as registry
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.translation import get_language

from samverkan.audit.models import AuditEvent, is_recorded


@once
def _labels(app_labels: tuple[str, ...]) -> tuple[str, ...]:
    """Model labels of apps ("plans") or single models ("datasources.ImportBatch")."""
    return tuple(
        sorted(
            {
                m._meta.label
                for wanted in app_labels
                for m in (
                    [registry.get_model(wanted)]
                    if "." in wanted
                    else registry.get_app_config(wanted).get_models()
                )
            }
        )
    )


# Other transactions of this database writing now (PostgreSQL): their changes may hold ids
# below the latest.
_WRITING = (
    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
)


# Within one request the stamps are read once: on PostgreSQL the first stamp a request asks
# for reads the latest change of every audited model in one query, and each stamp of any set
# of apps is computed from it; on SQLite each set of apps is read once. Outside requests
# (tasks, commands) nothing is remembered, and any change recorded in the request forgets what
# was read (samverkan.audit.recorder).
@dataclass
class _Read:
    stamps: dict[tuple[str, ...], str | None] = field(default_factory=dict)  # by model labels
    latest: dict[str, int | None] | None = None  # PostgreSQL: every audited model's latest change
    writing: bool = False  # PostgreSQL: another transaction was writing when `latest` was read


_read_in_request: ContextVar[_Read | None] = ContextVar("stamps", default=None)


def _request_started(**kwargs: object) -> None:
    _read_in_request.set(_Read())


def _request_finished(**kwargs: object) -> None:
    _read_in_request.set(None)


request_started.connect(_request_started, dispatch_uid="stamps-request-started")
request_finished.connect(_request_finished, dispatch_uid="stamps-request-finished")


def forget() -> None:
    """A change was recorded: stamps read before it are out of date."""
    if _read_in_request.get() is not None:
        _read_in_request.set(_Read())


def stamp(app_labels: Iterable[str]) -> str | None:
    """The latest change to any model of these apps (or "app.Model"), as a short text; None
    while another transaction is writing (the latest is not yet known)."""
    labels = _labels(tuple(sorted(set(app_labels))))
    read = _read_in_request.get()
    if read is None:
        return _latest(labels)
    if labels not in read.stamps:
        read.stamps[labels] = (
            _from_every(read, labels) if connection.vendor == "postgresql" else _latest(labels)
        )
    return read.stamps[labels]


def _from_every(read: _Read, labels: tuple[str, ...]) -> str | None:
    """A stamp from every model's latest change, read at the request's first stamp."""
    if read.latest is None:
        read.latest, read.writing = _every_latest()
    if read.writing:
        return None
    return str(max((read.latest.get(label) or 0 for label in labels), default=0))


@once
def _every_label() -> tuple[str, ...]:
    return tuple(sorted(m._meta.label for m in registry.get_models() if is_recorded(m)))


def _fresh_activity(cursor: CursorWrapper) -> None:
    """Activity is read once per transaction: inside one, read it afresh. Outside, each
    statement is its own transaction."""
    if connection.in_atomic_block:
        cursor.execute("SELECT pg_stat_clear_snapshot()")


def _every_latest() -> tuple[dict[str, int | None], bool]:
    """PostgreSQL: the latest change of every audited model (one index lookup each), and
    whether another transaction is writing."""
    with connection.cursor() as cursor:
        _fresh_activity(cursor)
        cursor.execute(_EVERY_POSTGRESQL, [list(_every_label())])
        rows = cursor.fetchall()
    return {model: latest for model, latest, _ in rows}, bool(rows and rows[0][2])


def _latest(labels: tuple[str, ...]) -> str | None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _fresh_activity(cursor)
            # One plan whatever the number of models: the latest id per model, from the index.
            cursor.execute(_LATEST_POSTGRESQL, [list(labels)])
        else:
            cursor.execute(_latest_sqlite(len(labels)), labels)
        found, others = cursor.fetchone()
    return None if others else str(found or 0)


_TABLE = AuditEvent._meta.db_table
# The condition written as the partial index has it, so that the database uses the index.
_CHANGE = f"NOT (action = '{AuditEvent.Action.READ}')"
_LATEST_POSTGRESQL = (
    f"SELECT (SELECT MAX(latest.id) FROM unnest(%s::text[]) AS wanted(model) CROSS JOIN LATERAL"  # noqa: S608 - the app's own names
    f" (SELECT id FROM {_TABLE} WHERE model = wanted.model AND {_CHANGE} ORDER BY id DESC LIMIT 1) AS latest),"
    f" ({_WRITING})"
)
_EVERY_POSTGRESQL = (
    f"SELECT wanted.model, (SELECT id FROM {_TABLE} WHERE model = wanted.model AND {_CHANGE}"  # noqa: S608 - the app's own names
    f" ORDER BY id DESC LIMIT 1), ({_WRITING}) FROM unnest(%s::text[]) AS wanted(model)"
)


@once
def _latest_sqlite(models: int) -> str:
    each = f"SELECT MAX(id) AS latest FROM {_TABLE} WHERE model = %s AND {_CHANGE}"  # noqa: S608 - the app's own names
    union = " UNION ALL ".join([each] * models)
    return f"SELECT (SELECT MAX(latest) FROM ({union}) AS changes), 0"  # noqa: S608 - as above


def kept[T](key: str, app_labels: Iterable[str], compute: Callable[[], T]) -> T:
    """compute(), reused until a model of `app_labels` changes."""
    seconds = settings.SAMVERKAN_KEPT_SECONDS
    if not seconds:
        return compute()
    latest = stamp(app_labels)
    if latest is None:
        return compute()
    full = f"kept:{key}:{get_language()}:{latest}"
    found = cache.get(full)
    if found is None:
        found = compute()
        cache.set(full, found, seconds)
    return found


def change_tag(request: HttpRequest, app_labels: Iterable[str]) -> str | None:
    """An ETag for an answer made from these apps' data for this user, in
    this language, today; None while the latest change is not known. The
    accounts app is always in it: a changed role changes every tag."""
    latest = stamp({*app_labels, "accounts"})
    if latest is None:
        return None
    return f'"{latest}-{request.user.pk}-{get_language()}-{timezone.localdate():%Y%m%d}"'


def unchanged(request: HttpRequest, tag: str | None) -> HttpResponse | None:
    """304 when the browser already holds the answer under `tag`."""
    held = {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}
    return tagged(HttpResponseNotModified(), tag) if tag is not None and tag in held else None


def tagged(response: HttpResponse, tag: str | None) -> HttpResponse:
    if tag is not None:
        response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"
    return response
