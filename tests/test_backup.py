"""`manage.py backup` and `manage.py restore`: everything comes back as it was."""

import json
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command

from samverkan.agreements.models import Agreement
from samverkan.audit.models import AuditEvent
from samverkan.core import backup as backups
from samverkan.datasources import loader
from samverkan.datasources.models import ImportBatch

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.django_db(transaction=True)


def everything(media: Path) -> tuple[dict, dict]:
    """Every row of every kept model, serialised, and every stored file."""
    rows = {}
    for model in backups._models():
        rows[model._meta.label_lower] = json.loads(  # compared as data: jsonb keeps its own key order
            serializers.serialize(
                "json", model._default_manager.order_by("pk"), use_natural_foreign_keys=True
            )
        )
    files = {p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    return rows, files


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_restore_brings_back_every_row_and_file(stockholm, cast, media, tmp_path):
    batch = loader.batch_receive(
        municipality=stockholm,
        kind="observations",
        filename="observationer.csv",
        data=(FIXTURES / "observations.csv").read_bytes(),
        user=cast["district_coordinator"],
    )
    loader.batch_apply(batch)
    before = everything(media)
    assert before[1] and AuditEvent.objects.exists() and ImportBatch.objects.exists()

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    with tarfile.open(archive) as t:
        manifest = json.load(t.extractfile("manifest.json"))
    assert manifest["rows"]["audit.auditevent"] == AuditEvent.objects.count()
    assert set(manifest["files"]) == set(before[1])

    # Work goes on, and a file is lost, after the backup ...
    Agreement.objects.filter(pk=Agreement.objects.first().pk).update(title="Ändrad efter säkerhetskopian")
    batch.original.delete(save=False)
    with pytest.raises(CommandError, match="--replace"):
        call_command("restore", str(archive))

    call_command("restore", str(archive), "--replace")
    after = everything(media)
    assert after == before
    assert AuditEvent.objects.count() == manifest["rows"]["audit.auditevent"]  # the restore added none


def test_a_damaged_backup_changes_nothing(stockholm, media, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "original.csv").write_text("område;antal\n")
    call_command("backup", str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/"):
                data = b"changed"
                member.size = len(data)
            target.addfile(member, __import__("io").BytesIO(data))
    Agreement.objects.update(title="Efter säkerhetskopian")
    before = everything(media)
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), "--replace")
    assert everything(media) == before


def test_every_model_with_data_is_in_the_backup():
    kept = {m._meta.label_lower for m in backups._models()}
    ours = {m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("samverkan.")}
    assert ours <= kept
