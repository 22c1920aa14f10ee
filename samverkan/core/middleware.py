import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError, OperationalError, connection
from django.http import HttpRequest, HttpResponseBadRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from samverkan.core.personal_data import no_personal_identity_number

log = logging.getLogger(__name__)


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
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
        ):
            return HttpResponseBadRequest(_("The address contains a character that is not allowed."))
        return self.get_response(request)


class UnstorableInputMiddleware:
    """The last line against input that no form caught: a number too large for
    the database (SQLite raises OverflowError, PostgreSQL "out of range") or a
    text the database cannot store answers 400 saying so, and nothing was
    saved (the service's transaction has rolled back). Each such case is also
    caught where it arrives; this keeps one that is not from answering 500,
    and logs it so that it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if not isinstance(exception, OverflowError | DataError):
            return None
        log.warning("Input the database cannot take: %s %s", request.method, request.path, exc_info=exception)
        message = _(
            "The input could not be read: a number is too large, or a text too long or with a "
            "character that cannot be stored. Nothing was saved; correct it and try again."
        )
        return render(request, "400.html", {"message": message}, status=400)


class BusyDatabaseMiddleware:
    """SQLite lets one writer at a time. Writers wait their turn (see the
    settings), but a wait can still run out while the worker writes a large
    import: a page that only reads is then tried again, and one that writes
    answers 503 with a clear message (its transaction wrote nothing), never 500."""

    RETRIES = 3

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if not is_busy(exception):
            return None
        if request.method in ("GET", "HEAD") and getattr(request, "_busy_retries", 0) < self.RETRIES:
            request._busy_retries = getattr(request, "_busy_retries", 0) + 1  # type: ignore[attr-defined]
            time.sleep(0.5 * request._busy_retries)  # type: ignore[attr-defined]
            return self.get_response(request)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "5"
        return response


def is_busy(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and "locked" in str(error)


class RefusePersonalDataInApiMiddleware:
    """The API takes no personal data either: a query whose parameters hold
    a personal identity number is refused (400) before any view reads it,
    with the guard's message and the number masked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path.startswith("/api/"):
            try:
                for key, values in request.GET.lists():
                    for text in (key, *values):
                        no_personal_identity_number(text)
            except ValidationError as error:
                return JsonResponse({"detail": error.messages[0]}, status=400)
        return self.get_response(request)


class ServerTimingMiddleware:
    """Where a request's time goes, in a Server-Timing header, when
    SAMVERKAN_SERVER_TIMING is on (the load benchmark turns it on):

    - queue: from the moment the client sent the request (its X-Request-Start
      header, seconds since the epoch) until Django took it — time spent
      waiting for a free worker;
    - app: wall time in Django, cpu: the CPU time this thread spent on it;
    - db: time waiting for the database, with the number of queries.

    Outermost, so that every other middleware's work counts too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not settings.SAMVERKAN_SERVER_TIMING:
            return self.get_response(request)
        received, started, cpu = time.time(), time.perf_counter(), time.thread_time()
        database = [0.0, 0]

        def timed(
            execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
        ) -> Any:
            begun = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                database[0] += time.perf_counter() - begun
                database[1] += 1

        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        parts = [
            f"app;dur={(time.perf_counter() - started) * 1000:.1f}",
            f"cpu;dur={(time.thread_time() - cpu) * 1000:.1f}",
            f'db;dur={database[0] * 1000:.1f};desc="{database[1]}"',
        ]
        sent = _seconds(request.headers.get("X-Request-Start", ""))
        if sent is not None:
            parts.append(f"queue;dur={max(received - sent, 0.0) * 1000:.1f}")
        response["Server-Timing"] = ", ".join(parts)
        return response


def _seconds(value: str) -> float | None:
    """'t=1733140000.123' or '1733140000.123' (as proxies and clients write it), or None."""
    try:
        return float(value.removeprefix("t="))
    except ValueError:
        return None


class PrivateAnswersMiddleware:
    """What a signed-in person is shown is theirs: unless a view said
    otherwise, `Cache-Control: private, no-cache`, so that no shared cache
    (a proxy) keeps a party's draft and a browser asks again before reusing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "private, no-cache"
        return response
