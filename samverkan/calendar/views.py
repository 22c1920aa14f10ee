import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from samverkan.accounts import permissions
from samverkan.accounts.http import AuthenticatedRequest
from samverkan.accounts.services import district_shown
from samverkan.accounts.tenancy import require_municipality
from samverkan.calendar.registry import Item, items
from samverkan.organisations.selectors import district_organisations


def calendar_year(request: AuthenticatedRequest) -> HttpResponse:
    """A year of the cycle by month, and what is overdue for the user's organisation."""
    municipality = require_municipality(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        year = today.year
    show_est = request.GET.get("est") == "1"
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    look_back = today - dt.timedelta(days=365)
    if first <= today and look_back <= last:
        # The year shown overlaps the past twelve months: one pass covers both.
        entries = items(municipality, min(first, look_back), max(last, today), routine=show_est)
        recent = entries
    else:
        entries = items(municipality, first, last, routine=show_est)
        recent = items(municipality, look_back, today, routine=False)
    district, districts = district_shown(request)
    if district is not None:
        # The district's own deadlines, and those of the whole municipality (no organisation named).
        own = {o.pk for o in district_organisations(district)}
        entries = [i for i in entries if not i.organisations or i.organisations & own]
    months: dict[int, list[Item]] = {}
    for item in entries:
        if first <= item.date <= last:
            months.setdefault(item.date.month, []).append(item)
    overdue = [
        i
        for i in recent
        if look_back <= i.date
        and i.overdue(today)
        and (permissions.oversees(request.user) or (request.user.organisation_id or 0) in i.organisations)
    ]
    return render(
        request,
        "calendar/calendar.html",
        {
            "year": year,
            "months": [(dt.date(year, m, 1), months.get(m, [])) for m in range(1, 13)],
            "today": today,
            "overdue": overdue,
            "show_est": show_est,
            "district": district,
            "districts": districts,
            "keep": [("year", year)] + ([("est", "1")] if show_est else []),
        },
    )
