import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from samverkan.est.compile import week_start_of
from samverkan.est.models import EstGroup
from samverkan.est.tasks import compile_and_send_week


class Command(BaseCommand):
    help = (
        "Queue the compilation and sending of last week's EST picture for every group "
        "(run it on Monday mornings, e.g. from cron; the task worker does the work)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", type=dt.date.fromisoformat, help="any day of the week to compile")

    def handle(self, week=None, **options):
        start = week_start_of(week or timezone.localdate() - dt.timedelta(days=7))
        for group in EstGroup.objects.all():
            result = compile_and_send_week.enqueue(group.pk, start.isoformat())
            self.stdout.write(f"{group}: week {start:%G-W%V} queued ({result.id})")
