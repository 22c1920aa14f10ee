import pytest
from django.db import DatabaseError, connection, transaction

from samverkan.agreements.models import AgreementVersion
from samverkan.audit.context import acting_as
from samverkan.audit.models import AppendOnlyError, AuditEvent


def test_a_change_records_who_and_before_and_after(cast):
    version = AgreementVersion.objects.get(case_number="KS 2023/740")
    with acting_as(cast["administrator"]):
        version.summary = "Ny sammanfattning"
        version.save()
    event = AuditEvent.objects.filter(model="agreements.AgreementVersion", action="update").first()
    assert event.actor == cast["administrator"]
    assert event.actor_label == "admin"
    assert event.object_pk == str(version.pk)
    assert event.changes["summary"][1] == "Ny sammanfattning"
    assert event.changes["summary"][0].startswith("Den lokala nivån")
    assert set(event.changes) == {"summary"}


def test_saving_without_changes_records_nothing(stockholm):
    version = AgreementVersion.objects.get(case_number="KS 2023/740")
    before = AuditEvent.objects.count()
    version.save()
    assert AuditEvent.objects.count() == before


def test_relations_and_deletions_are_recorded(cast):
    version = AgreementVersion.objects.get(case_number="KS 2023/740")
    party = version.parties.first()
    with acting_as(cast["administrator"]):
        version.parties.remove(party)
        version.annexes.first().delete()
    removal = AuditEvent.objects.filter(
        model="agreements.AgreementVersion", changes__has_key="parties"
    ).first()
    assert removal.changes["parties"] == [str(party), None]
    assert AuditEvent.objects.filter(model="agreements.Annex", action="delete").exists()


def test_the_log_cannot_be_changed_through_the_orm(stockholm):
    event = AuditEvent.objects.first()
    event.actor_label = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_to_rewrite_the_log(stockholm):
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).actor_label == event.actor_label
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_sqlite_trigger_lets_rows_go_only_while_everything_is_emptied(tmp_path):
    """The SQLite trigger on a database of its own: the sqlite3 shell (which
    lacks the guard's function) cannot delete, nor can the application, except
    while the whole database is emptied on purpose (a flush, a restore)."""
    import importlib
    import sqlite3

    from samverkan.core.sqlite import clearing_everything, may_clear

    trigger = importlib.import_module("samverkan.audit.migrations.0005_sqlite_refuses_delete").SQLITE_UP
    path = tmp_path / "audit.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE audit_auditevent (id INTEGER PRIMARY KEY)")
        setup.execute("INSERT INTO audit_auditevent (id) VALUES (1), (2)")
        setup.executescript(trigger)
    shell = sqlite3.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="samverkan_audit_may_clear"):
        shell.execute("DELETE FROM audit_auditevent")
    app = sqlite3.connect(path)
    app.create_function("samverkan_audit_may_clear", 0, may_clear)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        app.execute("DELETE FROM audit_auditevent WHERE id = 1")
    with clearing_everything():
        app.execute("DELETE FROM audit_auditevent")
    assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (0,)


def test_the_audit_page_shows_changes_to_administrators(client, cast):
    version = AgreementVersion.objects.get(case_number="KS 2023/740")
    with acting_as(cast["preparation_group"]):
        version.summary = "Granskad text"
        version.save()
    client.force_login(cast["administrator"])
    page = client.get("/audit/?model=agreements.AgreementVersion").content.decode()
    assert "Granskad text" in page and "beredning" in page


def test_the_log_shows_a_change_as_a_reader_reads_it(client, cast):
    """Fields by their labels, a choice by its label, a moment in local time, a long
    value cut short, the system as the system: in Swedish for a Swedish reader."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from samverkan.audit.models import _value_shown
    from samverkan.datasources.models import ImportBatch

    version = AgreementVersion.objects.get(case_number="KS 2023/740")
    with acting_as(None, label="system"):
        version.status = AgreementVersion._meta.get_field("status").choices[0][0]
        version.summary = "Å" * 5000
        version.save()
    event = AuditEvent.objects.filter(model="agreements.AgreementVersion", action="update").first()
    shown = {label: (before, after) for label, before, after in event.changes_shown()}
    status = AgreementVersion._meta.get_field("status")
    assert str(status.verbose_name) in shown
    assert str(shown[str(status.verbose_name)][1]) == str(status.choices[0][1])
    summary = shown[str(AgreementVersion._meta.get_field("summary").verbose_name)][1]
    assert len(summary) < 300 and summary.endswith("…")
    client.force_login(cast["administrator"])
    page = client.get(reverse("audit:log")).content.decode()
    assert "systemet" in page
    assert f"{str(AgreementVersion._meta.verbose_name).capitalize()} #{version.pk}" in page
    assert "agreements.AgreementVersion #" not in page
    moment = dt.datetime(2026, 1, 2, 8, 30, tzinfo=dt.UTC).isoformat()

    local = _value_shown(ImportBatch._meta.get_field("imported_at"), moment)
    assert local == timezone.localtime(dt.datetime.fromisoformat(moment)).strftime("%Y-%m-%d %H:%M")
