"""Maps the region names sources use to the configured areas.

BRÅ names a district committee area in several ways, for current and ceased
areas alike: "Stadsdelsområde Enskede - Årsta - Vantör (Sthlm)",
"Stadsdelsområde Rinkeby-Kista (upphörde 2024-01-01)", "Rinkeby-Kista
stadsdel (upphörde 2024-01-01)", "Älvsjö stadsdel". All of them name an area
of the configuration; the history of areas (validity, successors) keeps
ceased names meaningful. The whole municipality is named as the municipality
("Stockholm kommun", "Stockholms stad", "Stockholm").
"""

import datetime as dt
import re
from dataclasses import dataclass

from samverkan.datasources.models import RegionAlias
from samverkan.organisations.models import Area, AreaKind, Municipality

_KINDS = r"(?:stadsdelsområde|stadsdelsnämndsområde|sdo|stadsdel)"
_PREFIX = re.compile(rf"^{_KINDS}\s+", re.IGNORECASE)
_SUFFIX = re.compile(rf"\s+{_KINDS}$", re.IGNORECASE)
_PARENTHESES = re.compile(r"\s*\([^)]*\)\s*")
_CEASED = re.compile(r"\(\s*upphörde\s+(\d{4}-\d{2}-\d{2})\s*\)", re.IGNORECASE)
_DASHES = re.compile(r"\s*[-‐‑‒–—]\s*")
_MUNICIPALITY = re.compile(r"\s(kommun|stad)$", re.IGNORECASE)


def normalise(name: str) -> str:
    """The name without its kind, notes in brackets, case, spacing or kind of dash."""
    value = _PARENTHESES.sub(" ", name).strip()
    value = _SUFFIX.sub("", _PREFIX.sub("", value))
    value = _DASHES.sub("-", value)
    return " ".join(value.split()).casefold()


def ceased_on(name: str) -> dt.date | None:
    """The date in "(upphörde 2024-01-01)": the first day the area no longer existed."""
    match = _CEASED.search(name)
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match[1])
    except ValueError:
        return None


def names_a_municipality(name: str) -> bool:
    """'Solna kommun', 'Stockholms stad': a municipality, not an area within one."""
    return bool(_MUNICIPALITY.search(name.strip()))


def municipality_names(municipality: Municipality) -> set[str]:
    """The names, normalised, sources give the whole municipality: "Stockholms
    stad", "Stockholm", "Stockholms kommun", "Stockholm kommun"."""
    names = {municipality.name, municipality.place_name}
    if municipality.place_name:
        names |= {
            f"{municipality.place_name} kommun",
            f"{municipality.place_name}s kommun",
            f"{municipality.place_name}s stad",
        }
    return {normalise(n) for n in names if n}


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
        aliases = list(RegionAlias.objects.filter(municipality=municipality).select_related("area"))
        self.chosen = {a.name: Resolution(a.area, a.is_municipality) for a in aliases if not a.automatic}
        self.recorded = {a.name: a for a in aliases if a.automatic}
        self.areas: dict[str, list[Area]] = {}
        for area in Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT):
            self.areas.setdefault(normalise(area.name), []).append(area)
        self.municipality_names = municipality_names(municipality)
        self.bare_names = {_MUNICIPALITY.sub("", n) for n in self.municipality_names}

    def resolve(self, name: str, *, municipality_only: bool = False) -> Resolution:
        """A person's choice for the name if there is one, else the name
        matched; a name known to be a municipality's (a line of a table of
        municipalities) is the configured municipality or none."""
        if name in self.chosen:
            return self.chosen[name]
        if municipality_only:
            return Resolution(None, normalise(_MUNICIPALITY.sub("", name.strip())) in self.bare_names)
        return self.match(name)

    def match(self, name: str) -> Resolution:
        key = normalise(name)
        if key in self.municipality_names:
            return Resolution(None, True)
        candidates = self.areas.get(key, [])
        if len(candidates) > 1:
            # The same name used twice: "(upphörde DATE)" says which, otherwise the current one.
            ceased = ceased_on(name)
            candidates = sorted(
                candidates,
                key=lambda a: (
                    not (ceased and a.valid_to and a.valid_to == ceased - dt.timedelta(days=1)),
                    a.valid_to is not None,
                ),
            )
        return Resolution(candidates[0] if candidates else None, False)

    def resolve_all(
        self, names: set[str], *, remember: bool, municipalities: set[str] | frozenset[str] = frozenset()
    ) -> dict[str, Resolution]:
        """Each name's resolution (`municipalities` are names of municipalities,
        never of areas); with remember, how it was matched is stored as an alias."""
        resolutions = {}
        for name in names:
            resolutions[name] = self.resolve(name, municipality_only=name in municipalities)
            if remember:
                self.remember(name, resolutions[name])
        return resolutions

    def remember(self, name: str, resolution: Resolution) -> None:
        """Record an automatic match so that people can see it and choose otherwise."""
        if name in self.chosen:
            return
        alias = self.recorded.get(name)
        if alias is None:
            self.recorded[name] = RegionAlias.objects.create(
                municipality=self.municipality,
                name=name,
                area=resolution.area,
                is_municipality=resolution.is_municipality,
            )
        elif (alias.area_id, alias.is_municipality) != (
            getattr(resolution.area, "pk", None),
            resolution.is_municipality,
        ):
            alias.area, alias.is_municipality = resolution.area, resolution.is_municipality
            alias.save()
