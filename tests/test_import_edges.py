"""Imports at the system's edges, one test per finding of a probe by a
signed-in writer of one party: who sees a batch and its kept file, refused
files, personal identity numbers in every value and file name, decompression
bombs and oversized files, batches never left "being checked", attribution
of observations, and who may redraw a district."""

import io
import json
import math
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.models import Role
from samverkan.audit.models import AuditEvent
from samverkan.core import archives
from samverkan.datasources import formats, loader, tasks
from samverkan.datasources.importers import observations as observation_format
from samverkan.datasources.models import ImportBatch, Observation, ObservationCategory
from samverkan.organisations.models import Area, AreaKind, Organisation
from tests.test_boundaries import square

FIXTURES = Path(__file__).parent / "fixtures"
NUMBER = "19811228-9874"  # Luhn-valid: a personal identity number in the tests' own words
HEADER = "tid;kategori;beskrivning;longitud;latitud;adress;organisation;klassning\n"


def observations(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def received(stockholm, user, data: bytes, *, kind="observations", filename="est.csv") -> ImportBatch:
    return loader.batch_receive(municipality=stockholm, kind=kind, filename=filename, data=data, user=user)


def city_secret_file(cast) -> bytes:
    own = cast[Role.DISTRICT_COORDINATOR].organisation.name
    return observations(
        f"2024-05-03 21:30;Klotter;Klotter vid tunneln;18,07;59,33;;{own};öppen",
        f"2024-05-03 22:10;Klotter;Anmält till förvaltningen;18,07;59,331;;{own};sekretess",
    )


# --- 1. who sees a batch, its report and its kept file --------------------------------------


def test_a_batch_with_a_confidential_row_is_its_organisations_only_administrators_included(
    client, stockholm, cast
):
    batch = received(stockholm, cast[Role.DISTRICT_COORDINATOR], city_secret_file(cast))
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.report["errors"]
    assert batch.restricted and batch.organisation == cast[Role.DISTRICT_COORDINATOR].organisation
    bra = received(
        stockholm,
        cast[Role.DISTRICT_COORDINATOR],
        (FIXTURES / "bra_databasfil.txt").read_bytes(),
        kind="bra",
        filename="bra.txt",
    )
    assert not bra.restricted  # public statistics: every importer may see the batch

    expected = {  # role: (sees the confidential batch, sees the public one)
        Role.ADMINISTRATOR: (False, True),  # of another organisation: not its rows, not its file
        Role.DISTRICT_COORDINATOR: (True, True),
        Role.POLICE_CONTACT: (False, True),
        Role.PREPARATION_GROUP: (False, True),  # the city, but another organisation
        "other_coordinator": (False, True),
    }
    for role, (sees_secret, sees_public) in expected.items():
        client.force_login(cast[role])
        listing = client.get(reverse("imports:list")).content.decode()
        assert (reverse("imports:detail", args=[batch.pk]) in listing) == sees_secret, role
        assert (reverse("imports:detail", args=[bra.pk]) in listing) == sees_public, role
        for name in ("imports:detail", "imports:original", "imports:progress"):
            status = client.get(reverse(name, args=[batch.pk])).status_code
            assert status == (200 if sees_secret else 404), (role, name, status)
        assert client.post(reverse("imports:apply", args=[batch.pk])).status_code in (
            (302,) if sees_secret else (404,)
        )
    for role in (Role.STEERING_GROUP_MEMBER, Role.POLITICIAN):
        client.force_login(cast[role])
        assert client.get(reverse("imports:detail", args=[bra.pk])).status_code == 403


def test_reading_a_kept_file_is_logged(client, stockholm, cast):
    batch = received(stockholm, cast[Role.DISTRICT_COORDINATOR], city_secret_file(cast))
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    response = client.get(reverse("imports:original", args=[batch.pk]))
    assert b"sekretess" in b"".join(response.streaming_content)
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.READ, model="datasources.ImportBatch")
    assert {(e.actor, e.changes["shown_in"]) for e in reads} == {
        (cast[Role.DISTRICT_COORDINATOR], "original file")
    }
    client.get(reverse("imports:detail", args=[batch.pk]))
    assert reads.filter(changes__shown_in="import report").count() == 1


# --- 2. refused files are not kept, reports keep no number ----------------------------------


def test_a_file_refused_for_a_personal_identity_number_is_not_kept(client, stockholm, cast):
    own = cast[Role.DISTRICT_COORDINATOR].organisation.name
    data = observations(f"2024-05-03 21:30;Klotter;Gäller {NUMBER};18,07;59,33;;{own};")
    batch = received(stockholm, cast[Role.DISTRICT_COORDINATOR], data)
    assert batch.status == ImportBatch.Status.REJECTED
    assert not batch.original and batch.report["not_kept"]
    assert not default_storage.exists(f"imports/observations/{batch.sha256[:2]}/{batch.sha256}/est.csv")
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    assert client.get(reverse("imports:original", args=[batch.pk])).status_code == 404
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "Sparas inte: en avvisad fil raderas" in page and "9874" not in page


