"""Where the domain apps declare their deadlines and the calendar finds them.

A provider is a function of (municipality, first day, last day) that returns
the items of its kinds in that span; `@provides(KIND, ...)` registers it.
Providers read in a fixed number of queries however much is recorded, and
what they found is kept until one of their apps changes."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from samverkan.audit.stamps import kept
from samverkan.organisations.models import Municipality


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    reminded: bool = True
    """People are reminded before the date and once when it is overdue."""
    routine: bool = False
    """A recurring meeting rather than a deadline: shown when asked for."""


@dataclass
class Item:
    date: dt.date
    kind: str
    title: str
    responsible: str
    key: str
    """Unique and stable, so that each reminder goes out once."""
    url: str = ""
    organisations: set[int] = field(default_factory=set)
    """The responsible organisations (by primary key): who is reminded, whose overdue list shows it."""
    done: bool | None = None
    """None: not tracked here."""

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind].label)

    @property
    def kind_label_lazy(self) -> Any:
        """The label untranslated (lazy), for texts translated when shown."""
        return KINDS[self.kind].label

    @property
    def reminded(self) -> bool:
        return KINDS[self.kind].reminded

    def overdue(self, today: dt.date) -> bool:
        return self.done is False and self.date < today


Provider = Callable[[Municipality, dt.date, dt.date], Iterable[Item]]

KINDS: dict[str, Kind] = {}
_providers: list[tuple[tuple[Kind, ...], Provider]] = []


def provides(*kinds: Kind) -> Callable[[Provider], Provider]:
    """Register a provider of items of these kinds."""

    def register(provider: Provider) -> Provider:
        for kind in kinds:
            if KINDS.get(kind.code, kind) != kind:
                raise ValueError(f"Two calendar kinds are named {kind.code!r}.")
            KINDS[kind.code] = kind
        if all(p is not provider for _k, p in _providers):
            _providers.append((kinds, provider))
        return provider

    return register


def items(municipality: Municipality, start: dt.date, end: dt.date, *, routine: bool = True) -> list[Item]:
    """Every item from start to end (inclusive), by date; routine meetings only when asked for.
    The same for everyone (who sees what is decided after), so kept until a providing app changes."""
    # The apps whose models the providers read, and the areas and organisations their titles name.
    apps = {p.__module__.split(".")[1] for _k, p in _providers} | {"organisations", "governance"}
    return kept(
        f"calendar:{municipality.pk}:{start}:{end}:{routine}",
        apps,
        lambda: _items(municipality, start, end, routine=routine),
    )


def _items(municipality: Municipality, start: dt.date, end: dt.date, *, routine: bool) -> list[Item]:
    found: list[Item] = []
    for kinds, provider in _providers:
        if not routine and all(k.routine for k in kinds):
            continue
        found += [i for i in provider(municipality, start, end) if routine or not KINDS[i.kind].routine]
    return sorted(found, key=lambda i: (i.date, i.kind, i.title))
