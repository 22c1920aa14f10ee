"""Large files are checked and imported by the worker (`manage.py db_worker`)."""

from django.tasks import task

from samverkan.audit.context import acting_as
from samverkan.datasources import loader
from samverkan.datasources.models import ImportBatch


@task()
def check_import(batch_id: int) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    with acting_as(batch.uploaded_by):
        loader.batch_check(batch)
    return batch.status


@task()
def apply_import(batch_id: int, user_id: int | None = None) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    with acting_as(user):
        try:
            loader.batch_apply(batch)
        except loader.ImportRefused as error:
            batch.report = {**batch.report, "refused": str(error)}
            ImportBatch.objects.filter(pk=batch.pk).update(report=batch.report)
    return batch.status
