import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samverkan.configurations.document import dumps, export_setup
from samverkan.organisations.models import Municipality


class Command(BaseCommand):
    help = "Write a municipality's whole set-up to a file that import_setup (or the set-up page) reads."

    def add_arguments(self, parser):
        parser.add_argument("code", help="municipality code, e.g. 0180")
        parser.add_argument(
            "file", nargs="?", type=Path, help="where to write it; standard output if left out"
        )

    def handle(self, code, file, **options):
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(f"No municipality with code {code}.")
        data = dumps(export_setup(municipality))
        if file is None:
            sys.stdout.buffer.write(data)
        else:
            file.write_bytes(data)
            self.stdout.write(f"Wrote the set-up of {municipality} to {file} ({len(data):,} bytes).")
