"""Sweden's 290 municipalities as Statistics Sweden codes them (data/
municipalities.csv: code, name, county and the police region that serves
the county), for setting up a municipality from the list rather than by
typing its code."""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from samverkan.datasources.regions import normalise

REGISTER = Path(__file__).resolve().parent / "data" / "municipalities.csv"
_SUFFIX = re.compile(r"\s+(kommun|stad)$")


@dataclass(frozen=True)
class KnownMunicipality:
    code: str
    name: str
    county_code: str
    county: str
    police_region: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@cache
def known_municipalities() -> tuple[KnownMunicipality, ...]:
    with REGISTER.open(encoding="utf-8", newline="") as file:
        return tuple(KnownMunicipality(**row) for row in csv.DictReader(file))


def known(code: str) -> KnownMunicipality | None:
    return next((m for m in known_municipalities() if m.code == code), None)


def _key(name: str) -> str:
    """A municipality's name as sources write it, without 'kommun'/'stad' and spacing or dash variants."""
    return _SUFFIX.sub("", normalise(name))


@cache
def _by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for municipality in known_municipalities():
        key = _key(municipality.name)
        names[key] = municipality.code
        names.setdefault(f"{key}s", municipality.code)  # "Stockholms stad", "Malung-Sälens kommun"
    # Names that are not the list's name with an s: "Falu kommun", "Region Gotland".
    names |= {"falu": "2080", "region gotland": "0980"}
    return names


def code_for(name: str) -> str | None:
    """The code of the municipality a source names: 'Tranås kommun ', 'Malung–Sälens kommun', 'Stockholm'."""
    return _by_name().get(_key(name))
