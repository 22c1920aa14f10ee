from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.accounts import permissions
from samverkan.accounts.models import Role
from samverkan.accounts.tenancy import require_municipality
from samverkan.agreements.models import Agreement
from samverkan.core.forms import errors_on
from samverkan.core.http import id_parameter
from samverkan.governance import people, selectors, services
from samverkan.governance.forms import LocalGroupForm, PersonForm, SeatForm
from samverkan.governance.models import Body, BodyKind, Seat
from samverkan.governance.selectors import body_findings
from samverkan.organisations.models import Area, AreaKind, Organisation
from samverkan.organisations.selectors import district_organisations


def body_list(request) -> HttpResponse:
    municipality = require_municipality(request)
    today = timezone.localdate()
    bodies = [
        (
            body,
            body_findings(body),
            sorted(
                ((duty.next_due(today), duty) for duty in body.reporting_duties.all()), key=lambda p: p[0]
            ),
        )
        for body in Body.objects.filter(municipality=municipality)
        .select_related("agreement", "parent")
        .prefetch_related("seats__organisation", "reporting_duties__committee")
    ]
    districts = (
        permissions.oversees(request.user)
        or (request.user.role == Role.DISTRICT_COORDINATOR and request.user.organisation.area_id is not None)
        or (request.user.role == Role.POLICE_CONTACT and request.user.organisation.is_police)
    )
    return render(
        request, "governance/body_list.html", {"bodies": bodies, "today": today, "districts": districts}
    )


def body_detail(request, pk: int) -> HttpResponse:
    body = get_object_or_404(Body.objects.select_related("municipality", "agreement", "parent"), pk=pk)
    if not permissions.can_view_municipality(request.user, body.municipality):
        raise PermissionDenied
    today = timezone.localdate()
    duties = [(duty.next_due(today), duty) for duty in body.reporting_duties.select_related("committee")]
    return render(
        request,
        "governance/body_detail.html",
        {
            "body": body,
            "seats": body.seats.select_related("organisation"),
            "duties": duties,
            "subgroups": body.subgroups.all(),
            "findings": body_findings(body),
            "today": today,
        },
    )


# --- a district's people and local steering group -----------------------------------


def _district(request, pk: int) -> tuple[Area, Agreement | None, list[Organisation]]:
    area = get_object_or_404(Area.objects.select_related("municipality"), pk=pk, kind=AreaKind.DISTRICT)
    if not permissions.can_manage_district(request.user, area):
        raise PermissionDenied
    agreement = selectors.local_agreement_of(area)
    return area, agreement, district_organisations(area)


def district_list(request) -> HttpResponse:
    """The districts the user sets up: every district for those who oversee
    the collaboration, the own district for a coordinator."""
    municipality = require_municipality(request)
    today = timezone.localdate()
    areas = [
        area
        for area in Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT).valid_on(today)
        if permissions.can_manage_district(request.user, area)
    ]
    if not areas:
        raise PermissionDenied
    if len(areas) == 1:
        return redirect("bodies:district", pk=areas[0].pk)
    return render(request, "governance/district_list.html", {"areas": areas})


def district(request, pk: int) -> HttpResponse:
    area, agreement, organisations = _district(request, pk)
    group = (
        Body.objects.filter(agreement=agreement, kind=BodyKind.LOCAL_STEERING_GROUP).first()
        if agreement
        else None
    )
    bound: dict[str, Any] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        handlers: dict[str, Callable[..., Any]] = {
            "person": _person_add,
            "role": _role_give,
            "group": _group_form,
            "seat": _seat_add,
            "seat_remove": _seat_remove,
        }
        handler = handlers.get(action)
        if handler is None:
            return HttpResponseBadRequest(_("Unknown action."))
        outcome = handler(request, area=area, agreement=agreement, group=group, organisations=organisations)
        if isinstance(outcome, HttpResponse):
            return outcome
        bound = outcome
    context = {
        "area": area,
        "agreement": agreement,
        "organisations": organisations,
        "people": people.people_rows(organisations, request.user),
        "group": group,
        "seats": group.seats.select_related("organisation") if group else [],
        "forms": {
            "person": PersonForm(organisations=organisations, by=request.user, prefix="person"),
            "group": LocalGroupForm(
                initial={"name": _("Local steering group %(district)s") % {"district": area.name}},
                prefix="group",
            ),
            "seat": SeatForm(organisations=organisations, prefix="seat"),
        }
        | bound,
    }
    return render(request, "governance/district.html", context, status=400 if bound else 200)


def _back(area: Area, anchor: str) -> HttpResponse:
    return redirect(reverse("bodies:district", args=[area.pk]) + anchor)


def _person_add(request, *, area, organisations, **_context) -> HttpResponse | dict[str, Any]:
    outcome = people.person_posted(
        request, organisations=organisations, back=reverse("bodies:district", args=[area.pk]) + "#people"
    )
    return outcome if isinstance(outcome, HttpResponse) else {"person": outcome}


def _role_give(request, *, area, organisations, **_context) -> HttpResponse:
    return people.role_posted(
        request, organisations=organisations, back=reverse("bodies:district", args=[area.pk]) + "#people"
    )


def _group_form(request, *, area, agreement, **_context) -> HttpResponse | dict[str, Any]:
    form = LocalGroupForm(request.POST, prefix="group")
    if agreement is None:
        form.add_error(None, _("The district has no local agreement to form a steering group for."))
    elif form.is_valid():
        with errors_on(form):
            services.local_group_form(
                agreement=agreement, name=form.cleaned_data["name"], mandate=form.cleaned_data["mandate"]
            )
    if form.errors:
        return {"group": form}
    messages.success(request, _("The local steering group was formed."))
    return _back(area, "#group")


def _seat_add(request, *, area, group, organisations, **_context) -> HttpResponse | dict[str, Any]:
    form = SeatForm(request.POST, organisations=organisations, prefix="seat")
    if group is None:
        form.add_error(None, _("Form the local steering group first."))
    elif form.is_valid():
        form.instance.body = group
        with errors_on(form):
            services.seat_add(seat=form.instance, organisations=organisations)
    if form.errors:
        return {"seat": form}
    messages.success(request, _("The seat was added."))
    return _back(area, "#group")


def _seat_remove(request, *, area, group, **_context) -> HttpResponse | dict[str, Any]:
    if group is None:
        raise Http404
    seat = get_object_or_404(Seat, pk=id_parameter(request.POST, "seat") or 0, body=group)
    services.seat_remove(seat=seat)
    messages.success(request, _("The seat was removed."))
    return _back(area, "#group")
