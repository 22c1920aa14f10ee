"""Polite fetching of the police events API, which only ever returns the
latest 500 events: Samverkan archives what it sees (every response is kept
as an import), identifies itself, waits at least 10 s between calls, stays
under 60 calls an hour, and treats 404 as final."""

import datetime as dt
import urllib.error
import urllib.request

from django.conf import settings

MIN_INTERVAL = dt.timedelta(seconds=10)
MAX_PER_HOUR = 59  # strictly under 60


class FinalError(Exception):
    """The server said the resource does not exist (404): do not ask again."""


def next_allowed(now: dt.datetime, history: list[dt.datetime]) -> dt.datetime:
    """The earliest moment the next call may be made, given earlier calls."""
    if not history:
        return now
    history = sorted(history)
    earliest = max(now, history[-1] + MIN_INTERVAL)
    window = [t for t in history if t > earliest - dt.timedelta(hours=1)]
    if len(window) >= MAX_PER_HOUR:
        earliest = max(earliest, window[len(window) - MAX_PER_HOUR] + dt.timedelta(hours=1))
    return earliest


def fetch(url: str, *, timeout: float = 30.0) -> bytes:
    request = urllib.request.Request(  # noqa: S310 - the URL comes from settings or the operator
        url, headers={"User-Agent": settings.SAMVERKAN_USER_AGENT, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise FinalError(f"{url} answered 404 Not Found") from error
        raise
