import tomllib

from django.core.management.base import BaseCommand, CommandError

from samverkan.audit.context import acting_as
from samverkan.configurations.loader import CONFIGURATIONS, read_config_file
from samverkan.organisations.models import Municipality
from samverkan.situations.demo import load_example_pictures


class Command(BaseCommand):
    help = (
        "Load a configuration's worked example of situation pictures (situations.toml), "
        "after its demo content and any data imports. Loading again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="configuration name, e.g. stockholm")

    def handle(self, name, **options):
        folder = CONFIGURATIONS / name
        try:
            municipality_code = read_config_file(folder, "municipality.toml")["municipality"]["code"]
            data = read_config_file(folder, "situations.toml")
        except (KeyError, tomllib.TOMLDecodeError) as error:
            raise CommandError(f"Configuration {name!r} cannot be read: {error}") from error
        municipality = Municipality.objects.filter(code=municipality_code).first()
        if municipality is None:
            raise CommandError(f"Load the configuration first: manage.py load_configuration {name} --demo")
        with acting_as(label=f"configuration:{name}"):
            pictures = load_example_pictures(data, municipality=municipality)
        self.stdout.write(f"Example situation pictures: {', '.join(p.title for p in pictures) or 'none'}")
