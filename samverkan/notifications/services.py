"""Telling people: each notice has a key so that a user gets it at most once,
however often the code that sends it runs. Its e-mail is stored beside it and
sent by the worker after the transaction commits (samverkan.notifications.outbox)."""

from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from samverkan.accounts.models import User
from samverkan.core.i18n import shown_message
from samverkan.notifications import outbox
from samverkan.notifications.models import Mail, Notification
from samverkan.organisations.models import Organisation


def notify(
    users: Iterable[User],
    *,
    key: str,
    message: str,
    params: dict[str, Any] | None = None,
    url: str = "",
    subject: str = "",
    body: str = "",
) -> int:
    """Notify each active user once per key, in the app and by e-mail where
    the user has an address; returns how many were new. `message` is the
    source text (marked with gettext_noop) and `params` its values: the app
    shows it in each reader's language; the stored text and the e-mail are
    in the active language. The e-mail is only stored here: the worker sends
    it once the caller's transaction commits, so a mail server that is down
    never undoes or fails the change that caused it."""
    params = params or {}
    text = shown_message({"msgid": message, "params": params})
    new = 0
    for user in {u.pk: u for u in users if u.is_active}.values():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user, key=key[:200], text=text[:300], message=message, params=params, url=url[:300]
                )
        except IntegrityError:
            continue  # already told
        new += 1
        if user.email:
            mail = Mail.objects.create(
                notification=notification,
                municipality_id=_municipality_id(user),
                to=user.email,
                subject=(subject or text)[:300].replace("\n", " "),
                body=_with_link(body or text, url),
            )
            outbox.enqueue(mail.pk)
    return new


def _municipality_id(user: User) -> int | None:
    """Whose mail it is: the recipient's municipality (an administrator sees its own)."""
    return user.organisation.municipality_id if user.organisation else None


def _with_link(body: str, url: str) -> str:
    """The e-mail's text with a link a mail client can open: the site's address
    (SAMVERKAN_SITE_URL) before a page named by its path, when the text has no full one."""
    if not url or not settings.SAMVERKAN_SITE_URL or "://" in body:
        return body
    link = urljoin(settings.SAMVERKAN_SITE_URL + "/", url.lstrip("/"))
    return body.replace(url, link) if url in body else f"{body}\n\n{link}"


@transaction.atomic
def mail_queue(users: Iterable[User], *, subject: str, body: str) -> int:
    """An e-mail without an in-app notice (the EST weekly picture) to each user
    with an address: stored now, sent by the worker after commit."""
    mails = Mail.objects.bulk_create(
        Mail(
            municipality_id=_municipality_id(user),
            to=user.email,
            subject=subject[:300].replace("\n", " "),
            body=body,
        )
        for user in users
        if user.email
    )
    for mail in mails:
        outbox.enqueue(mail.pk)
    return len(mails)


@transaction.atomic
def mail_send_again(mail: Mail) -> Mail:
    """An administrator's "send again" of a mail that failed or waits: one more
    round of attempts, starting now."""
    if mail.state == Mail.State.SENT:
        return mail
    mail.state, mail.attempts, mail.next_attempt_at = Mail.State.WAITING, 0, None
    mail.save(update_fields=["state", "attempts", "next_attempt_at"])
    outbox.enqueue(mail.pk)
    return mail


def mail_queue_due() -> int:
    """Queue every waiting mail that is due (after a worker was lost mid-retry);
    returns how many."""
    due = list(
        Mail.objects.filter(state=Mail.State.WAITING)
        .exclude(next_attempt_at__gt=timezone.now())
        .values_list("pk", flat=True)
    )
    for pk in due:
        outbox.enqueue(pk)
    return len(due)


def people_of(
    organisations: Iterable[int | Organisation], *, roles: Iterable[str] | None = None
) -> list[User]:
    """The active people of the organisations (given or by primary key), optionally of some roles only."""
    users = User.objects.filter(organisation__in=organisations, is_active=True)
    if roles is not None:
        users = users.filter(role__in=roles)
    return list(users)


@transaction.atomic
def notifications_read(*, user: User) -> int:
    """Mark all of the user's notifications as read; returns how many were unread."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
