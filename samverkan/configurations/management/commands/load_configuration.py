from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samverkan.configurations.demo import DEMO_PASSWORD
from samverkan.configurations.loader import ConfigurationError, default_neighbourhood_file
from samverkan.configurations.services import load_configuration


class Command(BaseCommand):
    help = "Load a municipality's configuration (areas, organisations, agreements). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("name", help="configuration folder, e.g. stockholm")
        parser.add_argument("--demo", action="store_true", help="also load example content and demo users")
        parser.add_argument("--neighbourhoods", type=Path, help="GeoJSON file with neighbourhood polygons")

    def handle(self, name, demo, neighbourhoods, **options):
        source = neighbourhoods or default_neighbourhood_file(name)
        try:
            report = load_configuration(name, demo=demo, neighbourhood_file=source)
        except ConfigurationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Loaded {report.municipality}: {report.district_geometries} district geometries, "
            f"{report.neighbourhood_geometries} neighbourhood geometries"
            + ("" if source else " (no neighbourhood file found; districts only)")
        )
        if demo:
            self.stdout.write(
                "Demo users: admin, beredning, samordnare, polis, styrgrupp, politiker; "
                f"password: {DEMO_PASSWORD}"
            )
