"""The shared shape of the commands that load a configuration's worked
example (situation pictures, action plans, consultation rounds, a history of
example data) on top of its demo content."""

import tomllib

from django.core.management.base import BaseCommand, CommandError

from samverkan.audit.context import acting_as
from samverkan.configurations.loader import CONFIGURATIONS, read_config_file
from samverkan.organisations.models import Municipality


class ExampleCommand(BaseCommand):
    file_name = ""  # the configuration file with the example, e.g. "plans.toml"
    label = ""  # what the output calls what was loaded

    def load(self, data: dict, municipality) -> list:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("name", help="configuration name, e.g. stockholm")

    def handle(self, name, **options):
        folder = CONFIGURATIONS / name
        try:
            municipality_code = read_config_file(folder, "municipality.toml")["municipality"]["code"]
            data = read_config_file(folder, self.file_name)
        except (KeyError, tomllib.TOMLDecodeError) as error:
            raise CommandError(f"Configuration {name!r} cannot be read: {error}") from error
        municipality = Municipality.objects.filter(code=municipality_code).first()
        if municipality is None:
            raise CommandError(f"Load the configuration first: manage.py load_configuration {name} --demo")
        with acting_as(label=f"configuration:{name}"):
            loaded = self.load(data, municipality)
        self.stdout.write(f"{self.label}: {', '.join(str(item) for item in loaded) or 'none'}")
