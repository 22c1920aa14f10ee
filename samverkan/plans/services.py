"""Writes of action plans, follow-up and communication. Views call these;
each checks the rule it protects, whoever calls it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from samverkan.accounts.models import Role
from samverkan.agreements.models import Scope
from samverkan.core.i18n import in_site_language
from samverkan.core.locking import locked
from samverkan.indicators.models import IndicatorValue, PeriodKind
from samverkan.indicators.periods import tertial_end
from samverkan.notifications.services import notify, people_of
from samverkan.organisations.models import Organisation
from samverkan.plans import figures
from samverkan.plans.annual import compile_year
from samverkan.plans.models import (
    ActionPlan,
    AnnualReport,
    Approval,
    Communication,
    FollowUpDuty,
    FollowUpReport,
    Measure,
    MeasureIndicator,
    MeasureProgress,
    PlanDecision,
    PlanStatus,
    ProgressOverride,
    ReportStatus,
    progress_percent,
)
from samverkan.plans.selectors import (
    agreement_parties,
    communication_approvals,
    communication_parties,
    digest,
    report_recipients,
)

# --- plans and measures --------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    agreement,
    priority_area,
    year: int,
    title: str,
    purpose: str = "",
    goals=(),
    analysis=None,
    is_example=False,
) -> ActionPlan:
    if priority_area is not None and priority_area.version.agreement_id != agreement.pk:
        raise ValidationError(_("The priority area must belong to the agreement."))
    if priority_area is None and agreement.scope != Scope.CENTRAL:
        raise ValidationError(_("A local action plan belongs to one priority area."))
    if priority_area is not None:
        # Its own goals, or where it states none, those of the overarching areas it addresses.
        allowed = {priority_area.pk, *priority_area.addresses.values_list("pk", flat=True)}
        if any(g.priority_area_id not in allowed for g in goals):
            raise ValidationError(_("The goals must belong to the plan's priority area."))
    plan = ActionPlan(
        agreement=agreement,
        priority_area=priority_area,
        year=year,
        title=title,
        purpose=purpose,
        analysis=analysis,
        is_example=is_example,
    )
    plan.full_clean()
    plan.save()
    plan.goals.set(goals)
    return plan


def _editable(plan: ActionPlan) -> None:
    if not plan.is_draft:
        raise ValidationError(_("An adopted plan is not changed; reopen it as a draft first."))


@transaction.atomic
def measure_save(*, measure: Measure, owners, causes=()) -> Measure:
    """Save a measure built by a form (or by hand) with its responsible
    organisations and the causes it addresses."""
    _editable(measure.plan)
    if not owners:
        raise ValidationError(_("Name at least one responsible organisation."))
    analysis_id = measure.plan.analysis_id
    for cause in causes:
        if measure.problem_id and cause.problem_id != measure.problem_id:
            raise ValidationError(_("The causes must belong to the measure's problem."))
        if analysis_id and cause.problem.analysis_id != analysis_id:
            raise ValidationError(_("The causes must come from the plan's joint situation picture."))
    if measure.order == 0:
        measure.order = (max((m.order for m in measure.plan.measures.all()), default=0)) + 1
    measure.full_clean()
    measure.save()
    measure.owners.set(owners)
    measure.causes.set(causes)
    return measure


@transaction.atomic
def measure_change(*, measure: Measure, **fields) -> Measure:
    """Change a measure's own fields (not its links), e.g. from an imported export."""
    _editable(measure.plan)
    for name, value in fields.items():
        setattr(measure, name, value)
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def measure_delete(*, measure: Measure) -> None:
    _editable(measure.plan)
    if measure.progress.exists():
        raise ValidationError(_("The measure has been followed up; set its status to cancelled instead."))
    measure.delete()


@transaction.atomic
def measure_indicator_add(
    *, measure: Measure, indicator, area, target: float, direction: str, baseline: float | None = None
) -> MeasureIndicator:
    """Link an indicator with its target; without a given baseline, the last
    complete yearly value before the plan's year is taken."""
    _editable(measure.plan)
    period = ""
    if baseline is None:
        value = (
            IndicatorValue.objects.filter(
                indicator=indicator,
                area=area,
                period_kind=PeriodKind.YEAR,
                period_start__lt=dt.date(measure.plan.year, 1, 1),
                incomplete=False,
                suppressed=False,
                value__isnull=False,
            )
            .order_by("-period_start")
            .first()
        )
        if value is None:
            raise ValidationError(
                {
                    "baseline": _(
                        "There is no complete yearly value of %(indicator)s for %(area)s before %(year)s; "
                        "give the baseline."
                    )
                    % {"indicator": indicator.name, "area": area.name, "year": measure.plan.year}
                }
            )
        if value.value is None:  # excluded by the query; the type does not know
            raise ValidationError(_("The baseline value is missing; give the baseline."))
        baseline, period = value.value, value.label or str(value.period_start.year)
    link = MeasureIndicator(
        measure=measure,
        indicator=indicator,
        area=area,
        baseline=baseline,
        baseline_period=period or _("given"),
        target=target,
        direction=direction,
    )
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def duty_add(*, plan: ActionPlan, organisation, subject: str, frequency: str, recipients) -> FollowUpDuty:
    duty = FollowUpDuty(plan=plan, organisation=organisation, subject=subject, frequency=frequency)
    duty.full_clean()
    duty.save()
    duty.recipients.set(recipients)
    return duty


