"""Writes of API tokens: issuing one (the key is shown once, only its digest
is kept), marking its use, and revoking."""

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import User
from samverkan.api.models import PREFIX, ApiToken, digest
from samverkan.audit.recorder import recorded_update


@transaction.atomic
def token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user; the key is returned once and not stored."""
    if user.organisation_id is None:
        raise ValueError("A token is scoped to an organisation; the user has none.")
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, organisation_id=user.organisation_id, name=name, key_digest=digest(key))
    token.full_clean()
    token.save()
    return token, key


def token_used(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


@transaction.atomic
def tokens_revoke(tokens: Iterable[ApiToken]) -> int:
    return recorded_update(
        ApiToken.objects.filter(pk__in=[t.pk for t in tokens], revoked_at__isnull=True),
        revoked_at=timezone.now(),
    )
