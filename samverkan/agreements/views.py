from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.accounts.tenancy import require_municipality
from samverkan.agreements import permissions, selectors, services
from samverkan.agreements.compliance import (
    agreement_compliance,
    agreement_warnings,
    central_versions_in_force,
    revision_due,
)
from samverkan.agreements.forms import LocalPriorityForm
from samverkan.agreements.models import Scope, VersionStatus
from samverkan.core.forms import errors_on


def overview(request) -> HttpResponse:
    municipality = require_municipality(request)
    today = timezone.localdate()
    agreements = list(selectors.agreements_of(municipality))
    shown = set(
        permissions.viewable_versions(request.user, [v for a in agreements for v in a.versions.all()])
    )
    for agreement in agreements:
        agreement.current = selectors.version_in_force(agreement, today)
        agreement.shown_versions = [v for v in agreement.versions.all() if v in shown]
    return render(
        request,
        "agreements/overview.html",
        {
            "central": [a for a in agreements if a.scope == Scope.CENTRAL],
            "local": [a for a in agreements if a.scope == Scope.LOCAL],
            # Called only if the kept district table has to be rendered anew.
            "rows": lambda: selectors.district_overview(municipality, today=today, include_retired=True),
            "today": today,
        },
    )


def compliance_overview(request) -> HttpResponse:
    municipality = require_municipality(request)
    today = timezone.localdate()
    include_retired = request.GET.get("retired") == "1"
    return render(
        request,
        "agreements/compliance.html",
        {
            # Called only if the kept district table has to be rendered anew.
            "rows": lambda: selectors.district_overview(
                municipality, today=today, include_retired=include_retired
            ),
            "include_retired": include_retired,
            "today": today,
        },
    )


def agreement_detail(request, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for(request.user, pk)
    today = timezone.localdate()
    versions = permissions.viewable_versions(request.user, list(agreement.versions.order_by("valid_from")))
    current = selectors.version_in_force(agreement, today)
    if current is not None and current not in versions:
        current = None
    return render(
        request,
        "agreements/agreement_detail.html",
        {"agreement": agreement, "versions": versions, "current": current, "today": today},
    )


def _version_page(request, version, *, form=None, status=200) -> HttpResponse:
    today = timezone.localdate()
    can_edit = permissions.can_edit_version(request.user, version)
    if (
        form is None
        and can_edit
        and version.agreement.scope == Scope.LOCAL
        and version.status == VersionStatus.DRAFT
    ):
        form = LocalPriorityForm(central_versions=central_versions_in_force(version))
    areas = version.priority_areas.prefetch_related(
        "goals",
        "addresses__version",
        "categories",
        "lineage_in__from_area__version",
        "lineage_out__to_area__version",
    )
    context = {
        "version": version,
        "agreement": version.agreement,
        "areas": areas,
        "compliance": agreement_compliance(version),
        "warnings": agreement_warnings(version, today=today),
        "revision_due": revision_due(version),
        "can_edit": can_edit,
        "siblings": [
            v
            for v in version.agreement.versions.order_by("valid_from")
            if permissions.can_view_version(request.user, v)
        ],
        "form": form,
        "today": today,
        "can_revise": permissions.can_draft_revision(request.user, version),
        "can_edit_draft": permissions.can_edit_draft(request.user, version),
        "rounds": version.consultation_rounds.all(),
        "sections": version.sections.all(),
        "adoptions": version.adoptions.select_related("decided_by", "corrects"),
        "can_correct_adoption": permissions.can_record_adoption(request.user, version),
    }
    return render(request, "agreements/version_detail.html", context, status=status)


def version_detail(request, pk: int) -> HttpResponse:
    return _version_page(request, permissions.get_version_for(request.user, pk))


@require_POST
def local_priority_add(request, pk: int) -> HttpResponse:
    version = permissions.get_version_for(request.user, pk, edit=True)
    if version.agreement.scope != Scope.LOCAL:
        raise PermissionDenied
    form = LocalPriorityForm(request.POST, central_versions=central_versions_in_force(version))
    if form.is_valid():
        with errors_on(form):
            services.local_priority_add(
                version=version,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                addresses=form.cleaned_data["addresses"],
                categories=form.cleaned_data.get("categories", []),
            )
    if form.errors:
        return _version_page(request, version, form=form, status=400)
    messages.success(request, _("The local priority was added."))
    return redirect("agreements:version", pk=version.pk)