@transaction.atomic
def plan_adopt(*, plan: ActionPlan, body, decided_on: dt.date, minutes_reference: str, user) -> PlanDecision:
    """The steering group adopts the plan as it stands. Measures of a local
    plan must be grounded in the cause analysis (Brå step 4). The plan is
    locked first: two adoptions at once take turns, and the second finds the
    plan adopted (the same decision posted twice is recorded once)."""
    locked(plan)
    if not plan.is_draft:
        same = plan.decisions.filter(
            body=body, decided_on=decided_on, minutes_reference=minutes_reference
        ).last()
        if same is not None:
            return same
    _editable(plan)
    measures = list(plan.measures.prefetch_related("owners", "causes"))
    if not measures:
        raise ValidationError(_("A plan needs at least one measure before it is adopted."))
    if not plan.is_central:
        ungrounded = [m.title for m in measures if not m.causes.all()]
        if ungrounded:
            raise ValidationError(
                _("Every measure must address at least one cause of the cause analysis: %(titles)s")
                % {"titles": "; ".join(ungrounded)}
            )
    decision = PlanDecision(
        plan=plan,
        body=body,
        decided_on=decided_on,
        minutes_reference=minutes_reference,
        content=figures.plan_snapshot(plan),
        recorded_by=user,
    )
    decision.full_clean()
    decision.save()
    plan.status = PlanStatus.ADOPTED
    plan.save()
    return decision


@transaction.atomic
def plan_reopen(*, plan: ActionPlan) -> ActionPlan:
    """Back to draft to change it; the earlier decision stays on record and
    the changed plan needs a new one."""
    if plan.is_draft:
        raise ValidationError(_("The plan is already a draft."))
    plan.status = PlanStatus.DRAFT
    plan.save()
    return plan


# --- follow-up -----------------------------------------------------------------


@transaction.atomic
def report_create(
    *, plan: ActionPlan, year: int, tertial: int | None, as_of: dt.date | None = None, is_example=False
):
    """A follow-up report with a line per measure, carried over from the
    last report of the plan."""
    if plan.is_draft:
        raise ValidationError(_("Only an adopted plan is followed up."))
    if tertial is not None:
        as_of = tertial_end(year, tertial)
    if as_of is None:
        raise ValidationError(_("Give the tertial or the date of the follow-up."))
    if tertial is not None and plan.reports.filter(year=year, tertial=tertial).exists():
        raise ValidationError(
            {
                "tertial": _(
                    "This plan already has a follow-up of tertial %(tertial)s %(year)s: open it from the list."
                )
                % {"tertial": tertial, "year": year}
            }
        )
    report = FollowUpReport(plan=plan, year=year, tertial=tertial, as_of=as_of, is_example=is_example)
    report.full_clean()
    report.save()
    previous = {
        p.measure_id: p
        for p in MeasureProgress.objects.filter(report__plan=plan, report__status=ReportStatus.SUBMITTED)
        .exclude(report=report)
        .order_by("report__as_of")
    }
    # One by one (a plan has tens of measures): each line is in the audit log.
    for m in plan.measures.all():
        MeasureProgress.objects.create(
            report=report,
            measure=m,
            status=m.status,
            percent=previous[m.pk].percent if m.pk in previous else 0,
        )
    report.recipients.set(report_recipients(plan))
    return report


def _report_editable(report: FollowUpReport) -> None:
    if not report.is_draft:
        raise ValidationError(_("A submitted report is not changed."))


@transaction.atomic
def progress_set(*, progress: MeasureProgress, status: str, percent: int, comment: str) -> MeasureProgress:
    _report_editable(progress.report)
    progress.status, progress.percent, progress.comment = status, progress_percent(status, percent), comment
    progress.full_clean()
    progress.save()
    return progress


@transaction.atomic
def report_save(
    *, report: FollowUpReport, narrative: str, progress: list[tuple[MeasureProgress, dict]]
) -> FollowUpReport:
    """The report's narrative and every measure's line as the follow-up form sends them, together."""
    for line, values in progress:
        progress_set(progress=line, **values)
    return report_update(report=report, narrative=narrative)


@transaction.atomic
def report_update(*, report: FollowUpReport, narrative: str) -> FollowUpReport:
    _report_editable(report)
    report.narrative = narrative
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def override_record(
    *, report: FollowUpReport, percent: int, reason: str, user, goal=None, priority_area=None
):
    _report_editable(report)
    if not reason.strip():
        raise ValidationError(_("Say why the computed value is overridden."))
    override = ProgressOverride(
        report=report,
        goal=goal,
        priority_area=priority_area,
        percent=percent,
        reason=reason,
        recorded_by=user,
    )
    override.full_clean()
    override.save()
    return override


