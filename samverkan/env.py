"""Strict readers for settings that come from environment variables.

A wrong value stops start-up with a message naming the variable, instead of
letting the app run with a setting nobody meant.
"""

import os
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(Exception):
    pass


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name}={value} is below the minimum {minimum}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ConfigurationError(f"{name}={raw!r} has an empty entry; separate values with single commas")
    return items


SUPPORTED_DATABASES = {"postgres", "postgresql", "pgsql", "sqlite"}


def envdatabase(name: str, default: str) -> dict[str, Any]:
    raw = os.environ.get(name, default)
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in SUPPORTED_DATABASES:
        raise ConfigurationError(
            f"{name}={raw!r}: use postgres://user@host:port/name or sqlite:///path/to/file.sqlite3"
        )
    config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    if not config.get("NAME"):
        raise ConfigurationError(f"{name}={raw!r} names no database")
    return dict(config)


def tile_sources(url: str) -> list[str]:
    """The origin a tile URL template loads from, for the content security
    policy ({s} subdomains become a wildcard); none for an empty template."""
    parts = urlsplit(url.replace("{s}.", "*."))
    if not url or parts.scheme not in {"http", "https"} or not parts.netloc:
        return []
    return [f"{parts.scheme}://{parts.netloc}"]
