"""The area pages (URL names areas:*): the whole city on one map with each
district's key figures, a district's page with its indicators, data layers
and agreements, the CSV of a series, and which district covered a place."""

import datetime as dt
from collections import Counter
from functools import cache as once
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.accounts import permissions
from samverkan.accounts.http import AuthenticatedRequest
from samverkan.accounts.tenancy import require_municipality
from samverkan.agreements.compliance import adopted_successor
from samverkan.agreements.selectors import version_shown
from samverkan.audit.recorder import record_reads
from samverkan.audit.stamps import change_tag, tagged, unchanged
from samverkan.core.cells import FormulaSafeWriter
from samverkan.datasources.models import Observation, PoliceEvent
from samverkan.indicators import disclosure
from samverkan.indicators.models import Indicator, PeriodKind
from samverkan.indicators.national import comparisons
from samverkan.indicators.selectors import PERIOD_KINDS, area_panels, city_figures, indicator_series
from samverkan.organisations import selectors
from samverkan.organisations.hotspots import grid_counts
from samverkan.organisations.models import Area, AreaKind


def _area_for(request: AuthenticatedRequest, pk: int) -> Area:
    area = get_object_or_404(Area.objects.select_related("municipality"), pk=pk)
    if not permissions.can_view_municipality(request.user, area.municipality):
        raise PermissionDenied
    return area


def _current_districts(request: AuthenticatedRequest) -> tuple[list[Area], list[Area], dt.date]:
    municipality = require_municipality(request)
    districts = Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT).order_by("name")
    today = timezone.localdate()
    return (
        [a for a in districts if a.is_valid_on(today)],
        [a for a in districts if not a.is_valid_on(today)],
        today,
    )


def area_list(request: AuthenticatedRequest) -> HttpResponse:
    """Every district on one map with its key figures, and the same figures as a table."""
    current, retired, today = _current_districts(request)
    municipality = require_municipality(request)
    figures = city_figures(municipality, current, today)
    rows = [(area, [f.values.get(area.pk) for f in figures]) for area in current]
    return render(
        request,
        "overview/area_list.html",
        {
            "current": current,
            "retired": retired,
            "today": today,
            "figures": figures,
            "rows": rows,
            "comparisons": comparisons(municipality),
        },
    )


def city_geometry(request: AuthenticatedRequest) -> HttpResponse:
    """The current districts' outlines with their key figures, for the city
    map: kept by the browser, and 304 when areas and figures are unchanged."""
    municipality = require_municipality(request)  # the access check comes before any answer, 304 too
    tag = change_tag(request, ("organisations", "indicators"))
    if held := unchanged(request, tag):
        return held
    current, _retired, today = _current_districts(request)
    figures = city_figures(municipality, current, today)
    features = [
        _feature(
            area.geometry,
            name=area.name,
            kind=area.kind,
            url=reverse("areas:detail", args=[area.pk]),
            values={
                f.indicator.code: round(v.value, 2)
                for f in figures
                if (v := f.values.get(area.pk)) is not None and v.value is not None
            },
        )
        for area in current
        if area.geometry
    ]
    indicators = [
        {
            "code": f.indicator.code,
            "name": f.indicator.name,
            "unit": f.unit,
            "period": str(f.year),
            "whole": None if f.whole is None or f.whole.value is None else round(f.whole.value, 2),
        }
        for f in figures
    ]
    return tagged(
        JsonResponse({"type": "FeatureCollection", "features": features, "indicators": indicators}), tag
    )


def _period_kind(request: AuthenticatedRequest) -> str:
    kind = request.GET.get("period", PeriodKind.YEAR)
    return kind if kind in PeriodKind.values else PeriodKind.YEAR


def area_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    area = _area_for(request, pk)
    kind = _period_kind(request)
    today = timezone.localdate()
    on = area.reference_day(today)
    context = {
        "area": area,
        # What only the kept top of the page reads (the same for everyone): read once, and only
        # when the kept rendering must be made anew.
        "neighbourhoods": once(lambda: selectors.neighbourhoods_of(area, on=on)),
        "became": once(lambda: [] if area.is_current else selectors.area_became(area)),
        "came_from": once(lambda: selectors.area_came_from(area)),
        "successions": once(lambda: list(area.successions.select_related("successor"))),
        "predecessions": once(lambda: list(area.predecessions.select_related("predecessor"))),
        "organisations": once(lambda: list(area.organisations.all())),
        "agreements": once(lambda: _agreement_versions(area, today)),
        "panels": area_panels(area, kind, request.user) if area.kind == AreaKind.DISTRICT else [],
        "period_kind": kind,
        "map_labels": {
            "events": _("Police events naming the neighbourhood"),
            "hotspots": _("Hotspots: observations per 250 m square, last 12 months"),
            "observations": _("Observations"),
        },
        "period_kinds": [(k, PeriodKind(k).label) for k in PERIOD_KINDS],
        "today": today,
        "sees_points": _records_observations(request.user, area),
        "suppress_below": settings.SAMVERKAN_SUPPRESS_BELOW,
    }
    context["can_observe"] = area.kind == AreaKind.DISTRICT and area.is_current and context["sees_points"]
    return render(request, "overview/area_detail.html", context)


