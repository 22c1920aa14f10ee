from django.core.management.base import BaseCommand

from samverkan.datasources.tasks import recover


class Command(BaseCommand):
    help = (
        "Queue again the checks and imports whose worker stopped mid-file (nothing of them was "
        "written). Run it when a worker starts; on PostgreSQL it is safe while other workers run."
    )

    def handle(self, *args, **options):
        for batch, status in recover():
            self.stdout.write(f"queued again: {batch.filename} (#{batch.pk}, {status})")
