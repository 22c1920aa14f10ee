"""The demo's ten-year example history, written as files in the real formats
(a BRÅ databasfil, a safety-survey table, an EST observation table) and
imported through the ordinary importers, marked as example data.

Everything is drawn from a seeded generator, so the same database and day
give the same files (and a second run finds them already imported). Levels
follow the real sample rows where the configuration ships them (BRÅ 2022);
elsewhere they come from the configuration's `[history]` table in demo.toml.
Counts are Poisson draws around a level with a per-district trend and
seasonality; a subcategory is a binomial share of its parent; the
municipality's line is the sum of its districts.
"""

import csv
import datetime as dt
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from samverkan.datasources import loader
from samverkan.datasources.models import BraPeriod, ImportBatch, ObservationCategory, ReportedCrimeCount
from samverkan.est.models import EstGroup
from samverkan.est.services import weekly_picture_compile
from samverkan.indicators.models import Indicator, IndicatorSource
from samverkan.indicators.services import refresh_after_import
from samverkan.organisations.models import Area, AreaKind, AreaSuccession, Municipality

MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
# More violence in the light half of the year, less in the dark winter months.
SEASON = np.array([0.86, 0.82, 0.93, 0.97, 1.07, 1.12, 1.15, 1.10, 1.03, 0.98, 0.93, 1.04])
SEASON = SEASON / SEASON.mean()
# EST observations follow the evenings people are out: fewer in the dark months.
OBSERVATION_SEASON = np.array([0.7, 0.7, 0.85, 1.0, 1.15, 1.2, 1.1, 1.15, 1.15, 1.05, 0.85, 0.9])
PREFIX = "Exempel"


@dataclass
class Settings:
    first_year: int
    population: dict[str, int]
    crimes: list[dict]
    survey_share: float = 0.27
    observations_per_week: float = 4.0
    weekly_pictures: int = 12
    anchor_year: int = 2022
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_config(cls, history: dict) -> "Settings":
        return cls(
            first_year=int(history.get("first_year", 2016)),
            population={str(k): int(v) for k, v in history.get("population", {}).items()},
            crimes=list(history.get("crimes", [])),
            survey_share=float(history.get("survey_share", 0.27)),
            observations_per_week=float(history.get("observations_per_week", 4.0)),
            weekly_pictures=int(history.get("weekly_pictures", 12)),
            anchor_year=int(history.get("anchor_year", 2022)),
        )


def _seed(*parts: object) -> int:
    """A stable seed from names (Python's hash() changes per process)."""
    text = "/".join(str(p) for p in parts)
    value = 0
    for char in text:
        value = (value * 131 + ord(char)) % (2**61 - 1)
    return value


def _valid_in(area: Area, day: dt.date) -> bool:
    return (area.valid_from is None or area.valid_from <= day) and (
        area.valid_to is None or day <= area.valid_to
    )


def _districts(municipality: Municipality) -> list[Area]:
    return list(Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT).order_by("code"))


def _last_month(today: dt.date) -> tuple[int, int]:
    """The last month with published (preliminary) monthly statistics: the one before this."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def _is_preliminary(year: int, today: dt.date) -> bool:
    """BRÅ's final statistics for a year come at the end of the next March."""
    return today < dt.date(year + 1, 4, 1)


