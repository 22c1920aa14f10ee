"""Each input a probe found answering 500 now answers 400 or 404 with a
message, on SQLite and PostgreSQL alike (the wider fuzzing is in
test_form_fuzzing)."""

import json
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation

from samverkan.accounts.models import Role, User
from samverkan.configurations.document import DocumentError, loads
from samverkan.configurations.services import setup_load
from samverkan.datasources.models import ImportBatch, Observation, ObservationCategory
from samverkan.est.models import EstGroup
from samverkan.governance import services as governance
from samverkan.organisations.models import Organisation
from samverkan.situations.demo import load_example_pictures
from tests.test_plans import EXAMPLE_PICTURES

HUGE = "9" * 20


def test_a_year_past_every_calendar_in_the_est_summary(client, cast):
    group = EstGroup.objects.first()
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    answer = client.get(reverse("est:summary", args=[group.pk]), {"year": "99999999999999999999"})
    assert answer.status_code in (400, 403, 404)


@pytest.mark.parametrize(("lon", "lat"), [("0", "0"), ("-70", "-45"), ("1e308", "1e308"), ("nan", "0")])
def test_an_observation_outside_the_municipality(client, cast, lon, lat):
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    answer = client.post(
        reverse("observations:new"),
        {
            "category": ObservationCategory.objects.get(name="Klotter").pk,
            "observed_at": "2024-05-03T21:30",
            "longitude": lon,
            "latitude": lat,
        },
    )
    assert answer.status_code == 400
    assert "utanför" in answer.content.decode() or "position" in answer.content.decode()
    assert not Observation.objects.exists()


def test_a_file_name_longer_than_the_file_system_takes(client, cast):
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    name = "å" * 250 + ".csv"
    data = (
        "tid;kategori;beskrivning;longitud;latitud;adress;organisation\n"
        "2024-05-03 21:30;Klotter;Vid tunneln;18.07;59.33;;Norra innerstadens stadsdelsförvaltning\n"
    ).encode()
    answer = client.post(
        reverse("imports:list"), {"kind": "observations", "file": SimpleUploadedFile(name, data, "text/csv")}
    )
    assert answer.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.filename.startswith("ååå") and len(batch.original.name.rpartition("/")[2].encode()) <= 255
    original = client.get(reverse("imports:original", args=[batch.pk]))
    assert original.status_code == 200 and b"".join(original.streaming_content) == data


def document(**change):
    base = {
        "format": "samverkan-setup",
        "version": 1,
        "municipality": {"code": "1280", "name": "Malmö stad"},
        "organisations": [{"key": "x", "kind": "committee", "name": "Nämnd"}],
        "agreements": [],
    }
    for key, value in change.items():
        base[key] = value
    return json.dumps(base).encode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {
                "agreements": [
                    {"key": "a", "title": "Ö", "scope": "central", "revision_interval_years": 10**30}
                ]
            },
            "",
        ),
        ({"organisations": [{"key": "x", "kind": "committee", "name": "N" * 100_000}]}, "200"),
        ({"organisations": [{"key": "x", "kind": "bogus", "name": "Nämnd"}]}, "bogus"),
        ({"organisations": [{"key": "x", "kind": "committee", "name": "Näm\x00nd"}]}, ""),
        ({"areas": [{"code": "a", "kind": "bogus", "name": "A" * 400}]}, ""),
    ],
)
def test_a_setup_document_no_field_can_take_is_refused_with_a_reason(db, change, message):
    with translation.override("en"), pytest.raises(DocumentError, match=message):
        setup_load(loads(document(**change)), label="test")
    assert not Organisation.objects.filter(municipality__code="1280").exists()


def test_the_set_up_page_answers_a_document_no_field_can_take(client, cast):
    superuser = User.objects.create_superuser("installation", organisation=None)
    client.force_login(superuser)
    bad = document(organisations=[{"key": "x", "kind": "committee", "name": "N" * 100_000}])
    answer = client.post(
        reverse("setup:import"),
        {"file": SimpleUploadedFile("setup.json", bad, "application/json")},
        follow=True,
    )
    assert answer.status_code == 200 and "kunde inte läsas in" in answer.content.decode()


def test_a_multiple_choice_of_an_id_no_column_holds(client, cast, stockholm):
    joint = load_example_pictures(EXAMPLE_PICTURES, municipality=stockholm)[0].joint
    client.force_login(cast[Role.STEERING_GROUP_MEMBER])
    answer = client.post(
        reverse("situations:decision", args=[joint.pk]),
        {"decided_on": "2026-09-01", "minutes_reference": "§ 9", "problems": [HUGE]},
    )
    assert answer.status_code == 400


@pytest.mark.parametrize("path", ["/public/%00/", "/public/0180/%00/", "/areas/%00/"])
def test_a_nul_in_the_address(client, cast, path):
    client.force_login(cast[Role.POLITICIAN])
    assert client.get(path).status_code in (400, 404)


@pytest.mark.django_db(transaction=True)
def test_the_same_person_added_twice_at_once(stockholm):
    admin = User.objects.get(username="admin")
    organisation = admin.organisation
    barrier = threading.Barrier(2)
    outcomes = []

    def add():
        try:
            barrier.wait()
            person = User(username="ny.person", first_name="Ny", last_name="Person", role=Role.POLITICIAN)
            person.organisation = organisation
            outcomes.append(governance.person_add(user=person, organisations=[organisation], by=admin))
        except Exception as error:  # noqa: BLE001 - the outcome is what the test reads
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert User.objects.filter(username="ny.person").count() == 1
    errors = [o for o in outcomes if isinstance(o, Exception)]
    # Refused in words either way: "taken" when both got past the check together (the
    # database's constraint), "already exists" when one finished before the other checked.
    assert len(errors) == 1
    assert "upptaget" in str(errors[0]) or "finns redan" in str(errors[0]), errors[0]


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "1900-01-01T00:00", "2099-01-01T00:00"])
def test_an_observation_of_a_time_nobody_saw(client, cast, when):
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    answer = client.post(
        reverse("observations:new"),
        {
            "category": ObservationCategory.objects.get(name="Klotter").pk,
            "observed_at": when,
            "address": "Sergels torg",
        },
    )
    assert answer.status_code == 400 and "observed_at" in answer.context["form"].errors
    assert not Observation.objects.exists()
