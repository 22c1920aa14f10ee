"""What a format whose rows feed indicators gives them: counts per area and day,
month or year (reported crimes, events, observations), or shares of respondents
(a survey). A format declares its reader beside its parser (`Format.counts`,
`Format.shares`); the indicators compute their series from what it gives and
know nothing of the format itself."""

import datetime as dt
from dataclasses import dataclass

MUNICIPALITY = None  # the area key of municipality-wide values


@dataclass(frozen=True)
class SourceCount:
    area_id: int | None  # None: the whole municipality
    day: dt.date
    granularity: str  # "day", "month" or "year"
    count: int | None  # None: suppressed at the source
    preliminary: bool = False  # the source marks it preliminary


@dataclass(frozen=True)
class SourceShare:
    area_id: int | None  # None with is_municipality: the whole municipality
    is_municipality: bool
    year: int
    count: int  # respondents who answered so
    respondents: int


def year_span(years: set[int]) -> tuple[dt.date, dt.date]:
    """The days to read for `years`, with a week's margin for weeks that straddle a new year."""
    return dt.date(min(years), 1, 1) - dt.timedelta(days=7), dt.date(max(years), 12, 31) + dt.timedelta(
        days=7
    )
