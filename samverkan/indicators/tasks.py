from django.tasks import task

from samverkan.datasources.models import ImportBatch
from samverkan.indicators import services
from samverkan.indicators.compute import indicator_refresh
from samverkan.indicators.models import Indicator, IndicatorSource


@task()
def refresh_after_import(batch_id: int) -> int:
    return services.refresh_after_import(ImportBatch.objects.get(pk=batch_id))


@task()
def refresh_observation_year(municipality_id: int, year: int) -> int:
    """A new observation from the form: recompute its year of the observation indicators."""
    return sum(
        indicator_refresh(indicator, years={year})
        for indicator in Indicator.objects.filter(
            municipality_id=municipality_id, source=IndicatorSource.OBSERVATIONS
        )
    )


@task()
def refresh_source_years(municipality_id: int, source: str, years: list[int]) -> int:
    """Stored rows of a source changed area: recompute those years of its indicators."""
    return sum(
        indicator_refresh(indicator, years=set(years))
        for indicator in Indicator.objects.filter(municipality_id=municipality_id, source=source)
    )
