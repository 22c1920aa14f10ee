"""Backup and restore of everything Samverkan keeps: every row of the
database and every stored file (original imports, attachments).

A backup is one .tar.gz: `manifest.json` (format, time, the migrations the
schema was at, row counts per model, a checksum per file), `database.sjson`
(Django's serialised rows, times to the microsecond, so a backup moves between PostgreSQL and SQLite)
and `media/` (the files). Rows are read in one snapshot on PostgreSQL, so
a backup taken while people work is consistent.

Restore runs the migrations, refuses a database that already holds data
(unless told to replace it), checks the schema matches the backup's, loads
all rows in one transaction, checks every count, and only then puts the
files in place, each checked against its checksum. Any failure leaves the
database as it was."""

import datetime as dt
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from samverkan.core import replay
from samverkan.core.sqlite import clearing_everything

FORMAT = 1
# Not kept: rebuilt by migrate (content types, permissions), short-lived
# (sessions), or work in flight that must not run twice (the task queue).
EXCLUDED_APPS = {"contenttypes", "sessions", "django_tasks_database"}
EXCLUDED_MODELS = {"auth.permission"}


class BackupError(Exception):
    pass


def _models() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED_APPS or label in EXCLUDED_MODELS:
            continue
        if model._meta.managed and not model._meta.proxy:
            yield model


def _counts() -> dict[str, int]:
    return {model._meta.label_lower: model._default_manager.count() for model in _models()}


def _migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _media_files() -> dict[str, Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def backup(target: Path) -> dict[str, Any]:
    """Write a backup of everything to `target` (.tar.gz); returns its manifest."""
    target = Path(target)
    with tempfile.TemporaryDirectory() as work:
        rows = Path(work) / "database.sjson"
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            counts = _counts()
            migrations = _migrations()
            call_command(
                "dumpdata",
                *[m._meta.label_lower for m in _models()],
                natural_foreign=True,
                format="sjson",
                output=str(rows),
                verbosity=0,
            )
        files = _media_files()
        manifest = {
            "format": FORMAT,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "rows": counts,
            "files": {name: _digest(path) for name, path in files.items()},
        }
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(rows, "database.sjson")
            for name, path in files.items():
                archive.add(path, f"media/{name}")
        partial.replace(target)  # a backup file exists only when complete
    return manifest


def _holds_data() -> bool:
    return any(model._default_manager.exists() for model in _models())


def restore(source: Path, *, replace: bool = False) -> dict[str, Any]:
    """Restore a backup made by `backup`; returns its manifest."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(work, filter="data")
        manifest: dict[str, Any] = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        for name, digest in manifest["files"].items():
            path = work / "media" / name
            if not path.is_file() or _digest(path) != digest:
                raise BackupError(f"The stored file {name} is missing or damaged in the backup.")

        call_command("migrate", interactive=False, verbosity=0)
        if _migrations() != manifest["migrations"]:
            raise BackupError(
                "The backup was made at another schema version: restore it with the Samverkan "
                "version that made it, then upgrade with `manage.py migrate`."
            )
        if _holds_data() and not replace:
            raise BackupError("The database already holds data; restore with --replace to overwrite it.")

        with transaction.atomic(), replay.replaying():
            if replace:
                kept = set(_models())
                for model in apps.get_models(include_auto_created=True):
                    owner = model._meta.auto_created  # a many-to-many table: the model it belongs to
                    if model in kept or (isinstance(owner, type) and owner in kept):
                        _empty(model)
            call_command("loaddata", str(work / "database.sjson"), verbosity=0)
            counts = _counts()
            if counts != manifest["rows"]:
                wrong = Counter(counts)
                wrong.subtract(manifest["rows"])
                raise BackupError(f"Restored row counts differ from the backup: {dict(+wrong | -wrong)}")

        media = Path(settings.MEDIA_ROOT)
        if replace and media.exists():
            shutil.rmtree(media)
        for name in manifest["files"]:
            destination = media / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "media" / name, destination)
    return manifest


def _empty(model: type[models.Model]) -> None:
    """Delete all rows of a model, the audit log included (its database
    trigger forbids DELETE but not TRUNCATE, which is what a restore needs)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table} CASCADE")  # noqa: S608 - a model's own table name
        else:
            with clearing_everything():
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
