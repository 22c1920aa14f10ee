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


def test_the_audit_page_shows_changes_to_administrators(client, cast):
    version = AgreementVersion.objects.get(case_number="KS 2023/740")
    with acting_as(cast["preparation_group"]):
        version.summary = "Granskad text"
        version.save()
    client.force_login(cast["administrator"])
    page = client.get("/audit/?model=agreements.AgreementVersion").content.decode()
    assert "Granskad text" in page and "beredning" in page
