"""Large files go through the real task queue (django-tasks-db) and its worker."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from samverkan.datasources.models import ImportBatch, ReportedCrimeCount
from samverkan.indicators.models import IndicatorValue
from tests.test_imports import fixture

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def test_a_large_file_is_checked_and_imported_by_the_worker_with_progress(client, cast, settings):
    settings.SAMVERKAN_BACKGROUND_IMPORT_BYTES = 100  # every fixture counts as large
    client.force_login(cast["preparation_group"])
    upload = SimpleUploadedFile("databasfil.txt", fixture("bra_databasfil.txt"))
    response = client.post(reverse("imports:list"), {"kind": "bra", "file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.QUEUED

    progress = client.get(reverse("imports:progress", args=[batch.pk]), headers={"HX-Request": "true"})
    assert b"<progress" in progress.content and "HX-Refresh" not in progress

    run_worker()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.report["counts"]["new"] == 24
    done = client.get(reverse("imports:progress", args=[batch.pk]), headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"

    client.post(reverse("imports:apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTING and ReportedCrimeCount.objects.count() == 0

    run_worker()  # imports, then refreshes the indicators the import touched
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert ReportedCrimeCount.objects.count() == 24
    assert IndicatorValue.objects.filter(
        indicator__code="brott-mot-person", area=None, label="2023-01"
    ).exists()


def test_an_import_whose_worker_died_is_queued_again_and_completes(client, cast, settings):
    """A worker killed mid-import left the batch 'importing', its task 'running'
    and nothing written (the transaction died with it); recover_imports
    marks the lost task failed and queues the import again."""
    from django_tasks_db.models import DBTaskResult

    from samverkan.datasources import tasks

    settings.SAMVERKAN_BACKGROUND_IMPORT_BYTES = 100
    client.force_login(cast["preparation_group"])
    upload = SimpleUploadedFile("databasfil.txt", fixture("bra_databasfil.txt"))
    client.post(reverse("imports:list"), {"kind": "bra", "file": upload})
    run_worker()
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:apply", args=[batch.pk]))
    lost = DBTaskResult.objects.get(task_path=tasks.apply_import.module_path)
    DBTaskResult.objects.filter(pk=lost.pk).update(status="RUNNING", worker_ids=["killed"])

    call_command("recover_imports", verbosity=0)
    lost.refresh_from_db()
    assert lost.status == "FAILED" and "WorkerLost" in lost.exception_class_path
    assert DBTaskResult.objects.filter(task_path=tasks.apply_import.module_path, status="READY").count() == 1
    call_command("recover_imports", verbosity=0)  # already queued: not queued twice
    assert DBTaskResult.objects.filter(task_path=tasks.apply_import.module_path, status="READY").count() == 1

    run_worker()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and ReportedCrimeCount.objects.count() == 24