class HistoryWriter:
    def __init__(self, municipality: Municipality, settings: Settings, today: dt.date):
        self.municipality = municipality
        self.settings = settings
        self.today = today
        self.districts = _districts(municipality)
        self.population = {
            a.pk: settings.population.get(a.code, 0) for a in self.districts if a.code in settings.population
        }
        missing = [a.name for a in self.districts if a.pk not in self.population]
        if missing:
            settings.notes.append("No example population for: " + ", ".join(missing) + " (left out).")
        self.districts = [a for a in self.districts if a.pk in self.population]

    def _months(self) -> list[tuple[int, int]]:
        last_year, last_month = _last_month(self.today)
        return [
            (year, month)
            for year in range(self.settings.first_year, last_year + 1)
            for month in range(1, 13)
            if (year, month) <= (last_year, last_month)
        ]

    # --- reported crimes (BRÅ databasfil) ------------------------------------------

    def _real_rows(self) -> dict[tuple[int, str, int, int], int]:
        """The real rows already imported: (area, crime, year, month) → count."""
        rows = ReportedCrimeCount.objects.filter(
            municipality=self.municipality,
            period_kind=BraPeriod.MONTH,
            area__isnull=False,
            suppressed=False,
            batch__is_example=False,
        ).exclude(count__isnull=True)
        return {
            (r.area_id, r.crime, r.year, r.period): r.count
            for r in rows
            if r.area_id is not None and r.count is not None
        }

    def _levels(self, real: dict, crime: dict) -> dict[int, float]:
        """Each district's level against the configured rate: from its real rows
        in the anchor year where they exist, else drawn around 1."""
        yearly: dict[int, int] = defaultdict(int)
        months: dict[int, int] = defaultdict(int)
        for (area_id, name, year, _month), count in real.items():
            if name == crime["crime"] and year == self.settings.anchor_year:
                yearly[area_id] += count
                months[area_id] += 1
        levels = {}
        for area in self.districts:
            expected = self.population[area.pk] / 1000 * float(crime.get("per_1000", 10))
            if months.get(area.pk, 0) == 12 and expected:
                levels[area.pk] = yearly[area.pk] / expected
        # An area without real rows takes the level of the areas it became or came
        # from (weighted by inhabitants), so a series runs on across a reorganisation.
        links = AreaSuccession.objects.filter(successor__municipality=self.municipality)
        related: dict[int, set[int]] = defaultdict(set)
        for link in links:
            related[link.successor_id].add(link.predecessor_id)
            related[link.predecessor_id].add(link.successor_id)
        for area in self.districts:
            if area.pk in levels:
                continue
            known = [pk for pk in related[area.pk] if pk in levels]
            if known:
                weight = sum(self.population[pk] for pk in known)
                levels[area.pk] = sum(levels[pk] * self.population[pk] for pk in known) / weight
            else:
                rng = np.random.default_rng(_seed(self.municipality.code, area.code, crime["crime"], "level"))
                levels[area.pk] = float(rng.lognormal(0.0, 0.3))
        return levels

    def bra_file(self) -> tuple[str, bytes]:
        real = self._real_rows()
        counts: dict[tuple[int, str, int, int], int] = {}
        months = self._months()
        parents = [c for c in self.settings.crimes if "share_of" not in c]
        children = [c for c in self.settings.crimes if "share_of" in c]
        for crime in parents:
            levels = self._levels(real, crime)
            for area in self.districts:
                rng = np.random.default_rng(_seed(self.municipality.code, area.code, crime["crime"]))
                trend = rng.uniform(-0.045, 0.03)
                base = (
                    self.population[area.pk] / 1000 * float(crime.get("per_1000", 10)) * levels[area.pk] / 12
                )
                for year, month in months:
                    if not _valid_in(area, dt.date(year, month, 1)):
                        continue
                    key = (area.pk, crime["crime"], year, month)
                    expected = base * SEASON[month - 1] * math.exp(trend * (year - self.settings.anchor_year))
                    draw = int(rng.poisson(max(expected, 0.0)))
                    counts[key] = real.get(key, draw)
        for crime in children:
            for area in self.districts:
                rng = np.random.default_rng(_seed(self.municipality.code, area.code, crime["crime"]))
                share = float(crime.get("share", 0.3)) * float(rng.uniform(0.8, 1.2))
                for year, month in months:
                    parent = counts.get((area.pk, crime["share_of"], year, month))
                    if parent is None:
                        continue
                    key = (area.pk, crime["crime"], year, month)
                    counts[key] = real.get(key, int(rng.binomial(parent, min(share, 1.0))))
        return self._bra_bytes(counts, real, months)

    def _bra_bytes(self, counts: dict, real: dict, months: list[tuple[int, int]]) -> tuple[str, bytes]:
        out = io.StringIO()
        out.write("Region;Brott;År;Period;Antal;/100 000 inv\n")
        names = {a.pk: a.name for a in self.districts}
        valid = {a.pk: a for a in self.districts}
        totals: dict[tuple[str, int, int], int] = defaultdict(int)
        population: dict[tuple[int, int], int] = defaultdict(int)
        for (area_id, crime, year, month), count in sorted(
            counts.items(), key=lambda i: (names[i[0][0]], i[0][1:])
        ):
            totals[(crime, year, month)] += count
            if (area_id, crime, year, month) in real:
                continue  # a real row: imported from its own file
            people = self.population[area_id]
            rate = round(count * 100000 / people)
            year_label = f"{year} prel." if _is_preliminary(year, self.today) else str(year)
            out.write(
                f"Stadsdelsområde {names[area_id]};{crime};{year_label};{MONTH_NAMES[month - 1]};{count};{rate};\n"
            )
        for year, month in months:
            day = dt.date(year, month, 1)
            population[(year, month)] = sum(
                self.population[pk] for pk, area in valid.items() if _valid_in(area, day)
            )
        for (crime, year, month), count in sorted(totals.items()):
            people = population[(year, month)]
            rate = round(count * 100000 / people) if people else 0
            year_label = f"{year} prel." if _is_preliminary(year, self.today) else str(year)
            out.write(
                f"{self.municipality.name};{crime};{year_label};{MONTH_NAMES[month - 1]};{count};{rate};\n"
            )
        first, last = months[0][0], months[-1][0]
        return f"{PREFIX}-BRA-{first}-{last}.txt", out.getvalue().encode("iso-8859-1", errors="replace")

    # --- safety survey -----------------------------------------------------------------

    def survey_file(self) -> tuple[str, bytes] | None:
        questions = [
            i.source_filter.get("question", "")
            for i in Indicator.objects.filter(municipality=self.municipality, source=IndicatorSource.SURVEY)
        ]
        questions = [q for q in questions if q]
        if not questions:
            return None
        last_year = _last_month(self.today)[0] - 1
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(["område", "år", "fråga", "antal", "svarande"])
        for question in questions:
            totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
            for area in self.districts:
                rng = np.random.default_rng(_seed(self.municipality.code, area.code, question))
                share = self.settings.survey_share * float(rng.lognormal(0.0, 0.35))
                trend = float(rng.uniform(-0.012, 0.006))
                for year in range(self.settings.first_year, last_year + 1):
                    if not _valid_in(area, dt.date(year, 7, 1)):
                        continue
                    respondents = int(rng.integers(250, 900))
                    p = min(max(share + trend * (year - self.settings.anchor_year), 0.02), 0.9)
                    count = int(rng.binomial(respondents, p))
                    totals[year][0] += count
                    totals[year][1] += respondents
                    writer.writerow([area.name, year, question, count, respondents])
            for year, (count, respondents) in sorted(totals.items()):
                writer.writerow([self.municipality.name, year, question, count, respondents])
        return (
            f"{PREFIX}-trygghetsmatning-{self.settings.first_year}-{last_year}.csv",
            out.getvalue().encode("utf-8"),
        )

    # --- EST observations ----------------------------------------------------------------

    def observation_file(self) -> tuple[str, bytes] | None:
        categories = list(
            ObservationCategory.objects.filter(municipality=self.municipality).values_list("name", flat=True)
        )
        groups = list(
            EstGroup.objects.filter(area__municipality=self.municipality)
            .select_related("area")
            .prefetch_related("recipients")
            .order_by("pk")
        )
        if not categories or not groups:
            return None
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(["tid", "kategori", "beskrivning", "longitud", "latitud", "organisation"])
        start = dt.date(self.settings.first_year, 1, 1)
        start -= dt.timedelta(days=start.weekday())
        end = self.today - dt.timedelta(days=self.today.weekday())  # up to last week
        for group in groups:
            area = self._outline(group.area)
            reporter = next((o for o in group.recipients.all() if not o.is_police), None)
            if area is None or reporter is None:
                self.settings.notes.append(
                    f"{group.name}: no outline or municipal recipient; no observations."
                )
                continue
            rng = np.random.default_rng(_seed(self.municipality.code, group.name, "observations"))
            weights = rng.dirichlet(np.ones(len(categories)) * 2)
            trend = float(rng.uniform(-0.03, 0.05))
            week = start
            while week < end:
                expected = (
                    self.settings.observations_per_week
                    * OBSERVATION_SEASON[week.month - 1]
                    * math.exp(trend * (week.year - self.settings.anchor_year))
                )
                for _ in range(int(rng.poisson(expected))):
                    day = week + dt.timedelta(days=int(rng.integers(0, 7)))
                    moment = dt.datetime.combine(
                        day, dt.time(int(rng.integers(15, 24)), int(rng.integers(0, 60)))
                    )
                    category = categories[int(rng.choice(len(categories), p=weights))]
                    lon, lat = self._point_in(area, rng)
                    writer.writerow(
                        [
                            moment.strftime("%Y-%m-%d %H:%M"),
                            category,
                            f"{PREFIX}: {category.lower()}",
                            f"{lon:.5f}",
                            f"{lat:.5f}",
                            reporter.name,
                        ]
                    )
                week += dt.timedelta(days=7)
        return f"{PREFIX}-EST-observationer-{self.settings.first_year}-{end.year}.csv", out.getvalue().encode(
            "utf-8"
        )

    @staticmethod
    def _outline(area: Area):
        if area.geometry:
            return shape(area.geometry)
        links = area.member_links.select_related("neighbourhood")
        shapes = [shape(m.neighbourhood.geometry) for m in links if m.neighbourhood.geometry]
        return unary_union(shapes) if shapes else None

    @staticmethod
    def _point_in(outline, rng: np.random.Generator) -> tuple[float, float]:
        west, south, east, north = outline.bounds
        for _ in range(200):
            lon, lat = float(rng.uniform(west, east)), float(rng.uniform(south, north))
            if outline.contains(Point(lon, lat)):
                return lon, lat
        point = outline.representative_point()
        return point.x, point.y