def test_bra_regions_and_crimes_holding_a_number_are_refused_and_never_listed(stockholm):
    data = "Region;Brott;År;Period;Antal\n"
    data += "Stadsdelsområde Farsta (Sthlm);3-7 kap. Brott mot person;2023;Jan;5\n"
    data += f"Kvarteret {NUMBER};3-7 kap. Brott mot person;2023;Jan;5\n"
    data += "Stadsdelsområde Farsta (Sthlm);Brott av 811228 9874;2023;Jan;5\n"
    batch = received(stockholm, None, data.encode("utf-8"), kind="bra", filename="bra.txt")
    assert batch.status == ImportBatch.Status.REJECTED
    assert [e["line"] for e in batch.report["errors"]] == [3, 4]
    assert "9874" not in json.dumps(batch.report)
    assert not batch.original


# --- 3. file names, attachments -----------------------------------------------------------------


def test_a_file_name_with_a_number_is_refused_before_anything_is_kept(client, stockholm, cast):
    with pytest.raises(ValidationError) as error:
        received(stockholm, None, b"x", filename=f"anmalan {NUMBER}.csv")
    assert "Filnamnet" in error.value.messages[0] and "9874" not in error.value.messages[0]
    assert not ImportBatch.objects.exists()
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    response = client.post(
        reverse("imports:list"),
        {"kind": "observations", "file": SimpleUploadedFile(f"lista 811228{chr(0x2013)}9874.csv", b"tid\n")},
    )
    assert response.status_code == 400 and "Filnamnet" in response.content.decode()
    assert not ImportBatch.objects.exists()


# --- 4. bombs and large files ---------------------------------------------------------------------


