"""Telling people: each notice has a key so that a user gets it at most once,
however often the code that sends it runs."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from samverkan.accounts.models import User
from samverkan.core.i18n import shown_message
from samverkan.notifications.models import Notification
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
    in the active language."""
    params = params or {}
    text = shown_message({"msgid": message, "params": params})
    mails = []
    new = 0
    for user in {u.pk: u for u in users if u.is_active}.values():
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user=user, key=key[:200], text=text[:300], message=message, params=params, url=url[:300]
                )
        except IntegrityError:
            continue  # already told
        new += 1
        if user.email:
            mails.append((subject or text, body or text, settings.DEFAULT_FROM_EMAIL, [user.email]))
    if mails:
        send_mass_mail(mails, fail_silently=False)
    return new


def people_of(
    organisations: Iterable[int | Organisation], *, roles: Iterable[str] | None = None
) -> list[User]:
    """The active people of the organisations (given or by primary key), optionally of some roles only."""
    users = User.objects.filter(organisation__in=organisations, is_active=True)
    if roles is not None:
        users = users.filter(role__in=roles)
    return list(users)


def notifications_read(*, user: User) -> int:
    """Mark all of the user's notifications as read; returns how many were unread."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
