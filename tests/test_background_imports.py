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
