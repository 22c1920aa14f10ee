from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from samverkan.notifications import services


def notification_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own notifications; anyone signed in has some."""
    if request.method == "POST":
        services.notifications_read(user=request.user)
        return redirect("notifications")
    notices = list(request.user.notifications.all()[:100])
    return render(request, "notifications/list.html", {"notices": notices})
