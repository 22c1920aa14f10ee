from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samverkan.audit.context import acting_as
from samverkan.datasources import services
from samverkan.organisations.models import Municipality


class Command(BaseCommand):
    help = (
        "Match the stored BRÅ and survey rows to the areas again (after an area or a region name's "
        "alias changed); changed rows are audited and their years recomputed by the worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipality", default=settings.SAMVERKAN_MUNICIPALITY, help="municipality code"
        )

    def handle(self, *args: Any, municipality: str, **options: Any) -> None:
        target = Municipality.objects.filter(code=municipality).first()
        if target is None:
            raise CommandError(f"No municipality with code {municipality}.")
        with acting_as(label="rematch_regions"):
            changed = services.rows_rematch(municipality=target)
        self.stdout.write(f"{target.name}: {changed} stored rows now count for another area.")
