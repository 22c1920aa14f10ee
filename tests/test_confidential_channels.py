"""One confidentiality rule for every channel, administrators included: a
party's draft and a confidential row are read only by those who may read
the thing itself, also in the audit log, the import list, an import's
report and kept original, and the duplicate check of an import. Each
channel is walked as every role and every administrator kind."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.models import Role, User
from samverkan.agreements.models import Agreement
from samverkan.audit.models import AuditEvent
from samverkan.datasources import loader
from samverkan.datasources.models import Classification, ImportBatch, Observation, ObservationCategory
from samverkan.datasources.services import observation_record
from samverkan.organisations.models import Organisation
from samverkan.situations import services as situations

SECRET_TITLE = "POLISENS HEMLIGA UTKAST"
SECRET_TEXT = "Hemlig spaning vid tunneln"
ROW = "2024-03-02 22:10;Klotter;Vid tunneln;18.0649;59.3326;;LPO Norrmalm;{klass}\n"
HEADER = "tid;kategori;beskrivning;longitud;latitud;adress;organisation;klassning\n"


@pytest.fixture
def police(cast):
    return cast[Role.POLICE_CONTACT]


@pytest.fixture
def readers(cast, police, other_municipality_admin):
    """Everyone who might read a channel, with whether they may read the police's secrets."""
    installation = User.objects.create_superuser("installation", organisation=None)
    municipality_admin = User.objects.create_user(
        "kommun.admin", role=Role.ADMINISTRATOR, organisation=cast[Role.ADMINISTRATOR].organisation
    )
    police_admin = User.objects.create_user(
        "polis.admin", role=Role.ADMINISTRATOR, organisation=police.organisation
    )
    return {
        "installation administrator": (installation, False),
        "municipality administrator": (municipality_admin, False),
        "demo administrator": (cast[Role.ADMINISTRATOR], False),
        "other municipality's administrator": (other_municipality_admin, False),
        "preparation group": (cast[Role.PREPARATION_GROUP], False),
        "district coordinator": (cast[Role.DISTRICT_COORDINATOR], False),
        "steering group member": (cast[Role.STEERING_GROUP_MEMBER], False),
        "politician": (cast[Role.POLITICIAN], False),
        "police contact": (police, True),
        "administrator of the police": (police_admin, True),
    }


