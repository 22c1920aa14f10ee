import functools
from collections.abc import Callable

from django.conf import settings
from django.utils import translation


def in_site_language[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Run in the site's language (Swedish), whichever language the acting
    user picked: what the function writes is stored, or read by others."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper
