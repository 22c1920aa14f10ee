"""The outbox: sending the e-mail of notifications, in the worker, after the change that caused
them is committed; a failed attempt is tried again after a growing pause."""

import datetime as dt
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from samverkan.notifications.models import Mail

# Pauses after the 1st, 2nd, … failed attempt; after the last the mail is marked
# failed and waits for an administrator's "send again" (about a day of tries).
RETRY_PAUSES = [dt.timedelta(minutes=m) for m in (1, 2, 5, 15, 30, 60, 120, 240, 480, 720)]


def enqueue(mail_id: int, *, at: dt.datetime | None = None) -> None:
    """Queue the mail's next attempt once the current transaction commits (at once outside one)."""

    def queue() -> None:
        (send_mail.using(run_after=at) if at else send_mail).enqueue(mail_id)

    transaction.on_commit(queue)


def attempt(mail_id: int) -> str:
    """Try to send one waiting mail; returns its state afterwards. A mail that is
    not waiting, or not due yet (queued twice), is left alone."""
    with transaction.atomic():
        mail = Mail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.state != Mail.State.WAITING:
            return mail.state if mail else "gone"
        now = timezone.now()
        if mail.next_attempt_at and mail.next_attempt_at > now + dt.timedelta(seconds=5):
            return "not due"
        mail.attempts += 1
        try:
            EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to]).send()
        except (OSError, smtplib.SMTPException) as exc:
            mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if mail.attempts > len(RETRY_PAUSES):
                mail.state, mail.next_attempt_at = Mail.State.FAILED, None
            else:
                mail.next_attempt_at = now + RETRY_PAUSES[mail.attempts - 1]
                enqueue(mail.pk, at=mail.next_attempt_at)
        else:
            mail.state, mail.sent_at, mail.next_attempt_at, mail.last_error = Mail.State.SENT, now, None, ""
        mail.save()
        return mail.state


@task()
def send_mail(mail_id: int) -> str:
    return attempt(mail_id)
