import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.accounts import permissions
from samverkan.agreements.models import Goal, PriorityArea
from samverkan.core.forms import errors_as_messages, errors_on_form
from samverkan.core.http import download, require_municipality
from samverkan.plans import annual, figures, roundtrip, selectors, services, tasks
from samverkan.plans.forms import (
    AdoptForm,
    AnnualForm,
    CommunicationForm,
    DutyForm,
    MeasureForm,
    MeasureIndicatorForm,
    NarrativeForm,
    OverrideForm,
    PlanForm,
    ProgressForm,
    ReportForm,
)
from samverkan.plans.models import (
    ActionPlan,
    AnnualReport,
    Communication,
    FollowUpReport,
    Measure,
)
from samverkan.plans.selectors import PLAN_PARTIES, deciding_body, plan_parties
from samverkan.situations.presentation import chart_from, safe_svg


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _plan_for(user, pk, *, edit=False) -> ActionPlan:
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


def _measure_for(user, pk) -> Measure:
    measure = get_object_or_404(Measure.objects.select_related("plan"), pk=pk)
    _plan_for(user, measure.plan_id, edit=True)
    return measure


def _report_for(user, pk, *, edit=False) -> FollowUpReport:
    report = get_object_or_404(FollowUpReport.objects.select_related("plan__agreement__municipality"), pk=pk)
    allowed = permissions.can_edit_report(user, report) if edit else permissions.can_view_report(user, report)
    if not allowed:
        raise PermissionDenied
    return report


# --- plans ---------------------------------------------------------------------


def plan_list(request):
    municipality = require_municipality(request)
    agreements = municipality.agreements.select_related("area")
    creatable = agreements.filter(
        pk__in=[a.pk for a in permissions.agreements_for_new_plans(request.user, agreements)]
    )
    form = PlanForm(agreements=creatable, initial={"year": timezone.localdate().year}) if creatable else None
    status = 200
    if request.method == "POST":
        if not creatable:
            raise PermissionDenied
        form = PlanForm(request.POST, agreements=creatable)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    agreement=data["agreement"],
                    priority_area=data["priority_area"],
                    year=data["year"],
                    title=data["title"],
                    purpose=data["purpose"],
                    goals=list(data["goals"]),
                    analysis=data["analysis"],
                )
            except ValidationError as error:
                errors_on_form(form, error)
            else:
                messages.success(request, _("The action plan was created."))
                return redirect("plans:detail", pk=plan.pk)
        status = 400
    plans = [
        p
        for p in ActionPlan.objects.filter(agreement__municipality=municipality)
        .select_related("agreement__area", "agreement__municipality", "priority_area")
        .prefetch_related(*PLAN_PARTIES)
        if permissions.can_view_plan(request.user, p)
    ]
    return render(request, "plans/plan_list.html", {"plans": plans, "form": form}, status=status)


def _plan_page(request, plan, *, forms=None, status=200):
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
    }
    if can_edit:
        context["measure_form"] = forms.get("measure") or MeasureForm(plan=plan)
        context["duty_form"] = forms.get("duty") or DutyForm(plan=plan)
        context["indicator_form"] = forms.get("indicator") or MeasureIndicatorForm(plan=plan)
    if context["can_adopt"]:
        context["adopt_form"] = forms.get("adopt") or AdoptForm(plan=plan, body=deciding_body(plan.agreement))
    if context["can_report"]:
        context["report_form"] = forms.get("report") or ReportForm(initial={"year": plan.year})
    return render(request, "plans/plan_detail.html", context, status=status)


def plan_detail(request, pk: int):
    return _plan_page(request, _plan_for(request.user, pk))


def _measure_saved(request, form, message) -> bool:
    """Save a valid measure form through the service, or put the refusal on
    the form."""
    if not form.is_valid():
        return False
    try:
        services.measure_save(
            measure=form.save(commit=False),
            owners=form.cleaned_data["owners"],
            causes=form.cleaned_data["causes"],
        )
    except ValidationError as error:
        errors_on_form(form, error)
        return False
    messages.success(request, message)
    return True


@require_POST
def measure_add(request, pk: int):
    plan = _plan_for(request.user, pk, edit=True)
    form = MeasureForm(request.POST, plan=plan, instance=Measure(plan=plan))
    if _measure_saved(request, form, _("The measure was added.")):
        return redirect("plans:detail", pk=plan.pk)
    return _plan_page(request, plan, forms={"measure": form}, status=400)


def measure_edit(request, pk: int):
    measure = _measure_for(request.user, pk)
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
def measure_delete(request, pk: int):
    measure = _measure_for(request.user, pk)
    try:
        services.measure_delete(measure=measure)
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        messages.success(request, _("The measure was removed."))
    return redirect("plans:detail", pk=measure.plan_id)


@require_POST
def measure_indicator_add(request, pk: int):
    measure = _measure_for(request.user, pk)
    form = MeasureIndicatorForm(request.POST, plan=measure.plan)
    if form.is_valid():
        try:
            services.measure_indicator_add(measure=measure, **form.cleaned_data)
        except ValidationError as error:
            errors_on_form(form, error)
        else:
            messages.success(request, _("The indicator was linked."))
            return redirect("plans:detail", pk=measure.plan_id)
    return _plan_page(request, measure.plan, forms={"indicator": form}, status=400)