@in_site_language
def report_submit(*, report: FollowUpReport, user, base_url: str = "") -> FollowUpReport:
    """Freeze the report with its figures, carry the measures' statuses into
    the plan and tell the recipient bodies' members."""
    _report_editable(report)
    with transaction.atomic():
        report.content = figures.report_figures(report)
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = user
        report.save()
        # Saved one by one, not by a queryset update: each status change is in the audit log.
        for progress in report.progress.select_related("measure"):
            if progress.measure.status != progress.status:
                progress.measure.status = progress.status
                progress.measure.save(update_fields=["status"])
        _tell_report_submitted(report, user, base_url)
    return report


def _tell_report_submitted(report: FollowUpReport, user, base_url: str) -> None:
    bodies = list(report.recipients.all())
    organisations = {seat.organisation_id for body in bodies for seat in body.seats.all()}
    people = people_of(organisations, roles=[Role.STEERING_GROUP_MEMBER, Role.PREPARATION_GROUP])
    # The parties responsible for the plan's measures hear of it too (the
    # police party runs half of them), whoever submitted it.
    responsible = Organisation.objects.filter(measures__plan=report.plan).values_list("pk", flat=True)
    people += [
        person
        for person in people_of(set(responsible), roles=[Role.DISTRICT_COORDINATOR, Role.POLICE_CONTACT])
        if person not in people and person != user
    ]
    notify(
        people,
        key=f"report-submitted:{report.pk}",
        message=gettext_noop("Follow-up submitted: %(report)s"),
        params={"report": str(report)},
        url=f"/plans/reports/{report.pk}/",
        body=_("A follow-up report was submitted to %(bodies)s.\n\n%(url)s")
        % {"bodies": ", ".join(b.name for b in bodies), "url": f"{base_url}/plans/reports/{report.pk}/"},
    )


# --- citizen promises and joint communication -----------------------------------


@transaction.atomic
def communication_save(*, communication: Communication, measures=()) -> Communication:
    if communication.is_published:
        raise ValidationError(_("A published text is not changed; write a new one."))
    communication.full_clean()
    communication.save()
    communication.measures.set(measures)
    return communication


@transaction.atomic
def communication_approve(*, communication: Communication, user) -> Communication:
    """Approve the text for the user's organisation; publish when every
    party has approved this very text."""
    if communication.is_published:
        raise ValidationError(_("The text is already published."))
    parties = {o.pk for o in communication_parties(communication)}
    if user.organisation_id not in parties:
        raise ValidationError(_("Only the parties of the agreement approve its communication."))
    current = digest(communication)
    if user.organisation_id not in communication_approvals(communication):
        Approval.objects.create(
            communication=communication,
            organisation_id=user.organisation_id,
            text_digest=current,
            approved_by=user,
        )
    if parties <= set(communication_approvals(communication)):
        communication.published_at = timezone.now()
        communication.save()
    return communication


# --- yearly compilation --------------------------------------------------------


@transaction.atomic
def annual_report_request(
    *, municipality, year: int, user, next_year_plan: str = "", is_example=False
) -> AnnualReport:
    """Ask for the year's compilation (a new one replaces an unsent one); the
    caller queues plans.tasks.generate_annual_report once this is committed."""
    report = AnnualReport.objects.filter(municipality=municipality, year=year).first()
    if report is not None and report.status == AnnualReport.Status.SENT:
        raise ValidationError(
            _("The compilation for %(year)s has been sent; it is not generated again.") % {"year": year}
        )
    if report is None:
        report = AnnualReport(municipality=municipality, year=year, requested_by=user, is_example=is_example)
    report.status, report.requested_by = AnnualReport.Status.QUEUED, user
    report.next_year_plan = next_year_plan or report.next_year_plan
    report.full_clean()
    report.save()
    return report


@in_site_language
def annual_report_generate(report: AnnualReport) -> AnnualReport:
    """Compile the year's results into the report; a failure is kept on it."""
    try:
        report.content = compile_year(report.municipality, report.year)
    except Exception as error:
        report.status, report.error = AnnualReport.Status.FAILED, str(error)[:2000]
        report.save()
        raise
    report.status, report.error, report.generated_at = AnnualReport.Status.READY, "", timezone.now()
    report.save()
    return report


@in_site_language
@transaction.atomic
def annual_report_send(*, report, base_url: str = "") -> int:
    """Send the compilation back to every local organisation: an in-app
    notification and an e-mail to their people."""
    if report.status != AnnualReport.Status.READY:
        raise ValidationError(_("Only a generated, unsent compilation is sent."))
    organisations = set()
    for agreement in report.municipality.agreements.filter(scope=Scope.LOCAL):
        organisations |= {o.pk for o in agreement_parties(agreement, report.year)}
    url = f"/plans/annual/{report.pk}/"
    sent = notify(
        people_of(organisations),
        key=f"annual-sent:{report.pk}",
        message=gettext_noop(
            "The yearly compilation %(year)s has been sent back to the local organisations."
        ),
        params={"year": report.year},
        url=url,
        body=_("The yearly compilation %(year)s is ready.\n\n%(url)s")
        % {"year": report.year, "url": base_url + url},
    )
    report.status, report.sent_at = AnnualReport.Status.SENT, timezone.now()
    report.save()
    return sent
