"""Calendar periods: week (ISO), month, tertial (Jan–Apr, May–Aug, Sep–Dec), year."""

import datetime as dt

MONTHS_IN = {"month": 1, "tertial": 4, "year": 12}


def period_start(kind: str, day: dt.date) -> dt.date:
    if kind == "week":
        return day - dt.timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    if kind == "tertial":
        return dt.date(day.year, 1 + 4 * ((day.month - 1) // 4), 1)
    if kind == "year":
        return dt.date(day.year, 1, 1)
    raise ValueError(kind)


def mondays(start: dt.date, end: dt.date) -> list[dt.date]:
    """The starts of the weeks whose Monday falls on or after `start` and before `end`."""
    first = start + dt.timedelta(days=-start.weekday() % 7)
    return [first + dt.timedelta(weeks=n) for n in range(max(0, (end - first).days + 6) // 7)]


def period_end(kind: str, start: dt.date) -> dt.date:
    """The last day of the period that begins on `start`."""
    if kind == "week":
        return start + dt.timedelta(days=6)
    month = start.month - 1 + MONTHS_IN[kind]
    return dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def same_period_year_before(kind: str, start: dt.date) -> dt.date:
    if kind == "week":
        year, week, _ = start.isocalendar()
        try:
            return dt.date.fromisocalendar(year - 1, week, 1)
        except ValueError:  # week 53 in a year that has 52
            return dt.date.fromisocalendar(year - 1, 52, 1)
    return start.replace(year=start.year - 1)


def label(kind: str, start: dt.date) -> str:
    if kind == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-V{week:02d}"
    if kind == "month":
        return f"{start:%Y-%m}"
    if kind == "tertial":
        return f"{start.year} T{(start.month - 1) // 4 + 1}"
    return str(start.year)


def tertial_end(year: int, tertial: int) -> dt.date:
    """The last day of a year's first, second or third tertial."""
    return period_end("tertial", dt.date(year, 4 * tertial - 3, 1))
