from django.http import HttpRequest

from samverkan.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request that LoginRequiredMiddleware let through: its user has signed in.
    For the type checker; Django passes views an HttpRequest."""

    user: User
