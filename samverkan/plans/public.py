"""The public pages: published citizen promises and joint communication of
a municipality and its districts, for anyone, without signing in."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.urls import path

from samverkan.organisations.models import Area, AreaKind, Municipality
from samverkan.plans.models import Communication, CommunicationKind


def _published(municipality):
    return (
        Communication.objects.filter(agreement__municipality=municipality, published_at__isnull=False)
        .select_related("agreement__area")
        .prefetch_related("measures")
        .order_by("-year", "kind", "-published_at")
    )


def _page(request, municipality, area, items, districts):
    return render(
        request,
        "plans/public.html",
        {
            "municipality": municipality,
            "area": area,
            "promises": [i for i in items if i.kind == CommunicationKind.PROMISE],
            "messages_": [i for i in items if i.kind == CommunicationKind.MESSAGE],
            "districts": districts,
        },
    )


@login_not_required
def municipality_page(request, code: str):
    municipality = get_object_or_404(Municipality, code=code)
    items = list(_published(municipality))
    districts = Area.objects.filter(
        municipality=municipality,
        kind=AreaKind.DISTRICT,
        pk__in=[i.agreement.area_id for i in items if i.agreement.area_id],
    ).order_by("name")
    return _page(request, municipality, None, items, districts)


@login_not_required
def district_page(request, code: str, area: str):
    municipality = get_object_or_404(Municipality, code=code)
    district = get_object_or_404(Area, municipality=municipality, code=area, kind=AreaKind.DISTRICT)
    items = list(_published(municipality).filter(agreement__area=district))
    return _page(request, municipality, district, items, [])


app_name = "public"
urlpatterns = [
    path("<str:code>/", municipality_page, name="municipality"),
    path("<str:code>/<slug:area>/", district_page, name="district"),
]
