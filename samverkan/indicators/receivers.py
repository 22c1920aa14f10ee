from typing import Any

from django.dispatch import receiver

from samverkan.datasources.models import ImportBatch, Observation
from samverkan.datasources.signals import (
    batch_imported,
    command_imported,
    observation_recorded,
    rows_rematched,
)
from samverkan.indicators import services
from samverkan.indicators.tasks import refresh_after_import, refresh_observation_year, refresh_source_years


@receiver(batch_imported)
def refresh_indicators(sender: type[ImportBatch], batch: ImportBatch, **kwargs: Any) -> None:
    refresh_after_import.enqueue(batch.pk)


@receiver(command_imported)
def refresh_indicators_now(sender: type[ImportBatch], batch: ImportBatch, **kwargs: Any) -> None:
    services.refresh_after_import(batch)


@receiver(observation_recorded)
def refresh_observation_indicators(
    sender: type[Observation], observation: Observation, **kwargs: Any
) -> None:
    refresh_observation_year.enqueue(observation.municipality_id, observation.observed_at.year)


@receiver(rows_rematched)
def refresh_rematched_years(
    sender: Any, municipality: Any, years: dict[str, set[int]], **kwargs: Any
) -> None:
    for source, touched in years.items():
        refresh_source_years.enqueue(municipality.pk, source, sorted(touched))