def bomb(member: str, megabytes: int) -> bytes:
    """A small zip whose one member unpacks to `megabytes` of zeros (written in pieces)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(member, "w") as out:
        zeros = bytes(1024 * 1024)
        for _ in range(megabytes):
            out.write(zeros)
    return buffer.getvalue()


def test_a_zipped_shapefile_bomb_is_refused_before_it_is_unpacked(stockholm):
    data = bomb("omraden.dbf", 300)
    assert len(data) < 1024 * 1024
    batch = received(stockholm, None, data, kind="boundaries", filename="omraden.zip")
    assert batch.status == ImportBatch.Status.REJECTED
    assert "dekomprimeringsbomb" in batch.report["errors"][0]["message"]


def test_an_xlsx_bomb_is_refused_before_it_is_opened(stockholm):
    batch = received(stockholm, None, bomb("xl/sharedStrings.xml", 300), kind="bra", filename="bra.xlsx")
    assert batch.status == ImportBatch.Status.REJECTED
    assert "dekomprimeringsbomb" in batch.report["errors"][0]["message"]


def test_an_archive_member_that_outgrows_its_directory_entry_is_refused():
    data = bytearray(bomb("a.dbf", 2))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.infolist()[0]
    info.file_size = 1000  # the directory lies about the size
    with pytest.raises(archives.ArchiveRefused):
        archives.read_member(archive, info)


def test_a_file_of_too_many_lines_is_refused_at_once(stockholm, monkeypatch):
    monkeypatch.setattr(observation_format, "MAX_LINES", 100)
    own = "Norra innerstadens stadsdelsförvaltning"
    data = observations(*[f"2024-05-03 21:30;Klotter;rad {n};18,07;59,33;;{own};" for n in range(150)])
    batch = received(stockholm, None, data)
    assert batch.status == ImportBatch.Status.REJECTED
    assert "151 rader; högst 100" in batch.report["errors"][0]["message"]


def test_many_rows_are_looked_up_in_chunks(stockholm, cast):
    """Thousands of observations: the check asks for stored ones in chunks
    (SQLite refused one query with every value: "too many SQL variables")."""
    own = cast[Role.DISTRICT_COORDINATOR].organisation.name
    rows = [
        f"2024-05-03 {n // 60 % 24:02d}:{n % 60:02d};Klotter;rad {n};18,07;59,33;;{own};"
        for n in range(5_000)
    ]
    batch = received(stockholm, cast[Role.DISTRICT_COORDINATOR], observations(*rows))
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.report["errors"][:3]
    assert batch.report["counts"]["new"] == 5_000
    loader.batch_apply(batch)
    assert Observation.objects.filter(batch=batch).count() == 5_000


def test_lookups_of_more_values_than_sqlite_takes_are_asked_in_chunks(stockholm):
    """SQLite takes at most 250,000 parameters in one query (a 200 MB file has millions of rows)."""
    from samverkan.datasources.importers import stored_among

    own = Observation.objects.create(
        municipality=stockholm,
        observed_at=timezone.now(),
        category=ObservationCategory.objects.first(),
        address="Sergels torg",
        organisation=Organisation.objects.first(),
        fingerprint="f" * 64,
    )
    values = [f"{n:064x}" for n in range(260_000)] + [own.fingerprint]
    assert stored_among(Observation.objects.all(), "fingerprint", values) == {own.fingerprint}


# --- 5. no batch left behind --------------------------------------------------------------------


def test_a_field_over_the_csv_limit_is_an_error_with_its_line(stockholm):
    data = observations(
        "2024-05-03 21:30;Klotter;kort;18,07;59,33;;X;", f'2024-05-03 21:30;Klotter;"{"a" * 200_000};;;;;'
    )
    batch = received(stockholm, None, data)
    assert batch.status == ImportBatch.Status.REJECTED
    message = batch.report["errors"][0]["message"]
    assert "Rad 3" in message and "128 kB" in message


def test_a_file_that_only_starts_like_a_zip_is_rejected_not_a_crash(client, stockholm, cast):
    client.force_login(cast[Role.ADMINISTRATOR])
    for kind in ("boundaries", "bra"):
        response = client.post(
            reverse("imports:list"),
            {"kind": kind, "file": SimpleUploadedFile("trasig.zip", b"PK\x03\x04" + b"\x00" * 100)},
        )
        assert response.status_code == 302
        batch = ImportBatch.objects.latest("pk")
        assert batch.status == ImportBatch.Status.REJECTED and batch.report["errors"]


def test_an_unexpected_failure_ends_the_check_with_a_reason(stockholm, monkeypatch):
    import dataclasses

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    real = formats.get
    monkeypatch.setattr(
        formats,
        "get",
        lambda kind: dataclasses.replace(real(kind), parse=broken) if kind == "observations" else real(kind),
    )
    batch = received(stockholm, None, b"tid\n")
    assert batch.status == ImportBatch.Status.REJECTED
    assert "RuntimeError" in batch.report["errors"][0]["message"] and not batch.in_progress


@pytest.mark.django_db(transaction=True)
def test_the_worker_ends_an_unreadable_file_as_rejected(stockholm):
    data = observations("2024-05-03 21:30;Klotter;kort;18,07;59,33;;X;", f'x;"{"a" * 2_000_000}')
    batch = loader.batch_receive(
        municipality=stockholm, kind="observations", filename="stor.csv", data=data, user=None, check=False
    )
    tasks.check_import.call(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REJECTED and "128 kB" in batch.report["errors"][0]["message"]


# --- 7. attribution -----------------------------------------------------------------------------


def test_the_police_cannot_file_a_confidential_observation_for_the_city(stockholm, cast):
    city = cast[Role.DISTRICT_COORDINATOR].organisation.name
    police = cast[Role.POLICE_CONTACT].organisation.name
    data = observations(
        f"2024-05-03 21:30;Klotter;Klotter;18,07;59,33;;{city};sekretess",
        f"2024-05-03 21:31;Klotter;Klotter;18,07;59,33;;{city};intern",
        f"2024-05-03 21:32;Klotter;Gemensam EST-runda;18,07;59,33;;{city};",
        f"2024-05-03 21:33;Klotter;Egen;18,07;59,33;;{police};sekretess",
    )
    batch = received(stockholm, cast[Role.POLICE_CONTACT], data)
    assert [e["line"] for e in batch.report["errors"]] == [2, 3]
    assert "sekretess" in batch.report["errors"][0]["message"]


# --- 8. boundaries ------------------------------------------------------------------------------


def district_file(name: str, ring) -> bytes:
    feature = {
        "type": "Feature",
        "properties": {"namn": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def test_only_a_districts_own_administration_and_administrators_redraw_it(stockholm, cast):
    own_area = cast[Role.DISTRICT_COORDINATOR].organisation.area
    assert own_area is not None and own_area.kind == AreaKind.DISTRICT
    other = Area.objects.filter(kind=AreaKind.DISTRICT).exclude(pk=own_area.pk).first()
    ring = [list(p) for p in square("EPSG:4326", 18.07, 59.33, half_m=0.01)]
    for user, area, allowed in [
        (cast[Role.POLICE_CONTACT], own_area, False),
        (cast[Role.PREPARATION_GROUP], own_area, False),
        (cast[Role.DISTRICT_COORDINATOR], other, False),
        (cast[Role.DISTRICT_COORDINATOR], own_area, True),
        (cast[Role.ADMINISTRATOR], other, True),
    ]:
        batch = received(
            stockholm, user, district_file(area.name, ring), kind="boundaries", filename="g.geojson"
        )
        assert (batch.status == ImportBatch.Status.PREVIEWED) == allowed, (user, area, batch.report["errors"])
        if allowed:
            assert any("km²" in note for note in batch.report["notes"])  # the preview shows the change
        else:
            assert "egen förvaltning" in batch.report["errors"][0]["message"]


def test_a_boundary_of_a_million_corners_is_refused(stockholm, monkeypatch):
    from samverkan.datasources.importers import boundaries

    monkeypatch.setattr(boundaries, "MAX_VERTICES", 1000)
    ring = [
        [18.07 + 0.01 * math.cos(t / 800 * math.tau), 59.33 + 0.01 * math.sin(t / 800 * math.tau)]
        for t in range(1600)
    ]
    ring.append(ring[0])
    batch = received(stockholm, None, district_file("Farsta", ring), kind="boundaries", filename="g.geojson")
    assert batch.status == ImportBatch.Status.REJECTED
    assert "1601" in batch.report["errors"][0]["message"]
