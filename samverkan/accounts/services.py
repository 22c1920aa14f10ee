"""Writes of accounts: the sign-in throttle, and accounts kept in step with
the identity provider. Sign-in attempts are counted per username and client
address in the database, so the limit holds across app servers and a guesser
elsewhere cannot lock the real user out; only a digest of the two is kept."""

import datetime as dt
import hashlib
import unicodedata
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import SignInFailure, User
from samverkan.organisations.models import Area, AreaKind, Organisation


def account_key(username: str) -> str:
    """The account a typed user name names, as sign-in reads it: Unicode
    NFKC (a full-width "ｓ" is an "s", as Django's sign-in form makes it),
    case folded, without surrounding spaces. Every spelling of one account
    counts against that account."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def attempt_digest(username: str, address: str) -> str:
    return hashlib.sha256(f"{account_key(username)}|{address}".encode()).hexdigest()


def sign_in_attempt(username: str, address: str) -> SignInFailure | None:
    """Record an attempt before its password is checked, then count: so
    attempts sent at once cannot all pass a count read before any failure
    was written. None when the attempt is over the limit (its password is
    not to be checked), else the recorded attempt; a right password clears
    the record (sign_in_succeeded), an attempt whose password was never
    checked is taken back (sign_in_not_tried)."""
    key = attempt_digest(username, address)
    attempt = SignInFailure.objects.create(username_digest=key)
    window = dt.timedelta(minutes=settings.SAMVERKAN_SIGN_IN_WINDOW_MINUTES)
    earlier = SignInFailure.objects.filter(
        username_digest=key, at__gte=timezone.now() - window, pk__lt=attempt.pk
    ).count()
    return attempt if earlier < settings.SAMVERKAN_SIGN_IN_ATTEMPTS else None


def sign_in_not_tried(attempt: SignInFailure) -> None:
    """The password was not checked (the sign-in lane was full): the attempt
    does not count, so that a flood of sign-ins cannot lock anyone out."""
    SignInFailure.objects.filter(pk=attempt.pk).delete()


def sign_in_succeeded(username: str, address: str) -> None:
    SignInFailure.objects.filter(username_digest=attempt_digest(username, address)).delete()


@transaction.atomic
def user_sign_on(
    *, user: User, organisation: Organisation, role: str, email: str, first_name: str, last_name: str
) -> User:
    """What the identity provider says of the person, on every sign-in."""
    user.organisation, user.role, user.email = organisation, role, email
    user.first_name, user.last_name = first_name, last_name
    user.save()
    return user


def district_shown(request: Any) -> tuple[Area | None, list[Area]]:
    """The district the user narrows lists and the årshjul to, and the
    districts to choose from. `?district=<id>` chooses one (empty: all) and
    is remembered for the user, so the next list opens the same way."""
    user = request.user
    districts = list(
        Area.objects.filter(municipality=user.municipality, kind=AreaKind.DISTRICT)
        .valid_on(timezone.localdate())
        .order_by("name")
    )
    by_id = {str(area.pk): area for area in districts}
    if "district" not in request.GET:
        return by_id.get(str(user.district_id)), districts
    chosen = by_id.get(request.GET["district"])
    if user.district_id != (chosen.pk if chosen else None):
        user.district = chosen
        user.save(update_fields=["district"])
    return chosen, districts
