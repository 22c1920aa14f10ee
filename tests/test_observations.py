import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from samverkan.datasources import loader
from samverkan.datasources.models import ImportBatch, Observation, ObservationCategory
from samverkan.organisations.hotspots import grid_counts
from samverkan.organisations.models import Area

FIXTURES = Path(__file__).parent / "fixtures"


def receive(stockholm, data: bytes):
    return loader.batch_receive(
        municipality=stockholm, kind="observations", filename="obs.csv", data=data, user=None
    )


def test_observations_are_placed_in_the_area_valid_on_their_date(stockholm):
    batch = loader.batch_apply(receive(stockholm, (FIXTURES / "observations.csv").read_bytes()))
    assert batch.report["applied"]["new"] == 3
    by_year = {o.observed_at.year: o for o in Observation.objects.filter(longitude__isnull=False)}
    assert by_year[2023].area.code == "rinkeby-kista"
    assert by_year[2024].area.code == "jarva"
    # A place name without a position: the neighbourhood it names, in the district of that date.
    address_only = Observation.objects.get(address="Rinkeby torg")
    assert address_only.neighbourhood.name == "Rinkeby" and address_only.area.code == "jarva"
    assert address_only.organisation.short_name == "LPO Norrmalm"


def test_a_street_address_is_kept_but_never_guessed_into_an_area(client, cast):
    client.force_login(cast["district_coordinator"])
    category = ObservationCategory.objects.get(name="Klotter")
    for address in ["Drottninggatan 5", "Mellan Rinkeby och Tensta"]:
        response = client.post(
            reverse("observations:new"),
            {"category": category.pk, "observed_at": "2023-05-03T21:30", "address": address},
        )
        assert response.status_code == 302
    unplaced = Observation.objects.filter(area__isnull=True).values_list("address", flat=True)
    assert sorted(unplaced) == ["Drottninggatan 5", "Mellan Rinkeby och Tensta"]
    response = client.post(
        reverse("observations:new"),
        {"category": category.pk, "observed_at": "2023-05-03T21:30", "address": "Tensta centrum"},
    )
    assert Observation.objects.get(address="Tensta centrum").area.code == "spanga-tensta"


def test_importing_observations_twice_adds_nothing(stockholm):
    data = (FIXTURES / "observations.csv").read_bytes()
    loader.batch_apply(receive(stockholm, data))
    again = loader.batch_apply(receive(stockholm, data + b"\n"))
    assert again.report["applied"] == {"new": 0, "changed": 0, "unchanged": 3}
    assert Observation.objects.count() == 3


def test_unknown_categories_and_identity_numbers_are_line_errors(stockholm):
    data = (FIXTURES / "observations.csv").read_bytes().decode()
    data = data.replace("Klotter;", "Graffiti;").replace("Mycket skräp", "Skräp, 811228-9874")
    batch = receive(stockholm, data.encode())
    assert batch.status == ImportBatch.Status.REJECTED
    lines = [(e["line"], e["message"]) for e in batch.report["errors"]]
    assert lines[0][0] == 2 and "Graffiti" in lines[0][1]
    assert lines[1][0] == 4 and "personnummer" in lines[1][1]
    assert Observation.objects.count() == 0


def test_the_form_saves_an_observation_in_its_area(client, cast):
    client.force_login(cast["district_coordinator"])
    category = ObservationCategory.objects.get(name="Klotter")
    response = client.post(
        reverse("observations:new"),
        {
            "category": category.pk,
            "observed_at": "2025-05-03T21:30",
            "longitude": "17.925",
            "latitude": "59.388",
            "address": "",
            "description": "Klotter på muren",
        },
    )
    assert response.status_code == 302
    saved = Observation.objects.get()
    assert saved.area.code == "jarva" and saved.neighbourhood is None  # no neighbourhood polygons in tests
    assert saved.organisation == cast["district_coordinator"].organisation


