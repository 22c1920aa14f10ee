from django.http import HttpResponse
from django.shortcuts import redirect, render

from samverkan.accounts.http import AuthenticatedRequest
from samverkan.notifications import services


def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    """The signed-in user's own notifications; anyone signed in has some."""
    if request.method == "POST":
        services.notifications_read(user=request.user)
        return redirect("notifications")
    notices = list(request.user.notifications.all()[:100])
    return render(request, "notifications/list.html", {"notices": notices})
