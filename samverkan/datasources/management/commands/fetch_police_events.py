import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from samverkan.audit.context import acting_as
from samverkan.datasources import loader
from samverkan.datasources.fetching import FinalError, fetch, next_allowed
from samverkan.datasources.models import FetchLog, ImportBatch
from samverkan.datasources.signals import command_imported
from samverkan.organisations.models import Municipality


class Command(BaseCommand):
    help = "Fetch the latest police events and archive the new ones (with --loop: keep doing so)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=settings.SAMVERKAN_POLICE_EVENTS_URL)
        parser.add_argument("--municipality", default=settings.SAMVERKAN_MUNICIPALITY)
        parser.add_argument("--loop", action="store_true", help="fetch again every --every seconds")
        parser.add_argument(
            "--every", type=int, default=600, help="seconds between fetches with --loop (≥ 10)"
        )

    def handle(self, url, municipality, loop, every, **options):
        target = Municipality.objects.filter(code=municipality).first()
        if target is None:
            raise CommandError(f"No municipality with code {municipality}.")
        while True:
            try:
                self.fetch_once(target, url)
            except FinalError as error:
                raise CommandError(f"{error}; not asking again.") from error
            if not loop:
                return
            time.sleep(max(every, 10))

    def fetch_once(self, municipality, url) -> None:
        if FetchLog.objects.filter(url=url, status=404).exists():
            raise FinalError(f"{url} answered 404 earlier")
        now = timezone.now()
        history = list(
            FetchLog.objects.filter(url=url, called_at__gte=now - dt.timedelta(hours=1)).values_list(
                "called_at", flat=True
            )
        )
        wait = (next_allowed(now, history) - now).total_seconds()
        if wait > 0:
            self.stdout.write(f"Waiting {wait:.0f} s to stay within the rate limit")
            time.sleep(wait)
        log = FetchLog.objects.create(url=url, called_at=timezone.now())
        try:
            body = fetch(url)
        except FinalError:
            log.status, log.note = 404, "Not Found"
            log.save()
            raise
        except OSError as error:
            log.note = str(error)[:300]
            log.save()
            self.stderr.write(f"Fetching failed: {error}")
            return
        log.status = 200
        with acting_as(label="fetch_police_events"):
            stamp = timezone.localtime(log.called_at).strftime("%Y-%m-%dT%H%M%S")
            batch = loader.batch_receive(
                municipality=municipality,
                kind="police_events",
                filename=f"events_{stamp}.json",
                data=body,
                user=None,
            )
            if batch.status == ImportBatch.Status.PREVIEWED:
                loader.batch_apply(batch)
                command_imported.send(sender=ImportBatch, batch=batch)
        log.batch = batch
        log.save()
        self.stdout.write(f"{batch.filename}: {batch.get_status_display()} {batch.report.get('counts', {})}")
