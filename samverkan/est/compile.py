"""What a week looked like in a district, compared with the weeks before.

`unusual` is a pure function: a count is unusual when, under a Poisson
distribution with the mean of the previous weeks, a count at least this high
would happen less than one time in twenty (and it is at least 3, so that a
quiet district is not alarmed by two reports)."""

import datetime as dt
from collections import Counter

from django.utils import timezone

from samverkan.datasources.models import Observation, PoliceEvent
from samverkan.indicators import statistics
from samverkan.organisations.hotspots import grid_counts
from samverkan.organisations.selectors import neighbourhoods_of

PREVIOUS_WEEKS = 4


def unusual(count: int, previous: list[int], *, level: float = 0.05, minimum: int = 3) -> bool:
    if count < minimum or not previous:
        return False
    mean = max(sum(previous) / len(previous), 0.5)  # an empty history still expects something
    return statistics.poisson_sf(count - 1, mean) < level


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _bounds(start: dt.date):
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    return begin, begin + dt.timedelta(days=7)


def _observations(area, start):
    begin, end = _bounds(start)
    # The weekly picture is a joint product: open observations only.
    observations = Observation.objects.shared()
    return observations.filter(area=area, observed_at__gte=begin, observed_at__lt=end).select_related(
        "category", "neighbourhood", "organisation"
    )


def _events(area, start):
    begin, end = _bounds(start)
    named = [area, *neighbourhoods_of(area, on=start)]
    return PoliceEvent.objects.filter(named_area__in=named, occurred_at__gte=begin, occurred_at__lt=end)


def compile_week(area, start: dt.date) -> dict:
    observations = list(_observations(area, start))
    events = list(_events(area, start))
    by_category = Counter(o.category.name for o in observations)
    by_type = Counter(e.event_type for e in events)
    previous_starts = [start - dt.timedelta(weeks=i) for i in range(1, PREVIOUS_WEEKS + 1)]
    history = [Counter(o.category.name for o in _observations(area, s)) for s in previous_starts]
    event_history = [_events(area, s).count() for s in previous_starts]
    categories = sorted(set(by_category) | {c for h in history for c in h})
    rows = []
    for name in categories:
        earlier = [h.get(name, 0) for h in history]
        rows.append(
            {
                "category": name,
                "count": by_category.get(name, 0),
                "previous_mean": round(sum(earlier) / len(earlier), 1),
                "unusual": unusual(by_category.get(name, 0), earlier),
            }
        )
    places = Counter(
        (o.neighbourhood.name if o.neighbourhood else "") or o.address or "–" for o in observations
    ).most_common(5)
    placed = [o for o in observations if o.longitude is not None]
    cells = sorted(
        grid_counts([o.longitude for o in placed], [o.latitude for o in placed]), key=lambda c: -c[1]
    )
    end = start + dt.timedelta(days=6)
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "observations": {
            "total": len(observations),
            "previous_mean": round(sum(sum(h.values()) for h in history) / PREVIOUS_WEEKS, 1),
            "unusual": unusual(len(observations), [sum(h.values()) for h in history]),
            "by_category": rows,
        },
        "events": {
            "total": len(events),
            "previous_mean": round(sum(event_history) / PREVIOUS_WEEKS, 1),
            "unusual": unusual(len(events), event_history),
            "by_type": dict(by_type.most_common()),
        },
        "places": [{"place": p, "count": n} for p, n in places],
        "hotspots": [{"ring": ring, "count": n} for ring, n in cells[:5] if n >= 2],
        "items": [
            {
                "observation": o.pk,
                "time": timezone.localtime(o.observed_at).strftime("%Y-%m-%d %H:%M"),
                "category": o.category.name,
                "place": (o.neighbourhood.name if o.neighbourhood else "") or o.address,
                "description": o.description,
                "organisation": o.organisation.short_name or o.organisation.name,
            }
            for o in sorted(observations, key=lambda o: o.observed_at)
        ],
    }


def summarise(pictures) -> dict:
    """Monthly or tertial roll-up of weekly pictures."""
    by_category: Counter = Counter()
    events = observations = 0
    focus = []
    measures: Counter = Counter()
    for picture in pictures:
        content = picture.content
        observations += content["observations"]["total"]
        events += content["events"]["total"]
        by_category.update({r["category"]: r["count"] for r in content["observations"]["by_category"]})
        meeting = getattr(picture, "meeting", None)
        if meeting is not None:
            focus.append((picture.week_label, meeting.focus))
            measures.update(m.status for m in meeting.quick_measures.all())
    return {
        "weeks": len(pictures),
        "observations": observations,
        "events": events,
        "by_category": by_category.most_common(),
        "focus": focus,
        "measures": dict(measures),
    }
