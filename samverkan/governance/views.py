from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from samverkan.accounts import permissions
from samverkan.core.http import require_municipality
from samverkan.governance.models import Body
from samverkan.governance.selectors import body_findings


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
    return render(request, "governance/body_list.html", {"bodies": bodies, "today": today})


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
