import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from samverkan.calendar.tasks import send_reminders
from samverkan.organisations.models import Municipality


class Command(BaseCommand):
    help = "Queue the årshjul reminders of every municipality (run daily, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help="The day to remind as of (default: today)."
        )

    def handle(self, *args, date=None, **options):
        today = date or timezone.localdate()
        for municipality in Municipality.objects.all():
            result = send_reminders.enqueue(municipality.pk, today.isoformat())
            self.stdout.write(f"{municipality.name}: {result.id}")
