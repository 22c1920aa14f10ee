"""Large files are checked and imported by the worker (`manage.py db_worker`).

While a worker checks or imports a file it holds a PostgreSQL advisory lock
on the batch, on its own connection; if the worker dies (killed, machine
lost) the database drops its connection and the lock with it, while the
import's transaction is rolled back, so nothing partial remains. `manage.py
recover_imports` finds such batches (checking or importing, not waiting in
the queue, lock free) and queues their work again."""

import contextlib

from django.contrib.auth import get_user_model
from django.db import connection
from django.tasks import Task, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samverkan.audit.context import acting_as
from samverkan.datasources import loader, services
from samverkan.datasources.models import ImportBatch
from samverkan.organisations.models import Municipality

LOCK_SPACE = 7411  # the advisory-lock namespace of import batches


@contextlib.contextmanager
def working_on(batch_id: int):
    """Hold the batch's advisory lock while its work runs (PostgreSQL only;
    SQLite runs the demo's single worker)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_SPACE, batch_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, batch_id])


def nobody_works_on(batch_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, batch_id])
        free = cursor.fetchone()[0]
        if free:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, batch_id])
    return free


@task()
def check_import(batch_id: int) -> str:
    with working_on(batch_id):
        batch = ImportBatch.objects.get(pk=batch_id)
        with acting_as(batch.uploaded_by):
            loader.batch_check(batch)
        return batch.status


@task()
def apply_import(batch_id: int, user_id: int | None = None) -> str:
    with working_on(batch_id):
        batch = ImportBatch.objects.get(pk=batch_id)
        user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        with acting_as(user):
            try:
                loader.batch_apply(batch, queued=True)
            except loader.ImportRefused as error:
                loader.batch_refused(batch, str(error))
        return batch.status


def recover() -> list[tuple[ImportBatch, str]]:
    """Queue again the work of every batch whose worker died; returns what was queued."""
    work: dict[str, Task[..., str]] = {
        ImportBatch.Status.CHECKING: check_import,
        ImportBatch.Status.IMPORTING: apply_import,
    }
    paths = {t.module_path for t in work.values()}
    queued: set[int] = set()
    running: dict[int, list[DBTaskResult]] = {}
    for result in DBTaskResult.objects.filter(task_path__in=paths, status__in=["READY", "RUNNING"]):
        batch_id = result.args_kwargs["args"][0]
        if result.status == "READY":
            queued.add(batch_id)
        else:
            running.setdefault(batch_id, []).append(result)
    recovered = []
    for batch in ImportBatch.objects.filter(status__in=list(work)).exclude(pk__in=queued):
        if not nobody_works_on(batch.pk):
            continue
        lost = running.get(batch.pk, [])
        user_id = next((r.args_kwargs["args"][1] for r in lost if len(r.args_kwargs["args"]) > 1), None)
        DBTaskResult.objects.filter(pk__in=[r.pk for r in lost]).update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path="samverkan.datasources.tasks.WorkerLost",
            traceback="The worker stopped while it ran this task; the task was queued again.",
        )
        again = work[batch.status]
        if again is apply_import:
            apply_import.enqueue(batch.pk, user_id)
        else:
            check_import.enqueue(batch.pk)
        recovered.append((batch, batch.status))
    return recovered


@task()
def rematch_rows(municipality_id: int, user_id: int | None = None) -> int:
    """Match the stored rows to the areas again; returns how many changed area."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    with acting_as(user):
        return services.rows_rematch(municipality=Municipality.objects.get(pk=municipality_id))
