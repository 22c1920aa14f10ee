"""Tertial follow-ups: progress per measure, overrides with their reasons,
submission."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.agreements.models import Goal, PriorityArea
from samverkan.core.forms import errors_as_messages, errors_on
from samverkan.core.http import download
from samverkan.plans import figures, permissions, roundtrip, services
from samverkan.plans.forms import (
    NarrativeForm,
    OverrideForm,
    ProgressForm,
    ReportForm,
)
from samverkan.plans.views.access import base_url, plan_for, report_for
from samverkan.plans.views.plans import plan_page
from samverkan.situations.presentation import chart_from, safe_svg


@require_POST
def report_create(request, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk, edit=True)
    form = ReportForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            report = services.report_create(plan=plan, **form.cleaned_data)
        if not form.errors:
            return redirect("plans:report", pk=report.pk)
    return plan_page(request, plan, forms={"report": form}, status=400)


def report_detail(request, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    can_edit = permissions.can_edit_report(request.user, report)
    lines = list(report.progress.select_related("measure"))
    status = 200
    narrative_form = NarrativeForm(initial={"narrative": report.narrative}) if can_edit else None
    progress_forms = [
        (
            p,
            ProgressForm(
                prefix=f"m{p.measure_id}",
                initial={"status": p.status, "percent": p.percent, "comment": p.comment},
            ),
        )
        for p in lines
    ]
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        narrative_form = NarrativeForm(request.POST)
        progress_forms = [(p, ProgressForm(request.POST, prefix=f"m{p.measure_id}")) for p in lines]
        if narrative_form.is_valid() and all(f.is_valid() for _p, f in progress_forms):
            with errors_on(narrative_form):
                services.report_save(
                    report=report,
                    narrative=narrative_form.cleaned_data["narrative"],
                    progress=[(progress, form.cleaned_data) for progress, form in progress_forms],
                )
            if not narrative_form.errors:
                messages.success(request, _("The follow-up was saved."))
                return redirect("plans:report", pk=report.pk)
        status = 400
    content = report.content if not report.is_draft else figures.report_figures(report)
    for measure in content["measures"]:
        for link in measure["indicators"]:
            link["svg"] = safe_svg(chart_from(link["chart"]))
    context = {
        "report": report,
        "plan": report.plan,
        "content": content,
        "can_edit": can_edit,
        "narrative_form": narrative_form,
        "progress_forms": progress_forms,
        "override_form": OverrideForm(rollup=content["rollup"]) if can_edit else None,
        "overrides": report.overrides.select_related("goal", "priority_area", "recorded_by"),
    }
    return render(request, "plans/report_detail.html", context, status=status)


@require_POST
def report_submit(request, pk: int) -> HttpResponse:
    report = report_for(request.user, pk, edit=True)
    try:
        services.report_submit(report=report, user=request.user, base_url=base_url(request))
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        messages.success(
            request,
            _("The follow-up was submitted to %(bodies)s.")
            % {"bodies": ", ".join(b.name for b in report.recipients.all())},
        )
    return redirect("plans:report", pk=report.pk)


@require_POST
def override_add(request, pk: int) -> HttpResponse:
    report = report_for(request.user, pk, edit=True)
    content = figures.report_figures(report)
    form = OverrideForm(request.POST, rollup=content["rollup"])
    if form.is_valid():
        kind, _sep, key = form.cleaned_data["target"].partition("-")
        target = (
            {"goal": get_object_or_404(Goal, pk=key)}
            if kind == "goal"
            else {"priority_area": get_object_or_404(PriorityArea, pk=key)}
        )
        try:
            services.override_record(
                report=report,
                percent=form.cleaned_data["percent"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                **target,
            )
        except ValidationError as error:
            errors_as_messages(request, error)
        else:
            messages.success(request, _("The override was recorded."))
    else:
        messages.error(request, _("Choose what to override, give a value from 0 to 100 and the reason."))
    return redirect("plans:report", pk=report.pk)


def report_export(request, pk: int, fmt: str) -> HttpResponse:
    report = report_for(request.user, pk)
    rows = roundtrip.progress_rows(report)
    name = f"{report}-progress"
    if fmt == "csv":
        return download(roundtrip.to_csv(roundtrip.PROGRESS_COLUMNS, rows), fmt, name)
    return download(roundtrip.to_xlsx(roundtrip.PROGRESS_COLUMNS, rows, _("Follow-up")), fmt, name)
