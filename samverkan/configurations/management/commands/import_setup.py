from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samverkan.configurations.document import DocumentError, loads
from samverkan.configurations.services import setup_load


class Command(BaseCommand):
    help = "Load a set-up file written by export_setup. Safe to run again: it changes only what differs."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, file, **options):
        try:
            report = setup_load(loads(file.read_bytes()), label=file.name)
        except (OSError, DocumentError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Loaded the set-up of {report.municipality}.")
