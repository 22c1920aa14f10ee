"""Writes of accounts: the sign-in throttle, and accounts kept in step with
the identity provider. Sign-in failures are counted per username in the
database, so the limit holds across app servers; the username is kept only
as a digest."""

import datetime as dt
import hashlib

from django.conf import settings
from django.utils import timezone

from samverkan.accounts.models import SignInFailure, User
from samverkan.organisations.models import Organisation


def username_digest(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()


def sign_in_throttled(username: str) -> bool:
    """SAMVERKAN_SIGN_IN_ATTEMPTS failures within SAMVERKAN_SIGN_IN_WINDOW_MINUTES
    stop further attempts until the window has passed."""
    window = dt.timedelta(minutes=settings.SAMVERKAN_SIGN_IN_WINDOW_MINUTES)
    recent = SignInFailure.objects.filter(
        username_digest=username_digest(username), at__gte=timezone.now() - window
    )
    return recent.count() >= settings.SAMVERKAN_SIGN_IN_ATTEMPTS


def sign_in_failed(username: str) -> None:
    SignInFailure.objects.create(username_digest=username_digest(username))


def sign_in_succeeded(username: str) -> None:
    SignInFailure.objects.filter(username_digest=username_digest(username)).delete()


def user_sign_on(
    *, user: User, organisation: Organisation, role: str, email: str, first_name: str, last_name: str
) -> User:
    """What the identity provider says of the person, on every sign-in."""
    user.organisation, user.role, user.email = organisation, role, email
    user.first_name, user.last_name = first_name, last_name
    user.save()
    return user
