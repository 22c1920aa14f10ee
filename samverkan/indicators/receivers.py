from typing import Any

from django.dispatch import receiver

from samverkan.datasources.models import ImportBatch, Observation
from samverkan.datasources.signals import batch_imported, observation_recorded
from samverkan.indicators.tasks import refresh_after_import, refresh_observation_year


@receiver(batch_imported)
def refresh_indicators(sender: type[ImportBatch], batch: ImportBatch, **kwargs: Any) -> None:
    refresh_after_import.enqueue(batch.pk)


@receiver(observation_recorded)
def refresh_observation_indicators(
    sender: type[Observation], observation: Observation, **kwargs: Any
) -> None:
    refresh_observation_year.enqueue(observation.municipality_id, observation.observed_at.year)
