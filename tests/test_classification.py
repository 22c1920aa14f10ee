"""Restricted observations (internal to a party, or confidential to one
organisation) and party drafts: who sees them, which joint products leave
them out, and that every reading is written to the audit log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import box, mapping

from samverkan.accounts.models import Role
from samverkan.audit.models import AuditEvent
from samverkan.datasources import loader
from samverkan.datasources.models import Classification, Observation, ObservationCategory
from samverkan.datasources.services import observation_record
from samverkan.est import services as est_services
from samverkan.est.models import EstGroup
from samverkan.indicators.compute import source_counts
from samverkan.indicators.models import Indicator, IndicatorSource
from samverkan.organisations.models import Area, Organisation
from samverkan.situations.selectors import selection_figures

# Sergels torg, in Norra innerstaden since 2024.
PLATTAN = (18.0649, 59.3326)


def observe(user, classification, *, when=None, description=""):
    return observation_record(
        municipality=user.organisation.municipality,
        user=user,
        category=ObservationCategory.objects.get(name="Klotter"),
        observed_at=when or timezone.now() - dt.timedelta(days=2),
        longitude=PLATTAN[0],
        latitude=PLATTAN[1],
        address="",
        description=description,
        classification=classification,
    )


@pytest.fixture
def reporter(cast):
    """A coordinator of Norra innerstaden, a city organisation."""
    user = cast[Role.DISTRICT_COORDINATOR]
    user.organisation = Organisation.objects.get(name="Norra innerstadens stadsdelsförvaltning")
    user.save()
    return user


@pytest.fixture
def three(reporter):
    return {c: observe(reporter, c, description=f"Klotter ({c})") for c in Classification.values}


def seen_by(user):
    return set(Observation.objects.visible_to(user).values_list("classification", flat=True))


def test_each_classification_reaches_only_its_readers(cast, reporter, three):
    assert seen_by(reporter) == {"open", "internal", "secret"}
    # Another city organisation: the city's internal ones, not another organisation's confidential ones.
    assert seen_by(cast["other_coordinator"]) == {"open", "internal"}
    assert seen_by(cast[Role.POLITICIAN]) == {"open", "internal"}
    # The police: open only. Roles change nothing, administrators included.
    assert seen_by(cast[Role.POLICE_CONTACT]) == {"open"}
    assert not cast[Role.ADMINISTRATOR].organisation.is_police
    assert seen_by(cast[Role.ADMINISTRATOR]) == {"open", "internal"}


def test_the_form_records_the_classification_and_says_what_it_means(client, reporter):
    client.force_login(reporter)
    page = client.get(reverse("observations:new")).content.decode()
    assert "Vem får se den?" in page
    assert "Intern: bara min egen part (staden eller polisen)" in page
    response = client.post(
        reverse("observations:new"),
        {
            "category": ObservationCategory.objects.get(name="Klotter").pk,
            "observed_at": "2025-03-12T21:30",
            "longitude": PLATTAN[0],
            "latitude": PLATTAN[1],
            "classification": "secret",
        },
    )
    assert response.status_code == 302
    assert Observation.objects.get().classification == Classification.SECRET
    assert (
        "Konfidentiell: bara min egen organisation"
        in client.get(reverse("observations:new")).content.decode()
    )


def test_the_district_map_shows_each_reader_what_they_may_see_and_logs_restricted_reads(client, cast, three):
    area = Area.objects.get(code="norra-innerstaden")
    url = reverse("areas:geometry", args=[area.pk])

    def shown(user):
        client.force_login(user)
        features = client.get(url).json()["features"]
        points = [f for f in features if f["properties"]["kind"] == "observation"]
        hotspots = [f["properties"]["count"] for f in features if f["properties"]["kind"] == "hotspot"]
        return len(points), hotspots

    assert shown(cast[Role.POLICE_CONTACT]) == (1, [1])  # hotspots count only what the reader sees
    assert not AuditEvent.objects.filter(action="read").exists()
    assert shown(cast["other_coordinator"]) == (2, [2])
    assert shown(cast[Role.DISTRICT_COORDINATOR]) == (3, [3])

    reads = AuditEvent.objects.filter(action="read", model="datasources.Observation")
    by_reader = sorted((e.actor_label, e.object_pk) for e in reads)
    internal, secret = str(three["internal"].pk), str(three["secret"].pk)
    assert by_reader == sorted(
        [
            ("samordnare.sodermalm", internal),
            (cast[Role.DISTRICT_COORDINATOR].username, internal),
            (cast[Role.DISTRICT_COORDINATOR].username, secret),
        ]
    )
    assert {e.changes["shown_in"] for e in reads} == {"district map"}


def test_joint_products_use_open_observations_only(stockholm, reporter):
    week = dt.date(2025, 3, 10)
    for classification in ["open", "internal", "internal", "secret"]:
        observe(reporter, classification, when=timezone.make_aware(dt.datetime(2025, 3, 11, 21)))
    group = EstGroup.objects.get(name="EST Norra innerstaden")
    picture = est_services.weekly_picture_compile(group=group, week_start=week)
    assert picture.content["observations"]["total"] == 1
    assert len(picture.content["items"]) == 1

    indicator = Indicator.objects.create(
        municipality=stockholm,
        code="klotter-obs",
        name="Klotter enligt observationer",
        source=IndicatorSource.OBSERVATIONS,
        source_filter={"categories": ["Klotter"]},
    )
    area = Area.objects.get(code="norra-innerstaden")
    assert sum(c.count for c in source_counts(indicator, {2025}) if c.area_id == area.pk) == 1

    # Enough open ones later in the month for the count to be shown (the disclosure limit).
    from django.conf import settings

    more = settings.SAMVERKAN_SUPPRESS_BELOW - 1
    for day in range(more):
        observe(reporter, "open", when=timezone.make_aware(dt.datetime(2025, 3, 20 + day, 21)))
    around = mapping(box(PLATTAN[0] - 0.01, PLATTAN[1] - 0.01, PLATTAN[0] + 0.01, PLATTAN[1] + 0.01))
    figures = selection_figures(
        around, municipality=stockholm, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31)
    )
    assert figures["total"] == 1 + more  # the internal and confidential ones are not counted


def test_imports_read_the_optional_classification_column(stockholm):
    data = (
        b"tid;kategori;beskrivning;longitud;latitud;adress;organisation;klassning\n"
        b"2024-03-02 22:10;Klotter;Vid tunneln;18.0649;59.3326;;LPO Norrmalm;intern\n"
        b"2024-03-02 22:20;Klotter;Vid trappan;18.0649;59.3326;;LPO Norrmalm;\n"
        b"2024-03-02 22:30;Klotter;Vid bron;18.0649;59.3326;;LPO Norrmalm;Sekretess\n"
        b"2024-03-02 22:40;Klotter;Vid kiosken;18.0649;59.3326;;LPO Norrmalm;hemlig\n"
    )
    batch = loader.batch_receive(
        municipality=stockholm, kind="observations", filename="obs.csv", data=data, user=None
    )
    assert [(e["line"], e["message"]) for e in batch.report["errors"]] == [
        (5, "'hemlig' är ingen klassning: skriv öppen, intern eller sekretess, eller lämna tomt.")
    ]
    assert Observation.objects.count() == 0  # nothing is imported while a line is wrong

    fixed = data.replace(b";hemlig", b";open")
    loader.batch_apply(
        loader.batch_receive(
            municipality=stockholm, kind="observations", filename="obs.csv", data=fixed, user=None
        )
    )
    by_text = dict(Observation.objects.values_list("description", "classification"))
    assert by_text == {
        "Vid tunneln": "internal",
        "Vid trappan": "open",
        "Vid bron": "secret",
        "Vid kiosken": "open",
    }


def test_reading_a_party_draft_is_logged(client, cast, reporter):
    from samverkan.agreements.models import Agreement
    from samverkan.situations import services

    agreement = Agreement.objects.get(area__code="norra-innerstaden")
    picture = services.picture_create(
        agreement=agreement,
        title="Lägesbild",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    draft = services.party_picture_start(picture=picture, organisation=reporter.organisation)
    client.force_login(reporter)
    assert client.get(reverse("situations:party", args=[draft.pk])).status_code == 200
    read = AuditEvent.objects.get(action="read", model="situations.PartyPicture")
    assert (read.actor_id, read.object_pk, read.changes) == (
        reporter.pk,
        str(draft.pk),
        {"shown_in": "party draft"},
    )

    services.problem_add(owner=draft, title="Klotter i tunneln")
    services.party_picture_submit(party_picture=draft, user=reporter)
    client.get(reverse("situations:party", args=[draft.pk]))
    assert (
        AuditEvent.objects.filter(action="read").count() == 1
    )  # a submitted picture is no longer restricted


def test_the_admin_site_keeps_the_classification(client, cast, three):
    admin = cast[Role.ADMINISTRATOR]
    assert admin.organisation_id != three["secret"].organisation_id
    client.force_login(admin)
    page = client.get(reverse("admin:datasources_observation_changelist")).content.decode()
    assert "3 observationer" not in page and "2 observationer" in page
    secret = reverse("admin:datasources_observation_change", args=[three["secret"].pk])
    assert client.get(secret).status_code == 302  # Django admin sends an unknown object back to the list
    internal = reverse("admin:datasources_observation_change", args=[three["internal"].pk])
    assert client.get(internal).status_code == 200
    assert AuditEvent.objects.filter(action="read", object_pk=str(three["internal"].pk)).exists()


def test_readers_who_do_not_record_observations_see_squares_of_at_least_the_limit_and_no_points(
    client, cast, reporter
):
    """A point with its day and time could be counted back into a hidden weekly count:
    politicians and the steering group get the squares only, none below the limit."""
    from django.conf import settings

    area = Area.objects.get(code="norra-innerstaden")
    url = reverse("areas:geometry", args=[area.pk])
    limit = settings.SAMVERKAN_SUPPRESS_BELOW
    for _n in range(limit - 1):
        observe(reporter, Classification.OPEN)

    def shown(user):
        client.force_login(user)
        features = client.get(url).json()["features"]
        points = [f for f in features if f["properties"]["kind"] == "observation"]
        return len(points), [
            f["properties"]["count"] for f in features if f["properties"]["kind"] == "hotspot"
        ]

    assert shown(cast[Role.DISTRICT_COORDINATOR]) == (limit - 1, [limit - 1])
    for role in (Role.POLITICIAN, Role.STEERING_GROUP_MEMBER):
        assert shown(cast[role]) == (0, [])
    observe(reporter, Classification.OPEN)
    assert shown(cast[Role.POLITICIAN]) == (0, [limit])
    page = client.get(reverse("areas:detail", args=[area.pk])).content.decode()
    assert f"rutor med minst {limit} observationer" in page
