from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from samverkan.core.backup import backup


class Command(BaseCommand):
    help = "Back up the whole database and every stored file into one .tar.gz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="where to write the backup, e.g. samverkan-2026-11-22.tar.gz"
        )

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        manifest = backup(file)
        self.stdout.write(
            f"{file}: {sum(manifest['rows'].values())} rows in {len(manifest['rows'])} tables, "
            f"{len(manifest['files'])} files"
        )
