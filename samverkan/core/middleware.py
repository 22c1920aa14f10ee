from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _


class SwedishFirstLocaleMiddleware:
    """Swedish unless the user chose another language with the switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, which
    would show most municipal staff's English-configured browsers an English
    UI; Samverkan is Swedish first, so only an explicit choice counts.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RefuseNullCharactersMiddleware:
    """A NUL character is never part of a real address; PostgreSQL cannot
    store or compare one, so a filter given one would fail deep in a query.
    Refuse it up front (forms already refuse it in what they post)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return HttpResponseBadRequest(_("The address contains a character that is not allowed."))
        return self.get_response(request)
