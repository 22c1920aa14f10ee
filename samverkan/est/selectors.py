"""Reads of the EST groups."""

from samverkan.accounts.models import User
from samverkan.est.models import EstGroup


def recipients_of(group: EstGroup) -> list[User]:
    """The people the weekly picture is e-mailed to: the recipient organisations' active users with an address."""
    return list(
        User.objects.filter(organisation__in=group.recipients.all(), is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