def test_the_form_needs_a_place_and_refuses_identity_numbers(client, cast):
    client.force_login(cast["district_coordinator"])
    category = ObservationCategory.objects.get(name="Klotter")
    no_place = client.post(
        reverse("observations:new"), {"category": category.pk, "observed_at": "2025-05-03T21:30"}
    )
    assert no_place.status_code == 400 and "Markera platsen" in no_place.content.decode()
    personal = client.post(
        reverse("observations:new"),
        {
            "category": category.pk,
            "observed_at": "2025-05-03T21:30",
            "address": "Hos 19811228-9874",
        },
    )
    assert personal.status_code == 400 and "personnummer" in personal.content.decode()
    assert Observation.objects.count() == 0


def test_hotspot_cells_count_points_per_square():
    # Two points 10 m apart share a 250 m cell; one 2 km away has its own.
    cells = grid_counts([18.0000, 18.0001, 18.0400], [59.3000, 59.3000, 59.3000])
    assert sorted(count for _ring, count in cells) == [1, 2]
    ring = cells[0][0]
    assert ring[0] == ring[-1] and len(ring) == 5


def test_the_district_map_carries_observations_and_hotspots(client, cast):
    jarva = Area.objects.get(code="jarva")
    category = ObservationCategory.objects.get(name="Klotter")
    for i in range(3):
        Observation.objects.create(
            municipality=jarva.municipality,
            observed_at=timezone.now() - dt.timedelta(days=i),
            category=category,
            longitude=17.925,
            latitude=59.388,
            area=jarva,
            organisation=cast["district_coordinator"].organisation,
            fingerprint=f"f{i}",
        )
    client.force_login(cast["district_coordinator"])
    collection = client.get(reverse("areas:geometry", args=[jarva.pk])).json()
    kinds = [f["properties"]["kind"] for f in collection["features"]]
    assert kinds.count("observation") == 3
    assert [
        f["properties"]["count"] for f in collection["features"] if f["properties"]["kind"] == "hotspot"
    ] == [3]
    assert collection["hotspots_from"] == 1
    # A reader who does not record observations gets no points and no square below the limit.
    client.force_login(cast["politician"])
    collection = client.get(reverse("areas:geometry", args=[jarva.pk])).json()
    assert {f["properties"]["kind"] for f in collection["features"]} & {"observation", "hotspot"} == set()
    assert collection["hotspots_from"] == settings.SAMVERKAN_SUPPRESS_BELOW


@pytest.mark.parametrize("role", ["steering_group_member", "politician"])
def test_readers_cannot_report_observations(client, cast, role):
    client.force_login(cast[role])
    assert client.get(reverse("observations:new")).status_code == 403


def test_observations_feed_their_indicator(stockholm):
    from samverkan.indicators.models import IndicatorValue
    from samverkan.indicators.services import refresh_after_import

    batch = loader.batch_apply(receive(stockholm, (FIXTURES / "observations.csv").read_bytes()))
    refresh_after_import(batch)
    whole = {
        v.label: v
        for v in IndicatorValue.objects.filter(
            indicator__code="est-observationer", area=None, period_kind="year"
        )
    }
    assert set(whole) == {"2023", "2024"}
    # The data cover 2023-06-01 to 2024-03-03: neither year is complete, and 2 is a small count.
    assert whole["2024"].incomplete and whole["2023"].incomplete and whole["2024"].suppressed
    weeks = IndicatorValue.objects.filter(indicator__code="est-observationer", period_kind="week", area=None)
    # Every week the data cover has a row (an empty one holds 0), so that a hidden week's
    # row says nothing by being there; a year's weeks with a small one are all hidden.
    labels = sorted(v.label for v in weeks)
    assert labels[0] == "2023-V22" and labels[-1] == "2024-V09"
    assert (
        "2023-V40" in labels and len(labels) == len(set(labels)) == 31 + 9
    )  # 2023-V22 to V52, 2024-V01 to V09
    assert all(v.suppressed and v.count is None for v in weeks)