@require_POST
def duty_add(request, pk: int):
    plan = _plan_for(request.user, pk, edit=True)
    form = DutyForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            services.duty_add(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _plan_page(request, plan, forms={"duty": form}, status=400)
    messages.success(request, _("The follow-up plan was updated."))
    return redirect("plans:detail", pk=plan.pk)


@require_POST
def plan_adopt(request, pk: int):
    plan = _plan_for(request.user, pk)
    if not permissions.can_adopt_plan(request.user, plan):
        raise PermissionDenied
    form = AdoptForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            services.plan_adopt(plan=plan, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_on_form(form, error)
        else:
            messages.success(request, _("The adoption of the plan was recorded."))
            return redirect("plans:detail", pk=plan.pk)
    return _plan_page(request, plan, forms={"adopt": form}, status=400)


@require_POST
def plan_reopen(request, pk: int):
    plan = _plan_for(request.user, pk, edit=True)
    try:
        services.plan_reopen(plan=plan)
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        messages.success(request, _("The plan is a draft again; the change needs a new decision."))
    return redirect("plans:detail", pk=plan.pk)


def plan_export(request, pk: int, fmt: str):
    plan = _plan_for(request.user, pk)
    rows = roundtrip.measure_rows([plan])
    if fmt == "csv":
        return download(roundtrip.to_csv(roundtrip.MEASURE_COLUMNS, rows), fmt, f"{plan}-measures")
    return download(
        roundtrip.to_xlsx(roundtrip.MEASURE_COLUMNS, rows, _("Measures")), fmt, f"{plan}-measures"
    )


# --- follow-up -----------------------------------------------------------------


@require_POST
def report_create(request, pk: int):
    plan = _plan_for(request.user, pk, edit=True)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_create(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            errors_on_form(form, error)
        else:
            return redirect("plans:report", pk=report.pk)
    return _plan_page(request, plan, forms={"report": form}, status=400)


def report_detail(request, pk: int):
    report = _report_for(request.user, pk)
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
            try:
                services.report_save(
                    report=report,
                    narrative=narrative_form.cleaned_data["narrative"],
                    progress=[(progress, form.cleaned_data) for progress, form in progress_forms],
                )
            except ValidationError as error:
                errors_on_form(narrative_form, error)
            else:
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
def report_submit(request, pk: int):
    report = _report_for(request.user, pk, edit=True)
    try:
        services.report_submit(report=report, user=request.user, base_url=_base_url(request))
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
def override_add(request, pk: int):
    report = _report_for(request.user, pk, edit=True)
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


def report_export(request, pk: int, fmt: str):
    report = _report_for(request.user, pk)
    rows = roundtrip.progress_rows(report)
    name = f"{report}-progress"
    if fmt == "csv":
        return download(roundtrip.to_csv(roundtrip.PROGRESS_COLUMNS, rows), fmt, name)
    return download(roundtrip.to_xlsx(roundtrip.PROGRESS_COLUMNS, rows, _("Follow-up")), fmt, name)


# --- yearly compilation --------------------------------------------------------


def annual_list(request):
    municipality = require_municipality(request)
    can_manage = permissions.can_manage_annual(request.user, municipality)
    form = AnnualForm(initial={"year": timezone.localdate().year - 1}) if can_manage else None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = AnnualForm(request.POST)
        if form.is_valid():
            try:
                report = services.annual_report_request(
                    municipality=municipality, user=request.user, **form.cleaned_data
                )
                transaction.on_commit(lambda: tasks.generate_annual_report.enqueue(report.pk))
            except ValidationError as error:
                errors_on_form(form, error)
            else:
                messages.success(request, _("The compilation is being generated."))
                return redirect("plans:annual", pk=report.pk)
        status = 400
    reports = [r for r in municipality.annual_reports.all() if permissions.can_view_annual(request.user, r)]
    return render(request, "plans/annual_list.html", {"reports": reports, "form": form}, status=status)


def _annual_for(user, pk) -> AnnualReport:
    report = get_object_or_404(AnnualReport.objects.select_related("municipality"), pk=pk)
    if not permissions.can_view_annual(user, report):
        raise PermissionDenied
    return report


def annual_detail(request, pk: int):
    report = _annual_for(request.user, pk)
    context = {
        "report": report,
        "content": report.content,
        "can_manage": permissions.can_manage_annual(request.user, report.municipality),
        "areas": list(
            zip(
                report.content["priority_areas"],
                [safe_svg(c) for c in annual.charts(report.content)],
                strict=True,
            )
        )
        if report.content
        else [],
    }
    # The status poll gets only the status, which links to the page once ready.
    template = "plans/_annual_status.html" if request.htmx else "plans/annual_detail.html"
    return render(request, template, context)


@require_POST
def annual_send(request, pk: int):
    report = _annual_for(request.user, pk)
    if not permissions.can_manage_annual(request.user, report.municipality):
        raise PermissionDenied
    try:
        count = services.annual_report_send(report=report, base_url=_base_url(request))
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        messages.success(
            request,
            _("The compilation was sent back to the local organisations (%(n)s people).") % {"n": count},
        )
    return redirect("plans:annual", pk=report.pk)


def annual_export(request, pk: int, fmt: str):
    report = _annual_for(request.user, pk)
    if not report.content:
        raise Http404
    render_as = {"pdf": annual.annual_pdf, "docx": annual.annual_docx, "xlsx": annual.annual_xlsx}[fmt]
    return download(render_as(report), fmt, f"arssammanstallning-{report.year}")


# --- citizen promises and joint communication ------------------------------------


def communication_list(request):
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
            try:
                item = services.communication_save(
                    communication=form.save(commit=False), measures=form.cleaned_data["measures"]
                )
            except ValidationError as error:
                errors_on_form(form, error)
            else:
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


def communication_detail(request, pk: int):
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
            form = CommunicationForm(request.POST, instance=item, agreements=agreements)
            if form.is_valid():
                try:
                    services.communication_save(
                        communication=form.save(commit=False), measures=form.cleaned_data["measures"]
                    )
                except ValidationError as error:
                    errors_on_form(form, error)
                else:
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
def communication_approve(request, pk: int):
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