def area_geometry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The area, its neighbourhoods and, for a district, its data layers:
    observations of the last year, their hotspot grid and police events by
    the neighbourhood their text names."""
    area = _area_for(request, pk)
    on = area.reference_day(timezone.localdate())
    features = []
    if area.geometry:
        features.append(_feature(area.geometry, name=area.name, kind=area.kind))
    neighbourhoods = selectors.neighbourhoods_of(area, on=on)
    named = PoliceEvent.objects.filter(named_area__in=neighbourhoods)
    events = Counter(named.values_list("named_area_id", flat=True))
    span = named.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    # The same disclosure rule as the tables: a small count is not shown, nor one that the
    # district's total less the others would give away.
    shown, _total = disclosure.shown_sum(
        {n.pk: events.get(n.pk, 0) for n in neighbourhoods}, settings.SAMVERKAN_SUPPRESS_BELOW
    )
    for neighbourhood in neighbourhoods:
        if neighbourhood.geometry:
            features.append(
                _feature(
                    neighbourhood.geometry,
                    name=neighbourhood.name,
                    kind=neighbourhood.kind,
                    police_events=shown[neighbourhood.pk],
                )
            )
    working = _records_observations(request.user, area)
    limit = 1 if working else settings.SAMVERKAN_SUPPRESS_BELOW
    if area.kind == AreaKind.DISTRICT:
        since = timezone.now() - dt.timedelta(days=365)
        observations = list(
            Observation.objects.visible_to(request.user)
            .filter(area=area, observed_at__gte=since, longitude__isnull=False)
            .select_related("category")
        )
        record_reads(request.user, [o for o in observations if o.is_restricted], why="district map")
        # Each point with its day and time is working material for those who record
        # observations; other readers get the squares only, a square of fewer than the
        # suppression limit left out (so that no hidden weekly count can be counted back).
        for o in observations if working else []:
            features.append(
                _feature(
                    {"type": "Point", "coordinates": [o.longitude, o.latitude]},
                    kind="observation",
                    name=f"{o.category.name}, {timezone.localtime(o.observed_at):%Y-%m-%d %H:%M}",
                )
            )
        points = [
            (o.longitude, o.latitude)
            for o in observations
            if o.longitude is not None and o.latitude is not None
        ]
        for ring, count in grid_counts([lon for lon, _lat in points], [lat for _lon, lat in points]):
            if count < limit:
                continue
            features.append(
                _feature(
                    {"type": "Polygon", "coordinates": [ring]}, kind="hotspot", count=count, name=str(count)
                )
            )
    # The legend's period for the shaded layer: the first and last event counted.
    period = {
        key: timezone.localtime(value).date().isoformat() for key, value in span.items() if value is not None
    }
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "events_period": period,
            "hotspots_from": limit if area.kind == AreaKind.DISTRICT else None,
        }
    )


def _records_observations(user: Any, area: Area) -> bool:
    """Whether the reader records field observations (and so sees them one by one)."""
    return user.organisation_id is not None and permissions.can_import(user, area.municipality)


def _feature(geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def area_indicator_csv(request: AuthenticatedRequest, pk: int, code: str) -> HttpResponse:
    area = _area_for(request, pk)
    indicator = get_object_or_404(Indicator, municipality=area.municipality, code=code)
    kind = _period_kind(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{area.code}-{indicator.code}-{kind}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    writer = FormulaSafeWriter(response, delimiter=";")
    writer.writerow(
        [
            "område",
            "period",
            "antal",
            "invånare",
            "svarande",
            "värde",
            "lägre 95 %",
            "övre 95 %",
            "undertryckt",
            "ofullständig",
            "signifikant förändring mot året före",
            "p-värde",
            "förändring mot året före",
            "kommunen: värde",
            "preliminär",
            "jämfört med preliminär siffra",
            "består av",
        ]
    )
    for row in indicator_series(indicator, area, kind):
        v, m = row.area, row.municipality
        writer.writerow(
            [
                area.name,
                v.shown_label,
                "" if v.count is None else v.count,
                v.population or "",
                "" if v.respondents is None else v.respondents,
                _num(v.value),
                _num(v.low),
                _num(v.high),
                "ja" if v.suppressed else "nej",
                "ja" if v.incomplete else "nej",
                "ja" if v.significant_change else "nej",
                _num(v.change_p),
                v.change_reading,
                _num(m.value if m else None),
                "ja" if v.preliminary else "nej",
                "ja" if v.change_p is not None and row.against_preliminary else "nej",
                v.made_up_of,
            ]
        )
    return response


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}".replace(".", ",")


def area_lookup(request: AuthenticatedRequest) -> HttpResponse:
    """Which district area covered a place on a date: ?lon=&lat=&date=YYYY-MM-DD."""
    municipality = require_municipality(request)
    try:
        lon = float(request.GET["lon"])
        lat = float(request.GET["lat"])
        on = dt.date.fromisoformat(request.GET.get("date") or timezone.localdate().isoformat())
    except (KeyError, ValueError):
        return JsonResponse({"error": "Give lon, lat (decimal degrees) and date (YYYY-MM-DD)."}, status=400)
    area = selectors.area_covering(municipality=municipality, lon=lon, lat=lat, on=on)
    if area is None:
        return JsonResponse({"area": None, "date": on.isoformat()})
    return JsonResponse(
        {
            "area": {"id": area.pk, "name": area.name, "code": area.code},
            "date": on.isoformat(),
            "became": [{"id": a.pk, "name": a.name} for a in selectors.area_became(area)],
        }
    )


def _agreement_versions(area: Area, today: dt.date) -> list[dict]:
    """Each agreement of the area with the version in force today (else the last
    adopted one) and a successor adopted to come into force later."""
    rows = []
    for agreement in area.agreements.prefetch_related("versions__superseded_by"):
        shown = version_shown(agreement, today)
        in_force = shown is not None and shown.is_in_force_on(today)
        upcoming = adopted_successor(shown, today) if shown else None
        if upcoming is None and shown is not None and shown.valid_from and shown.valid_from > today:
            shown, upcoming = None, shown  # only a version that has not begun
        rows.append({"agreement": agreement, "version": shown, "in_force": in_force, "upcoming": upcoming})
    return rows
