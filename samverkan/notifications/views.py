from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from samverkan.accounts import permissions
from samverkan.accounts.http import AuthenticatedRequest
from samverkan.accounts.tenancy import require_municipality
from samverkan.core.http import id_parameter
from samverkan.notifications import services
from samverkan.notifications.models import Mail


def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    """The signed-in user's own notifications; anyone signed in has some."""
    if request.method == "POST":
        services.notifications_read(user=request.user)
        return redirect("notifications")
    notices = list(request.user.notifications.all()[:100])
    return render(request, "notifications/list.html", {"notices": notices})


def mail_outbox(request: AuthenticatedRequest) -> HttpResponse:
    """The e-mail the platform sent or is trying to send, for administrators: what
    waits for a mail server that is down, what failed and why, and "send again"."""
    if not permissions.is_administrator(request.user):
        raise PermissionDenied
    mails = Mail.objects.all()
    if not request.user.is_superuser:
        # A municipality's administrators see the mail of its own people.
        mails = mails.filter(municipality=require_municipality(request))
    if request.method == "POST":
        mail = get_object_or_404(mails, pk=id_parameter(request.POST, "mail"))
        if mail.state == Mail.State.SENT:
            messages.info(request, _("The e-mail to %(to)s has already been sent.") % {"to": mail.to})
        else:
            services.mail_send_again(mail)
            messages.success(request, _("The e-mail to %(to)s will be sent again now.") % {"to": mail.to})
        return redirect("mail_outbox")
    state = request.GET.get("state", "")
    if state in Mail.State.values:
        mails = mails.filter(state=state)
    else:
        state = ""
    page = Paginator(mails, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {"page": page, "state": state, "states": Mail.State.choices},
    )
