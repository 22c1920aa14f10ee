"""Action plans and their measures, indicators, follow-up plan and adoption."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.accounts.services import district_shown
from samverkan.accounts.tenancy import require_municipality
from samverkan.agreements.models import PriorityArea
from samverkan.core.forms import errors_as_messages, errors_on
from samverkan.core.http import download, id_parameter
from samverkan.plans import figures, permissions, roundtrip, services
from samverkan.plans.forms import (
    AdoptForm,
    DutyForm,
    MeasureForm,
    MeasureIndicatorForm,
    PlanForm,
    ReportForm,
)
from samverkan.plans.models import (
    ActionPlan,
    Measure,
)
from samverkan.plans.selectors import PLAN_PARTIES, deciding_body, plan_initial_from_analysis, plan_parties
from samverkan.plans.views.access import measure_for, plan_for
from samverkan.situations import permissions as situation_permissions
from samverkan.situations.presentation import chart_from, safe_svg
from samverkan.situations.views.access import analysis_for


def plan_list(request) -> HttpResponse:
    municipality = require_municipality(request)
    agreements = municipality.agreements.select_related("area")
    creatable = agreements.filter(
        pk__in=[a.pk for a in permissions.agreements_for_new_plans(request.user, agreements)]
    )
    initial = {"year": timezone.localdate().year}
    analysis_id = id_parameter(request.GET, "analysis")
    if analysis_id and creatable:
        # "Create an action plan" from the joint analysis: the form filled in from it.
        analysis = analysis_for(request.user, analysis_id)
        area = PriorityArea.objects.filter(pk=id_parameter(request.GET, "priority_area") or 0).first()
        if analysis.picture.agreement_id in {a.pk for a in creatable} and area is not None:
            initial = plan_initial_from_analysis(analysis, area, analysis.picture.period_end.year + 1)
    form = PlanForm(agreements=creatable, initial=initial) if creatable else None
    status = 200
    if request.method == "POST":
        if not creatable:
            raise PermissionDenied
        form = PlanForm(request.POST, agreements=creatable)
        if form.is_valid():
            data = form.cleaned_data
            with errors_on(form):
                plan = services.plan_create(
                    agreement=data["agreement"],
                    priority_area=data["priority_area"],
                    year=data["year"],
                    title=data["title"],
                    purpose=data["purpose"],
                    goals=list(data["goals"]),
                    analysis=data["analysis"],
                )
            if not form.errors:
                messages.success(request, _("The action plan was created."))
                return redirect("plans:detail", pk=plan.pk)
        status = 400
    district, districts = district_shown(request)
    shown = ActionPlan.objects.filter(agreement__municipality=municipality)
    if district is not None:
        shown = shown.filter(agreement__area=district)
    plans = [
        p
        for p in shown.select_related(
            "agreement__area", "agreement__municipality", "priority_area"
        ).prefetch_related(*PLAN_PARTIES)
        if permissions.can_view_plan(request.user, p)
    ]
    return render(
        request,
        "plans/plan_list.html",
        {"plans": plans, "form": form, "district": district, "districts": districts},
        status=status,
    )


def plan_page(request, plan, *, forms=None, status=200) -> HttpResponse:
    can_edit = permissions.can_edit_plan(request.user, plan) and plan.is_draft
    forms = forms or {}
    measures = list(
        plan.measures.select_related("kind", "goal", "problem", "area").prefetch_related(
            "owners", "causes", "indicators__indicator", "indicators__area"
        )
    )
    rows = []
    for measure in measures:
        links = []
        for link in measure.indicators.all():
            data = figures.measure_indicator_figures(link, dt.date(plan.year, 12, 31))
            links.append({**data, "svg": safe_svg(chart_from(data["chart"]))})
        rows.append({"measure": measure, "indicators": links})
    reports = [r for r in plan.reports.all() if permissions.can_view_report(request.user, r)]
    analysis = plan.analysis
    if analysis is not None and analysis.picture.agreement_id == plan.agreement_id:
        analysis.picture.agreement = plan.agreement  # its versions are read already
    context = {
        "plan": plan,
        "rows": rows,
        "can_edit": can_edit,
        "can_reopen": permissions.can_edit_plan(request.user, plan) and not plan.is_draft,
        "can_adopt": permissions.can_adopt_plan(request.user, plan) and plan.is_draft,
        "can_report": permissions.can_edit_plan(request.user, plan) and not plan.is_draft,
        "parties": plan_parties(plan),
        "duties": plan.follow_up_plan.select_related("organisation").prefetch_related("recipients"),
        "decisions": plan.decisions.select_related("body", "recorded_by"),
        "reports": reports,
        "goals": plan.goals.all(),
        "can_view_analysis": plan.analysis is not None
        and situation_permissions.can_view_joint(request.user, plan.analysis),
    }
    if can_edit:
        context["measure_form"] = forms.get("measure") or MeasureForm(plan=plan)
        context["duty_form"] = forms.get("duty") or DutyForm(plan=plan)
        context["indicator_form"] = forms.get("indicator") or MeasureIndicatorForm(plan=plan)
    if context["can_adopt"]:
        context["adopt_form"] = forms.get("adopt") or AdoptForm(plan=plan, body=deciding_body(plan.agreement))
    if forms.get("report") is not None:
        context["can_report"] = True  # a refused follow-up shows why, whatever the plan became meanwhile
    if context["can_report"]:
        context["report_form"] = forms.get("report") or ReportForm(initial={"year": plan.year})
    return render(request, "plans/plan_detail.html", context, status=status)


def plan_detail(request, pk: int) -> HttpResponse:
    return plan_page(request, plan_for(request.user, pk))


def _measure_saved(request, form, message) -> bool:
    """Save a valid measure form through the service, or put the refusal on
    the form."""
    if not form.is_valid():
        return False
    with errors_on(form):
        services.measure_save(
            measure=form.save(commit=False),
            owners=form.cleaned_data["owners"],
            causes=form.cleaned_data["causes"],
        )
    if form.errors:
        return False
    messages.success(request, message)
    return True


@require_POST
def measure_add(request, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk, edit=True)
    form = MeasureForm(request.POST, plan=plan, instance=Measure(plan=plan))
    if _measure_saved(request, form, _("The measure was added.")):
        return redirect("plans:detail", pk=plan.pk)
    return plan_page(request, plan, forms={"measure": form}, status=400)


def measure_edit(request, pk: int) -> HttpResponse:
    measure = measure_for(request.user, pk)
    plan = measure.plan
    form = MeasureForm(plan=plan, instance=measure)
    status = 200
    if request.method == "POST":
        form = MeasureForm(request.POST, plan=plan, instance=measure)
        if _measure_saved(request, form, _("The measure was saved.")):
            return redirect("plans:detail", pk=plan.pk)
        status = 400
    return render(
        request, "plans/measure_edit.html", {"measure": measure, "plan": plan, "form": form}, status=status
    )


@require_POST
def measure_delete(request, pk: int) -> HttpResponse:
    measure = measure_for(request.user, pk)
    try:
        services.measure_delete(measure=measure)
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        messages.success(request, _("The measure was removed."))
    return redirect("plans:detail", pk=measure.plan_id)


@require_POST
def measure_indicator_add(request, pk: int) -> HttpResponse:
    measure = measure_for(request.user, pk)
    form = MeasureIndicatorForm(request.POST, plan=measure.plan)
    if form.is_valid():
        with errors_on(form):
            services.measure_indicator_add(measure=measure, **form.cleaned_data)
        if not form.errors:
            messages.success(request, _("The indicator was linked."))
            return redirect("plans:detail", pk=measure.plan_id)
    return plan_page(request, measure.plan, forms={"indicator": form}, status=400)


@require_POST
def duty_add(request, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk, edit=True)
    form = DutyForm(request.POST, plan=plan)
    if form.is_valid():
        with errors_on(form):
            services.duty_add(plan=plan, **form.cleaned_data)
    if form.errors:
        return plan_page(request, plan, forms={"duty": form}, status=400)
    messages.success(request, _("The follow-up plan was updated."))
    return redirect("plans:detail", pk=plan.pk)


@require_POST
def plan_adopt(request, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk)
    if not permissions.can_adopt_plan(request.user, plan):
        raise PermissionDenied
    form = AdoptForm(request.POST, plan=plan)
    if form.is_valid():
        with errors_on(form):
            services.plan_adopt(plan=plan, user=request.user, **form.cleaned_data)
        if not form.errors:
            messages.success(request, _("The adoption of the plan was recorded."))
            return redirect("plans:detail", pk=plan.pk)
    return plan_page(request, plan, forms={"adopt": form}, status=400)


@require_POST
def plan_reopen(request, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk, edit=True)
    try:
        services.plan_reopen(plan=plan)
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        messages.success(request, _("The plan is a draft again; the change needs a new decision."))
    return redirect("plans:detail", pk=plan.pk)


def plan_export(request, pk: int, fmt: str) -> HttpResponse:
    plan = plan_for(request.user, pk)
    rows = roundtrip.measure_rows([plan])
    if fmt == "csv":
        return download(roundtrip.to_csv(roundtrip.MEASURE_COLUMNS, rows), fmt, f"{plan}-measures")
    return download(
        roundtrip.to_xlsx(roundtrip.MEASURE_COLUMNS, rows, _("Measures")), fmt, f"{plan}-measures"
    )
