"""The table of import formats.

A format is one module in an app's `importers` package (or an app's
`importers` module): it parses a file into rows with their lines, matches
them to the database, and registers itself here. The loader, the upload form
and `manage.py import_file` look formats up in this table and have no code of
their own for any of them, so adding a format touches its module, its fixture
and its test, nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import module_has_submodule

if TYPE_CHECKING:
    from samverkan.datasources.counts import SourceCount, SourceShare
    from samverkan.datasources.importers import ImportPlan, ParseResult
    from samverkan.datasources.models import ImportBatch
    from samverkan.organisations.models import Municipality


@dataclass(frozen=True)
class Format:
    kind: str
    """The code kept on ImportBatch.kind and named on the command line."""
    label: str | Promise
    parse: Callable[[bytes, str, dict[str, Any]], ParseResult]
    """The file's bytes, its name and the batch's options (how to read it) to
    rows with their lines, and line-numbered errors."""
    plan: Callable[[ImportBatch, ParseResult, bool], ImportPlan]
    """What importing would do: the rows matched to the database. With the
    last argument true it runs inside the import and may remember how it
    matched (region names); it may add errors only the database can see."""
    apply: Callable[[ImportBatch, ImportPlan], None] | None = None
    """Writes the plan through the owning app's services; None writes the
    rows as planned (new rows in bulk, changed rows one by one, audited)."""
    years: Callable[[ImportBatch], set[int]] | None = None
    """The years an applied batch touched, for formats that feed indicators."""
    counts: Callable[[Municipality, dict[str, Any], set[int] | None], list[SourceCount]] | None = None
    """A format whose rows feed indicators as counts (samverkan.datasources.counts):
    the municipality's counts that match an indicator's source filter, for the
    years (None: all). Indicators of this source are then offered and computed
    with nothing else to change."""
    shares: Callable[[Municipality, dict[str, Any], set[int] | None], list[SourceShare]] | None = None
    """Likewise for a format whose rows are shares of respondents (a survey)."""
    indicator_label: str | Promise | None = None
    """The source as an indicator names it (else the format's label)."""
    order: int = 100
    """Place in the list of sources people choose from."""
    keeps_unmapped: bool = True
    """Rows whose region the configuration does not know are kept under their
    own name (statistics); False: they are left out (boundaries)."""
    options: tuple[str, ...] = ()
    """The options (ImportBatch.options) a person may choose on the preview,
    such as which field of the file holds the names; the plan offers the
    choices in ImportPlan.fields."""


_formats: dict[str, Format] = {}


class UnknownFormat(LookupError):
    pass


def register(format: Format) -> Format:
    if format.kind in _formats and _formats[format.kind] != format:
        raise ValueError(f"Two import formats are registered as {format.kind!r}.")
    _formats[format.kind] = format
    return format


def get(kind: str) -> Format:
    try:
        return _formats[kind]
    except KeyError:
        raise UnknownFormat(kind) from None


def all_formats() -> list[Format]:
    return sorted(_formats.values(), key=lambda f: (f.order, f.kind))


def kind_choices() -> list[tuple[str, str | Promise]]:
    """The choices of ImportBatch.kind and of the upload form (a callable, so
    that a new format needs no migration)."""
    return [(f.kind, f.label) for f in all_formats()]


def indicator_sources() -> list[tuple[str, str | Promise]]:
    """The choices of Indicator.source: the formats that feed indicators (a
    callable, so that a new one needs no migration)."""
    return [(f.kind, f.indicator_label or f.label) for f in all_formats() if f.counts or f.shares]


def discover() -> None:
    """Import every app's `importers` module or package and each module in
    it; a format module registers itself when it is imported."""
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "importers"):
            continue
        package = importlib.import_module(f"{config.name}.importers")
        for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
            importlib.import_module(f"{package.__name__}.{info.name}")
