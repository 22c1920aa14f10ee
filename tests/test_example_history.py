"""The demo stands on its own: the sample files ship with the configuration,
and a generated ten-year history (marked Exempel) gives every chart a series."""

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from samverkan.configurations.history import load_example_history
from samverkan.configurations.loader import CONFIGURATIONS, default_neighbourhood_file, read_config_file
from samverkan.configurations.services import load_configuration
from samverkan.datasources.models import ImportBatch, Observation, ReportedCrimeCount
from samverkan.est.models import WeeklyPicture
from samverkan.indicators.models import IndicatorValue
from samverkan.organisations.models import Area
from samverkan.plans import figures
from tests.conftest import undone_after_the_module

TODAY = dt.date(2026, 12, 2)
FOLDER = CONFIGURATIONS / "stockholm"


@pytest.fixture(scope="module")
def loaded_history(django_db_setup, django_db_blocker):
    """The ten-year history, generated and imported once for the module (it takes
    seconds), in a transaction undone when the module ends; each test runs inside
    it and undoes its own changes."""
    with undone_after_the_module(django_db_blocker):
        municipality = load_configuration(
            "stockholm", demo=True, neighbourhood_file=default_neighbourhood_file("stockholm")
        ).municipality
        done = load_example_history(
            read_config_file(FOLDER, "demo.toml"), municipality=municipality, folder=FOLDER, today=TODAY
        )
        yield municipality, done


@pytest.fixture
def history(loaded_history, db):
    return loaded_history


def yearly(code: str, area: Area) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(
            indicator__code=code, area=area, period_kind="year", value__isnull=False
        )
    )


def test_every_district_chart_has_a_ten_year_series(history):
    municipality, _done = history
    for code in ["jarva", "sodermalm", "farsta", "hagersten-alvsjo"]:
        area = Area.objects.get(municipality=municipality, code=code)
        for indicator in ["brott-mot-person", "misshandel", "otrygg-kvall"]:
            assert len(yearly(indicator, area)) >= 8, (code, indicator)
    jarva = Area.objects.get(municipality=municipality, code="jarva")
    assert len(yearly("est-observationer", jarva)) >= 8
    assert WeeklyPicture.objects.filter(group__area=jarva).count() == 12
    # The whole municipality's line for comparison, and the current year marked preliminary.
    whole = IndicatorValue.objects.filter(indicator__code="misshandel", area__isnull=True, period_kind="year")
    assert whole.count() >= 10
    assert whole.get(period_start=dt.date(2026, 1, 1)).preliminary
    assert not whole.get(period_start=dt.date(2024, 1, 1)).preliminary


def test_generated_data_is_marked_as_example_and_the_real_rows_are_kept(history):
    _municipality, _done = history
    batches = {b.filename: b for b in ImportBatch.objects.filter(status=ImportBatch.Status.IMPORTED)}
    assert not batches["Databasfil2022.txt"].is_example and not batches["events_2023-03-25.json"].is_example
    generated = [b for b in batches.values() if b.is_example]
    assert {b.kind for b in generated} == {"bra", "survey", "observations"}
    assert all(b.filename.startswith("Exempel") for b in generated)
    # The real 2022 rows come from the real file alone; the history fills the rest around them.
    real = ReportedCrimeCount.objects.filter(
        batch=batches["Databasfil2022.txt"], area__isnull=False, year=2022
    )
    generated_2022 = ReportedCrimeCount.objects.filter(batch__is_example=True, year=2022, area__isnull=False)
    assert real.exists() and not generated_2022.filter(area__in=real.values("area")).exists()
    assert (
        Observation.objects.filter(batch__is_example=True, description__startswith="Exempel").count() > 1000
    )
    # Survey values are per cent, and shares stay shares.
    shares = IndicatorValue.objects.filter(indicator__code="otrygg-kvall", value__isnull=False)
    assert shares.exists() and all(0 < v.value < 100 for v in shares)


def test_loading_the_history_again_changes_nothing(history):
    municipality, _done = history
    rows = ReportedCrimeCount.objects.count(), Observation.objects.count()
    again = load_example_history(
        read_config_file(FOLDER, "demo.toml"), municipality=municipality, folder=FOLDER, today=TODAY
    )
    assert (ReportedCrimeCount.objects.count(), Observation.objects.count()) == rows
    assert all("Redan importerad" in line or "Already imported" in line for line in again[:5])


def test_a_series_runs_on_across_a_merger(history):
    """Järva's first year on its own continues the sum of the two districts that became it."""
    municipality, _done = history
    jarva = Area.objects.get(municipality=municipality, code="jarva")
    values = {v.period_start.year: v.value for v in yearly("brott-mot-person", jarva)}
    assert 0.7 < values[2024] / values[2023] < 1.3


def test_a_plan_baseline_from_a_survey_is_the_value_shown_in_per_cent(history):
    municipality, _done = history
    jarva = Area.objects.get(municipality=municipality, code="jarva")
    value = IndicatorValue.objects.get(
        indicator__code="otrygg-kvall", area=jarva, period_kind="year", period_start=dt.date(2024, 1, 1)
    )

    class Link:
        indicator = value.indicator
        area = jarva
        baseline = value.value
        baseline_period = "2024"
        target = value.value - 5
        direction = "decrease"

    shown = figures.measure_indicator_figures(Link, until=dt.date(2024, 12, 31))
    assert shown["latest"]["value"] == pytest.approx(value.value)
    assert shown["unit"] == "%" and shown["latest"]["value"] < 100


def test_nothing_in_the_product_reads_the_folder_beside_the_checkout():
    tracked = subprocess.run(
        ["git", "ls-files", "samverkan", "bin", "Makefile", "Dockerfile", "deploy"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    beside = re.compile(r"\.\./shared|parent\s*/\s*\"shared\"|\"shared\"\s*/\s*\"data\"")
    readers = [
        name
        for name in tracked
        if Path(settings.BASE_DIR / name).suffix in {".py", ".sh", ".toml", ""}
        and (settings.BASE_DIR / name).is_file()
        and beside.search((settings.BASE_DIR / name).read_text(encoding="utf-8", errors="replace"))
    ]
    assert readers == []
