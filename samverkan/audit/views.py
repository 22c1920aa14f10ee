from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from samverkan.accounts import permissions
from samverkan.accounts.tenancy import require_municipality
from samverkan.audit.models import AuditEvent, model_name_shown


def audit_log(request) -> HttpResponse:
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.select_related("actor")
    if not request.user.is_superuser:
        # A municipality's administrators read its own events; the installation's read all.
        events = events.filter(municipality=require_municipality(request))
    model = request.GET.get("model", "").strip()
    actor = request.GET.get("actor", "").strip()
    if model:
        events = events.filter(model=model)
    if actor:
        events = events.filter(actor_label=actor)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # A draft's or a confidential row's content only for who may read the thing itself.
    rows = [(event, not event.content_visible_to(request.user)) for event in page]
    labels = events.order_by("model").values_list("model", flat=True).distinct()
    models = sorted(((label, model_name_shown(label)) for label in labels), key=lambda m: m[1])
    return render(
        request,
        "audit/log.html",
        {"page": page, "rows": rows, "models": models, "model": model, "actor": actor},
    )
