"""Citizen promises and joint messages, published when every party has approved
the text."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.accounts.tenancy import require_municipality
from samverkan.core.forms import errors_as_messages, errors_on
from samverkan.plans import permissions, selectors, services
from samverkan.plans.forms import (
    CommunicationForm,
)
from samverkan.plans.models import (
    Communication,
)


def communication_list(request) -> HttpResponse:
    municipality = require_municipality(request)
    agreements = municipality.agreements.select_related("area")
    writable = [
        a
        for a in agreements
        if permissions.can_edit_communication(
            request.user, Communication(agreement=a, year=timezone.localdate().year)
        )
    ]
    writable_qs = agreements.filter(pk__in=[a.pk for a in writable])
    form = (
        CommunicationForm(agreements=writable_qs, initial={"year": timezone.localdate().year})
        if writable
        else None
    )
    status = 200
    if request.method == "POST":
        if not writable:
            raise PermissionDenied
        form = CommunicationForm(request.POST, agreements=writable_qs)
        if form.is_valid():
            with errors_on(form):
                item = services.communication_save(
                    communication=form.save(commit=False), measures=form.cleaned_data["measures"]
                )
            if not form.errors:
                messages.success(
                    request, _("The text was saved; it is published when every party has approved it.")
                )
                return redirect("plans:communication", pk=item.pk)
        status = 400
    items = [
        c
        for c in Communication.objects.filter(agreement__municipality=municipality).select_related(
            "agreement__area"
        )
        if permissions.can_view_communication(request.user, c)
    ]
    return render(request, "plans/communication_list.html", {"items": items, "form": form}, status=status)


def communication_detail(request, pk: int) -> HttpResponse:
    item = get_object_or_404(Communication.objects.select_related("agreement__municipality"), pk=pk)
    if not permissions.can_view_communication(request.user, item):
        raise PermissionDenied
    can_edit = permissions.can_edit_communication(request.user, item)
    form = None
    status = 200
    if can_edit:
        agreements = item.agreement.municipality.agreements.filter(pk=item.agreement_id)
        form = CommunicationForm(
            instance=item, agreements=agreements, initial={"measures": item.measures.all()}
        )
        if request.method == "POST":
            # The form edits a copy: a refused value must not reach the page shown with its errors.
            edited = Communication.objects.get(pk=item.pk)
            form = CommunicationForm(request.POST, instance=edited, agreements=agreements)
            if form.is_valid():
                with errors_on(form):
                    services.communication_save(
                        communication=form.save(commit=False), measures=form.cleaned_data["measures"]
                    )
                if not form.errors:
                    messages.success(
                        request, _("The text was saved; approvals of the earlier text no longer count.")
                    )
                    return redirect("plans:communication", pk=item.pk)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    approvals = selectors.communication_approvals(item)
    parties = [(o, approvals.get(o.pk)) for o in selectors.communication_parties(item)]
    return render(
        request,
        "plans/communication_detail.html",
        {
            "item": item,
            "form": form,
            "parties": parties,
            "can_approve": permissions.can_approve_communication(request.user, item)
            and request.user.organisation_id not in approvals,
        },
        status=status,
    )


@require_POST
def communication_approve(request, pk: int) -> HttpResponse:
    item = get_object_or_404(Communication.objects.select_related("agreement__municipality"), pk=pk)
    if not permissions.can_approve_communication(request.user, item):
        raise PermissionDenied
    try:
        services.communication_approve(communication=item, user=request.user)
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        if item.is_published:
            messages.success(request, _("Every party has approved the text; it is published."))
        else:
            messages.success(request, _("Your organisation's approval was recorded."))
    return redirect("plans:communication", pk=item.pk)
