"""Maps the region names sources use to the configured areas.

"Stadsdelsområde Enskede - Årsta - Vantör (Sthlm)" and "Stadsdelsområde
Rinkeby-Kista (upphörde 2024-01-01)" both name areas of the configuration;
the history of areas (validity, successors) keeps retired names meaningful.
"""

import re
from dataclasses import dataclass

from samverkan.datasources.models import RegionAlias
from samverkan.organisations.models import Area, AreaKind, Municipality

_PREFIXES = re.compile(r"^(stadsdelsområde|sdo|stadsdelsnämndsområde|stadsdel)\s+", re.IGNORECASE)
_PARENTHESES = re.compile(r"\s*\([^)]*\)\s*")
_DASHES = re.compile(r"\s*[-–]\s*")


def normalise(name: str) -> str:
    value = _PARENTHESES.sub(" ", name)
    value = _PREFIXES.sub("", value.strip())
    value = _DASHES.sub("-", value)
    return " ".join(value.split()).casefold()


@dataclass(frozen=True)
class Resolution:
    area: Area | None
    is_municipality: bool

    @property
    def mapped(self) -> bool:
        return self.area is not None or self.is_municipality


class RegionResolver:
    def __init__(self, municipality: Municipality):
        self.municipality = municipality
        self.aliases = {
            a.name: Resolution(a.area, a.is_municipality)
            for a in RegionAlias.objects.filter(municipality=municipality).select_related("area")
        }
        self.areas = {
            normalise(a.name): a
            for a in Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT)
        }
        names = {municipality.name, municipality.place_name}
        if municipality.place_name:
            names |= {
                f"{municipality.place_name} kommun",
                f"{municipality.place_name}s kommun",
                f"{municipality.place_name}s stad",
            }
        self.municipality_names = {normalise(n) for n in names if n}

    def resolve(self, name: str) -> Resolution:
        if name in self.aliases:
            return self.aliases[name]
        key = normalise(name)
        if key in self.municipality_names:
            return Resolution(None, True)
        return Resolution(self.areas.get(key), False)

    def resolve_all(self, names: set[str], *, remember: bool) -> dict[str, Resolution]:
        """Each name's resolution; with remember, automatic ones are stored as aliases."""
        resolutions = {}
        for name in names:
            resolutions[name] = self.resolve(name)
            if remember:
                self.remember(name, resolutions[name])
        return resolutions

    def remember(self, name: str, resolution: Resolution) -> None:
        """Store an automatic mapping so later imports and people can see and change it."""
        if name not in self.aliases:
            RegionAlias.objects.get_or_create(
                municipality=self.municipality,
                name=name,
                defaults={"area": resolution.area, "is_municipality": resolution.is_municipality},
            )
            self.aliases[name] = resolution
