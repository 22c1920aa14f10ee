from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from samverkan.datasources import formats
from samverkan.datasources.models import ImportBatch, ReportedCrimeCount
from samverkan.indicators.compute import indicator_refresh
from samverkan.indicators.models import Indicator, IndicatorSource, Population
from samverkan.organisations.models import Municipality


@transaction.atomic
def population_from_bra(municipality: Municipality) -> int:
    """Inhabitants per area and year implied by BRÅ's count and rate per
    100,000, where no other source has given them. The row with the largest
    count gives the least rounding error."""
    best: dict[tuple[int | None, int], tuple[int, float]] = {}
    rows = ReportedCrimeCount.objects.filter(
        municipality=municipality, suppressed=False, rate_per_100k__gt=0, count__gt=0
    ).exclude(area__isnull=True, is_municipality=False)
    for row in rows.only("area_id", "is_municipality", "year", "count", "rate_per_100k"):
        if row.count is None or row.rate_per_100k is None:
            continue  # excluded by the query; the type does not know
        key = (None if row.is_municipality else row.area_id, row.year)
        if key not in best or row.count > best[key][0]:
            best[key] = (row.count, row.rate_per_100k)
    written = 0
    for (area_id, year), (count, rate) in best.items():
        # area_id None is the whole municipality (the lookup stubs do not allow None).
        lookup: dict[str, Any] = {"municipality": municipality, "area_id": area_id, "year": year}
        existing = Population.objects.filter(**lookup).first()
        if existing is not None and not existing.source.startswith("BRÅ"):
            continue
        Population.objects.update_or_create(
            **lookup,
            defaults={
                "count": round(count * 100_000 / rate),
                "source": _("BRÅ: implied by the rate per 100,000 inhabitants"),
            },
        )
        written += 1
    return written


def refresh_after_import(batch: ImportBatch) -> int:
    """Recompute only the years the import touched, for the indicators fed by
    its source (an indicator's source is named as the format it reads)."""
    fmt = formats.get(batch.kind)
    if fmt.counts is None and fmt.shares is None:
        return 0  # boundaries, measures and follow-up values feed no indicator series
    if batch.kind == IndicatorSource.BRA:
        population_from_bra(batch.municipality)
    touched = fmt.years
    years = (touched(batch) if touched else set()) or None
    written = 0
    for indicator in Indicator.objects.filter(municipality=batch.municipality, source=batch.kind):
        written += indicator_refresh(indicator, years=years, cause=f"import #{batch.pk}")
    return written
