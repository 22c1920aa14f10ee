"""Sweden's 290 municipalities as Statistics Sweden codes them (data/
municipalities.csv: code, name, county and the police region that serves
the county), for setting up a municipality from the list rather than by
typing its code."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REGISTER = Path(__file__).resolve().parent / "data" / "municipalities.csv"


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
