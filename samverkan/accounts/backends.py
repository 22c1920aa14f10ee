"""Password sign-in, and who is signed in for each request.

Every page needs the signed-in user's organisation and municipality (the
tenant it is scoped to, samverkan.accounts.tenancy): they are read with the user,
in one query, without the municipality's boundary (a real one is large and
only the maps read it, on demand)."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet

from samverkan.accounts.models import User


def signed_in_users() -> QuerySet[User]:
    return User.objects.select_related("organisation__municipality").defer(
        "organisation__municipality__geometry"
    )


class SignedInUser:
    """Reads the session's user as every page needs it; for any backend."""

    def get_user(self, user_id: int) -> User | None:
        user = signed_in_users().filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


class PasswordBackend(SignedInUser, ModelBackend):
    """Django's username and password sign-in."""
