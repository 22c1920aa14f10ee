from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from samverkan.accounts.http import AuthenticatedRequest
from samverkan.accounts.tenancy import require_municipality
from samverkan.overview import start as start_page


def start(request: AuthenticatedRequest) -> HttpResponse:
    """The page each person opens in the morning: what is theirs now."""
    municipality = require_municipality(request)
    today = timezone.localdate()
    page = start_page.start_page(request.user, municipality, today)
    return render(
        request,
        "overview/start.html",
        {
            "start": page,
            "today": today,
            "reads_only": not request.user.writes,
            "unread_notifications": page.unread,  # the menu's count, already read
        },
    )
