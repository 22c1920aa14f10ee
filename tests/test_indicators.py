import csv
import io

import pytest
from django.urls import reverse

from samverkan.datasources import loader
from samverkan.indicators.compute import indicator_refresh
from samverkan.indicators.models import Indicator, IndicatorValue, Population
from samverkan.indicators.services import refresh_after_import
from samverkan.organisations.models import Area
from tests.test_imports import fixture


def imported(stockholm, name, kind="bra"):
    batch = loader.batch_receive(
        municipality=stockholm, kind=kind, filename=name, data=fixture(name), user=None
    )
    return loader.batch_apply(batch)


def value(code, area_code, kind, label):
    area = None if area_code is None else Area.objects.get(code=area_code)
    return IndicatorValue.objects.get(indicator__code=code, area=area, period_kind=kind, label=label)


@pytest.fixture
def crimes(stockholm):
    batch = imported(stockholm, "bra_databasfil.txt")
    refresh_after_import(batch)
    return batch


def test_population_is_implied_by_bras_rate(crimes, stockholm):
    # 42 crimes at 42 per 100,000 → 100,000 inhabitants
    population = Population.objects.get(municipality=stockholm, area=None, year=2023)
    assert population.count == 100_000
    assert population.source.startswith("BRÅ")


def test_a_rate_carries_its_exact_interval(crimes):
    v = value("brott-mot-person", None, "month", "2023-01")
    assert v.count == 40 and v.population == 100_000
    assert v.value == pytest.approx(0.4)  # per 1,000
    assert (v.low, v.high) == pytest.approx((0.28577, 0.54474), abs=1e-4)


def test_an_old_area_counts_for_the_area_it_became(crimes):
    old = value("brott-mot-person", "rinkeby-kista", "month", "2023-02")
    new = value("brott-mot-person", "jarva", "month", "2023-02")
    assert old.count == new.count == 41
    # Spånga-Tensta is missing from the file: Järva's values are incomplete, not silently too low.
    assert new.incomplete and not old.incomplete


def test_a_suppressed_month_makes_the_sum_suppressed_never_zero(crimes, stockholm):
    indicator = Indicator.objects.create(
        municipality=stockholm,
        code="liv-och-halsa",
        name="Brott mot liv och hälsa",
        source="bra",
        source_filter={"crime": "3 kap. Brott mot liv och hälsa"},
        suppress_below=0,
    )
    indicator_refresh(indicator)
    february = value("liv-och-halsa", "rinkeby-kista", "month", "2023-02")
    assert february.suppressed and february.count is None and february.value is None
    tertial = value("liv-och-halsa", "rinkeby-kista", "tertial", "2023 T1")
    assert tertial.suppressed and tertial.count is None
    assert value("liv-och-halsa", "rinkeby-kista", "month", "2023-03").count == 17


def test_periods_without_all_their_months_are_marked_incomplete(crimes):
    tertial = value("brott-mot-person", None, "tertial", "2023 T1")
    assert tertial.count == 40 + 41 + 42 and tertial.incomplete


def test_small_counts_are_suppressed(stockholm):
    events = Indicator.objects.get(code="polisens-handelser")
    imported(stockholm, "police_events.json", kind="police_events")
    indicator_refresh(events)
    farsta = value("polisens-handelser", "farsta", "year", "2023")
    assert farsta.suppressed and farsta.count is None
    whole = value("polisens-handelser", None, "year", "2023")
    assert whole.suppressed and whole.count is None  # 2 is below the threshold of 5 as well
    events.suppress_below = 0
    events.save()
    indicator_refresh(events)
    assert value("polisens-handelser", None, "year", "2023").count == 2
    assert value("polisens-handelser", "farsta", "year", "2023").count == 1  # Hökarängen is in Farsta


def test_a_significant_change_is_flagged_and_a_small_one_is_not(stockholm):
    rows = ["Region;Brott;År;Period;Antal;/100 000 inv"]
    for year, count in [(2021, 100), (2022, 150), (2023, 160)]:
        rows.append(f"Stockholm kommun;3-7 kap. Brott mot person;{year};Helår;{count};{count};")
    data = "\n".join(rows).encode()
    batch = loader.batch_apply(
        loader.batch_receive(municipality=stockholm, kind="bra", filename="y.txt", data=data, user=None)
    )
    refresh_after_import(batch)
    assert value("brott-mot-person", None, "year", "2022").significant_change
    assert not value("brott-mot-person", None, "year", "2023").significant_change
    assert value("brott-mot-person", None, "year", "2021").change_p is None


def test_refreshing_one_year_leaves_the_others(crimes, stockholm):
    indicator = Indicator.objects.get(code="brott-mot-person")
    before = IndicatorValue.objects.filter(indicator=indicator).count()
    assert indicator_refresh(indicator, years={2023}) == before
    assert indicator_refresh(indicator, years={2019}) == 0
    assert IndicatorValue.objects.filter(indicator=indicator).count() == before


def test_the_district_page_shows_values_intervals_and_a_csv(client, cast, crimes):
    client.force_login(cast["politician"])
    area = Area.objects.get(code="rinkeby-kista")
    page = client.get(reverse("areas:detail", args=[area.pk]) + "?period=month").content.decode()
    assert "Anmälda brott mot person" in page and "2023-01" in page
    assert 'data-chart="chart-data-brott-mot-person"' in page
    response = client.get(
        reverse("areas:indicator_csv", args=[area.pk, "brott-mot-person"]) + "?period=month"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["område", "period", "antal"]
    # The fixture's 2023 is preliminary at BRÅ ("2023 prel."), and the file says so.
    assert [r[1] for r in rows[1:]] == ["2023-01 prel.", "2023-02 prel.", "2023-03 prel."]
    assert rows[1][2] == "40"


def test_the_csv_follows_the_same_access_rules(client, cast, crimes):
    area = Area.objects.get(code="rinkeby-kista")
    url = reverse("areas:indicator_csv", args=[area.pk, "brott-mot-person"])
    assert client.get(url).status_code == 302  # anonymous → sign in