# --- loading ------------------------------------------------------------------------------


def _import(municipality: Municipality, kind: str, filename: str, data: bytes, *, example: bool) -> str:
    """One file through the ordinary check and import; what became of it."""
    batch = loader.batch_receive(
        municipality=municipality, kind=kind, filename=filename, data=data, user=None, example=example
    )
    if batch.status == ImportBatch.Status.PREVIEWED:
        loader.batch_apply(batch)
        refresh_after_import(batch)
    return f"{filename}: {batch.get_status_display()} {batch.report.get('counts', {})}"


def load_example_history(
    demo: dict, *, municipality: Municipality, folder: Path, today: dt.date | None = None
) -> list[str]:
    """The configuration's sample files (`[[samples]]` in demo.toml), then the
    generated example history (`[history]`), then the last weeks' EST pictures."""
    today = today or timezone.localdate()
    done = []
    for sample in demo.get("samples", []):
        path = folder / sample["path"]
        done.append(_import(municipality, sample["kind"], path.name, path.read_bytes(), example=False))
    if "history" not in demo:
        return done
    settings = Settings.from_config(demo["history"])
    writer = HistoryWriter(municipality, settings, today)
    files = [
        ("bra", writer.bra_file()),
        ("survey", writer.survey_file()),
        ("observations", writer.observation_file()),
    ]
    for kind, made in files:
        if made is not None:
            done.append(_import(municipality, kind, *made, example=True))
    monday = today - dt.timedelta(days=today.weekday())
    for group in EstGroup.objects.filter(area__municipality=municipality):
        for weeks_back in range(settings.weekly_pictures, 0, -1):
            weekly_picture_compile(group=group, week_start=monday - dt.timedelta(weeks=weeks_back))
    return done + settings.notes
