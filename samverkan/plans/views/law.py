"""The law's requirements, where the municipality stands with each, for the
council, the steering group and Brå."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from samverkan.accounts import permissions
from samverkan.accounts.http import AuthenticatedRequest
from samverkan.accounts.tenancy import require_municipality
from samverkan.core.http import id_parameter
from samverkan.plans.law import law_status

FIRST_YEAR = 2023  # the law applies from 1 July 2023


def law(request: AuthenticatedRequest) -> HttpResponse:
    municipality = require_municipality(request)
    if not permissions.can_view_municipality(request.user, municipality):
        raise PermissionDenied
    this_year = timezone.localdate().year
    year = min(max(id_parameter(request.GET, "year") or this_year, FIRST_YEAR + 1), this_year + 1)
    return render(
        request,
        "plans/law.html",
        {
            "municipality": municipality,
            "years": [
                law_status(municipality, year, request.user),
                law_status(municipality, year - 1, request.user),
            ],
            "year": year,
            "earlier": year - 1 if year - 1 > FIRST_YEAR else None,
            "later": year + 1 if year < this_year else None,
        },
    )
