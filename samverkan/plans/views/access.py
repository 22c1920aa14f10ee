"""Who reaches a plan, a measure or a follow-up report: every plan page asks
these."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from samverkan.plans import permissions
from samverkan.plans.models import (
    ActionPlan,
    FollowUpReport,
    Measure,
)
from samverkan.plans.selectors import PLAN_PARTIES


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def plan_for(user, pk, *, edit=False) -> ActionPlan:
    plan = get_object_or_404(
        ActionPlan.objects.select_related(
            "agreement__municipality", "agreement__area", "priority_area"
        ).prefetch_related(*PLAN_PARTIES),
        pk=pk,
    )
    allowed = permissions.can_edit_plan(user, plan) if edit else permissions.can_view_plan(user, plan)
    if not allowed:
        raise PermissionDenied
    return plan


def measure_for(user, pk) -> Measure:
    measure = get_object_or_404(Measure.objects.select_related("plan"), pk=pk)
    plan_for(user, measure.plan_id, edit=True)
    return measure


def report_for(user, pk, *, edit=False) -> FollowUpReport:
    report = get_object_or_404(FollowUpReport.objects.select_related("plan__agreement__municipality"), pk=pk)
    allowed = permissions.can_edit_report(user, report) if edit else permissions.can_view_report(user, report)
    if not allowed:
        raise PermissionDenied
    return report
