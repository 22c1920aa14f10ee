"""In-app notifications with an e-mail copy through Django's mail backend.
Each notice has a key so that a user gets it at most once."""

import functools

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import translation

from samverkan.accounts.models import User
from samverkan.plans.models import Notification


def in_site_language(function):
    """Run in the site's language (Swedish in Stockholm), whichever language
    the acting user picked: what it writes is read by others, and stored."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def notify(users, *, key: str, text: str, url: str = "", subject: str = "", body: str = "") -> int:
    """Notify each user once per key; returns how many were new."""
    mails = []
    new = 0
    for user in {u.pk: u for u in users if u.is_active}.values():
        try:
            with transaction.atomic():
                Notification.objects.create(user=user, key=key[:200], text=text[:300], url=url[:300])
        except IntegrityError:
            continue  # already told
        new += 1
        if user.email:
            mails.append((subject or text, body or text, settings.DEFAULT_FROM_EMAIL, [user.email]))
    if mails:
        send_mass_mail(mails, fail_silently=False)
    return new


def people_of(organisations, *, roles=None):
    users = User.objects.filter(organisation__in=organisations, is_active=True)
    if roles is not None:
        users = users.filter(role__in=roles)
    return list(users)