@pytest.fixture
def police_draft(police):
    agreement = Agreement.objects.get(area__code="norra-innerstaden")
    picture = situations.picture_create(
        agreement=agreement,
        title="Lägesbild",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    draft = situations.party_picture_start(picture=picture, organisation=police.organisation)
    situations.problem_add(owner=draft, title=SECRET_TITLE)
    return draft


@pytest.fixture
def secret_observation(police):
    return observation_record(
        municipality=police.organisation.municipality,
        user=police,
        category=ObservationCategory.objects.get(name="Klotter"),
        observed_at=timezone.now() - dt.timedelta(days=2),
        longitude=18.0649,
        latitude=59.3326,
        address="Hemliga gränd 1",
        description=SECRET_TEXT,
        classification=Classification.SECRET,
    )


def test_the_audit_log_tells_a_change_but_not_a_secret_content(
    client, readers, police_draft, secret_observation
):
    events = AuditEvent.objects.filter(
        model__in=["situations.Problem", "situations.PartyPicture", "datasources.Observation"]
    )
    assert events.filter(model="situations.Problem").exists()
    for who, (user, may_read) in readers.items():
        client.force_login(user)
        for model in ["", "situations.Problem", "situations.PartyPicture", "datasources.Observation"]:
            answer = client.get(reverse("audit:log"), {"model": model})
            if not (user.is_superuser or user.role == Role.ADMINISTRATOR):
                assert answer.status_code == 403, who
                continue
            assert answer.status_code == 200, who
            page = answer.content.decode()
            for secret in (SECRET_TITLE, SECRET_TEXT, "Hemliga gränd", "59.3326"):
                if who == "other municipality's administrator":
                    assert secret not in page, (who, model, secret)
                elif may_read and model in ("", "situations.Problem", "datasources.Observation"):
                    pass  # checked below: the own organisation reads its own
                else:
                    assert secret not in page, (who, model, secret)
            if model == "situations.Problem" and who != "other municipality's administrator":
                # That a change happened is told; its content is not.
                assert f"Problem #{police_draft.problems.get().pk}" in page, who
                assert (SECRET_TITLE in page) == may_read, who
    # The submitted picture is no longer a secret: its later changes read by all its readers.
    situations.party_picture_submit(party_picture=police_draft, user=readers["police contact"][0])
    latest = AuditEvent.objects.filter(model="situations.PartyPicture").first()
    assert latest.readers == "" and latest.content_visible_to(readers["municipality administrator"][0])


def police_import(police, klass="sekretess"):
    return loader.batch_receive(
        municipality=police.organisation.municipality,
        kind="observations",
        filename="spaning.csv",
        data=(HEADER + ROW.format(klass=klass)).encode(),
        user=police,
    )


def test_a_confidential_import_and_its_original_are_its_organisations_only(client, readers, police):
    batch = loader.batch_apply(police_import(police))
    assert batch.status == ImportBatch.Status.IMPORTED and batch.restricted
    for who, (user, may_read) in readers.items():
        client.force_login(user)
        detail = client.get(reverse("imports:detail", args=[batch.pk]))
        original = client.get(reverse("imports:original", args=[batch.pk]))
        listing = client.get(reverse("imports:list"))
        if may_read:
            assert detail.status_code == 200 and original.status_code == 200, who
            assert b"".join(original.streaming_content).endswith(b"sekretess\n")
            assert "spaning.csv" in listing.content.decode(), who
        else:
            assert detail.status_code in (403, 404) and original.status_code in (403, 404), who
            assert "spaning.csv" not in listing.content.decode(), who
        admin_list = client.get(reverse("admin:datasources_importbatch_changelist"))
        if admin_list.status_code == 200:
            assert ("spaning.csv" in admin_list.content.decode()) == may_read, who


def test_the_duplicate_check_sees_only_what_the_uploader_may_see(client, cast, police):
    loader.batch_apply(police_import(police))
    secret = Observation.objects.get()
    assert secret.classification == Classification.SECRET
    coordinator = cast[Role.DISTRICT_COORDINATOR]
    # The city files the same row, open, for the police's organisation (open rows may name any).
    batch = loader.batch_receive(
        municipality=coordinator.organisation.municipality,
        kind="observations",
        filename="stadens.csv",
        data=(HEADER + ROW.format(klass="öppen")).encode(),
        user=coordinator,
    )
    assert batch.report["errors"] == []
    preview = batch.report["counts"]
    assert (preview["new"], preview["unchanged"]) == (1, 0)  # no oracle
    applied = loader.batch_apply(batch)
    assert applied.report["applied"]["new"] == 1
    assert Observation.objects.count() == 2  # the city's row is not lost
    assert set(Observation.objects.values_list("classification", flat=True)) == {"open", "secret"}
    # The same file again is the same row: nothing added.
    again = loader.batch_apply(
        loader.batch_receive(
            municipality=coordinator.organisation.municipality,
            kind="observations",
            filename="stadens-igen.csv",
            data=(HEADER + ROW.format(klass="öppen") + "\n").encode(),
            user=coordinator,
        )
    )
    assert again.report["applied"]["new"] == 0 and Observation.objects.count() == 2


def test_an_administrator_files_no_row_they_could_not_see(cast, police):
    admin = cast[Role.ADMINISTRATOR]
    batch = loader.batch_receive(
        municipality=admin.organisation.municipality,
        kind="observations",
        filename="admin.csv",
        data=(HEADER + ROW.format(klass="sekretess")).encode(),
        user=admin,
    )
    assert [e["line"] for e in batch.report["errors"]] == [2]
    assert Organisation.objects.get(short_name="LPO Norrmalm").pk != admin.organisation_id
