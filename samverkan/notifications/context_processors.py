from collections.abc import Callable

from django.http import HttpRequest


def unread_notifications(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """How many notifications the signed-in user has not read (lazily)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: user.notifications.filter(read_at__isnull=True).count()}
