"""Recompute every indicator's values from the imported rows (after an upgrade that
changes how values are computed, e.g. the disclosure rule)."""

from django.core.management.base import BaseCommand

from samverkan.indicators.compute import indicator_refresh
from samverkan.indicators.models import Indicator


class Command(BaseCommand):
    help = "Recompute every indicator's values from the imported rows."

    def handle(self, *args: object, **options: object) -> None:
        for indicator in Indicator.objects.select_related("municipality").order_by("pk"):
            written = indicator_refresh(indicator, cause="refresh_indicators")
            self.stdout.write(f"{indicator.municipality.code} {indicator.code}: {written}")
