from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samverkan.audit.context import acting_as
from samverkan.datasources import formats, loader
from samverkan.datasources.models import ImportBatch
from samverkan.indicators.services import refresh_after_import
from samverkan.organisations.models import Municipality


class Command(BaseCommand):
    help = "Check a data file and, with --apply, import it (the same checks as the web page)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[f.kind for f in formats.all_formats()])
        parser.add_argument("path", type=Path)
        parser.add_argument("--apply", action="store_true", help="import when the check finds no errors")
        parser.add_argument(
            "--municipality", default=settings.SAMVERKAN_MUNICIPALITY, help="municipality code"
        )

    def handle(self, kind, path, apply, municipality, **options):
        target = Municipality.objects.filter(code=municipality).first()
        if target is None:
            raise CommandError(f"No municipality with code {municipality}; load a configuration first.")
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        with acting_as(label="import_file"):
            batch = loader.batch_receive(
                municipality=target, kind=kind, filename=path.name, data=path.read_bytes(), user=None
            )
            report = batch.report
            for error in report["errors"][:20]:
                self.stderr.write(f"line {error['line'] or '-'}: {error['message']}")
            for note in report["notes"]:
                self.stdout.write(note)
            self.stdout.write(f"{path.name}: {batch.get_status_display()} {report.get('counts', {})}")
            if batch.status == ImportBatch.Status.REJECTED:
                raise CommandError("The file has errors; nothing was imported.")
            if apply and batch.status == ImportBatch.Status.PREVIEWED:
                loader.batch_apply(batch)
                refresh_after_import(batch)
                self.stdout.write(f"Imported: {batch.report['applied']}")
