from django.core.management.base import BaseCommand

from samverkan.notifications.services import mail_queue_due


class Command(BaseCommand):
    help = "Queue every e-mail that waits and is due (run when the worker starts: a retry queued by a lost worker is not lost)."

    def handle(self, *args, **options):
        self.stdout.write(f"{mail_queue_due()} e-mail queued")
