import tomllib

from django.core.management.base import BaseCommand, CommandError

from samverkan.audit.context import acting_as
from samverkan.configurations.loader import CONFIGURATIONS, read_config_file
from samverkan.organisations.models import Municipality
from samverkan.plans.demo import load_example_plans


class Command(BaseCommand):
    help = (
        "Load a configuration's worked example of action plans, follow-up, citizen promises and the "
        "yearly compilation (plans.toml), after load_example_pictures. Loading again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="configuration name, e.g. stockholm")

    def handle(self, name, **options):
        folder = CONFIGURATIONS / name
        try:
            municipality_code = read_config_file(folder, "municipality.toml")["municipality"]["code"]
            data = read_config_file(folder, "plans.toml")
        except (KeyError, tomllib.TOMLDecodeError) as error:
            raise CommandError(f"Configuration {name!r} cannot be read: {error}") from error
        municipality = Municipality.objects.filter(code=municipality_code).first()
        if municipality is None:
            raise CommandError(f"Load the configuration first: manage.py load_configuration {name} --demo")
        with acting_as(label=f"configuration:{name}"):
            plans = load_example_plans(data, municipality=municipality)
        self.stdout.write(f"Example action plans: {', '.join(str(p) for p in plans) or 'none'}")
