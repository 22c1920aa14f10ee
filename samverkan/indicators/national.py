"""A municipality compared with the country and with the municipalities it
chose to be compared with, from BRÅ's municipality-level exports.

A BRÅ file of all 290 municipalities is loaded once, by any municipality of
the installation: its rows are public statistics, so every municipality's
comparison reads them, whoever imported them. A row counts when its region
names one of Statistics Sweden's municipalities ("Tranås kommun", "Malung–
Sälens kommun", "Stockholm") and it has both a count and a rate per 100,000
(the population is count / rate). The country is the sum of the
municipalities in the file, and a group is pooled the same way. Every rate
carries its exact Poisson interval (indicators.statistics), as everywhere
else; a count suppressed by BRÅ is left out, and said to be.
"""

from dataclasses import dataclass

from django.apps import apps

from samverkan.audit.stamps import kept
from samverkan.datasources.models import BraPeriod, ReportedCrimeCount
from samverkan.datasources.register import code_for, known
from samverkan.indicators.statistics import rate_estimate
from samverkan.organisations.models import Municipality

PER = 100_000
MIN_MUNICIPALITIES = 100  # fewer in a file than this is no picture of the country


@dataclass
class Rate:
    label: str
    count: int
    population: int
    municipalities: int
    value: float
    low: float
    high: float


@dataclass
class Comparison:
    crime: str
    year: int
    own: Rate | None
    group: Rate | None
    members: list[Rate]
    country: Rate | None
    preliminary: bool

    @property
    def reading(self) -> str:
        """Whether the municipality's interval lies wholly above or below the country's rate."""
        if self.own is None or self.country is None:
            return ""
        if self.own.low > self.country.value:
            return "above"
        if self.own.high < self.country.value:
            return "below"
        return "same"


def _rate(label: str, rows: list[tuple[int, int]]) -> Rate | None:
    count = sum(c for c, _p in rows)
    population = sum(p for _c, p in rows)
    if population <= 0:
        return None
    estimate = rate_estimate(count, population, per=PER)
    return Rate(label, count, population, len(rows), estimate.value, estimate.low, estimate.high)


def municipal_rows(crime: str, year: int) -> dict[str, tuple[int, int, bool]]:
    """Per municipality code: (count, population, preliminary), the latest import winning."""
    found: dict[str, tuple[int, int, bool]] = {}
    rows = (
        ReportedCrimeCount.objects.filter(
            crime=crime,
            year=year,
            period_kind=BraPeriod.YEAR,
            count__isnull=False,
            rate_per_100k__gt=0,
            suppressed=False,
        )
        .order_by("batch_id", "line")
        .values_list("region", "count", "rate_per_100k", "preliminary")
    )
    for region, count, rate, preliminary in rows:
        code = code_for(region)
        if code is not None and count is not None and rate:
            found[code] = (count, round(count * PER / rate), preliminary)
    return found


def comparisons(municipality: Municipality) -> list[Comparison]:
    """Each crime category of the latest year BRÅ's municipality files cover
    nationwide, the municipality against its group and the country; kept
    until an import (of BRÅ's counts among others) or the comparison group changes."""
    return kept(
        f"national-comparisons:{municipality.pk}",
        ("datasources.ImportBatch", "configurations"),  # imports write their rows with their batch
        lambda: _comparisons(municipality),
    )


def _comparisons(municipality: Municipality) -> list[Comparison]:
    # The set-up is configurations', an app above this one: read by name.
    setup = (
        apps.get_model("configurations", "MunicipalitySetup")
        .objects.filter(municipality=municipality)
        .first()
    )
    group_codes = [c for c in (setup.comparison_group if setup else []) if c != municipality.code]
    candidates = (
        ReportedCrimeCount.objects.filter(period_kind=BraPeriod.YEAR, rate_per_100k__gt=0)
        .values_list("crime", "year")
        .distinct()
        .order_by("crime", "-year")
    )
    latest: dict[str, int] = {}
    result = []
    for crime, year in candidates:
        if crime in latest:
            continue
        rows = municipal_rows(crime, year)
        if len(rows) < MIN_MUNICIPALITIES:
            continue
        latest[crime] = year
        own = rows.get(municipality.code)
        members = [
            rate
            for code in group_codes
            if code in rows
            and (rate := _rate(getattr(known(code), "name", code), [rows[code][:2]])) is not None
        ]
        group = _rate("", [rows[c][:2] for c in group_codes if c in rows]) if members else None
        result.append(
            Comparison(
                crime,
                year,
                _rate(municipality.name, [own[:2]]) if own else None,
                group,
                members,
                _rate("", [r[:2] for r in rows.values()]),
                any(r[2] for r in rows.values()),
            )
        )
    return result
