"""What is the user's now: each person's start page, read with their
permissions (so it sits above the selectors it draws on)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from samverkan.accounts import permissions
from samverkan.accounts.models import Role, User
from samverkan.agreements.models import VersionStatus
from samverkan.agreements.selectors import DistrictRow, district_overview
from samverkan.audit.stamps import kept
from samverkan.calendar.registry import Item, items
from samverkan.consultations import permissions as consultation_permissions
from samverkan.consultations.models import Recipient, StatementStatus
from samverkan.indicators.models import IndicatorValue, PeriodKind
from samverkan.organisations.models import Municipality
from samverkan.plans.figures import pace, plan_progress
from samverkan.plans.models import ActionPlan, FollowUpReport, PlanStatus, ReportStatus
from samverkan.situations.models import PartyPicture, PictureStatus

UPCOMING_DAYS = 45


@dataclass
class Waiting:
    """Something waiting for the user: a draft to finish or a response to write."""

    title: str
    kind: str
    url: str


@dataclass
class PlanGlance:
    """An adopted plan's progress as of its latest submitted follow-up."""

    plan: ActionPlan
    report: FollowUpReport | None
    percent: float | None
    pace: str


@dataclass
class Change:
    """An indicator whose latest complete year changed significantly against the year before."""

    value: IndicatorValue
    before: float | None

    @property
    def rose(self) -> bool:
        return self.before is not None and self.value.value is not None and self.value.value > self.before


@dataclass
class DistrictGlance:
    row: DistrictRow
    plans: list[PlanGlance] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


@dataclass
class StartPage:
    overdue: list[Item] = field(default_factory=list)
    upcoming: list[Item] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    notifications: list[Any] = field(default_factory=list)
    unread: int = 0
    districts: list[DistrictGlance] = field(default_factory=list)


def _concerns(user: User, item: Item) -> bool:
    return permissions.oversees(user) or (user.organisation_id or 0) in item.organisations


def _waiting(user: User) -> list[Waiting]:
    """Drafts of the user's organisation and responses it has still to send."""
    if not user.writes or user.organisation_id is None:
        return []
    organisation = user.organisation_id
    found = [
        Waiting(str(p.picture), "picture", f"/pictures/party/{p.pk}/")
        for p in PartyPicture.objects.filter(
            organisation=organisation, status=PictureStatus.DRAFT
        ).select_related("picture")
    ]
    plans = ActionPlan.objects.filter(agreement__versions__parties=organisation).distinct()
    found += [
        Waiting(str(plan), "plan", f"/plans/{plan.pk}/") for plan in plans.filter(status=PlanStatus.DRAFT)
    ]
    found += [
        Waiting(str(report), "report", f"/plans/reports/{report.pk}/")
        for report in FollowUpReport.objects.filter(plan__in=plans, status=ReportStatus.DRAFT).select_related(
            "plan"
        )
    ]
    recipients = (
        Recipient.objects.filter(Q(organisation=organisation) | Q(organisation__administrations=organisation))
        .filter(round__version__status=VersionStatus.DRAFT)
        .exclude(statement__status=StatementStatus.SUBMITTED)
        .select_related("round", "organisation")
    )
    found += [
        Waiting(f"{r.round.case_number}: {r.organisation.name}", "response", f"/consultations/{r.round_id}/")
        for r in recipients
        if consultation_permissions.can_write_statement(user, r)
    ]
    return found


def _districts(user: User, rows: list[DistrictRow]) -> list[DistrictRow]:
    """A coordinator's or police contact's own districts; everyone else's view is the city."""
    if user.role in {Role.DISTRICT_COORDINATOR, Role.POLICE_CONTACT} and user.organisation_id:
        own = [
            row
            for row in rows
            if row.area.pk == getattr(user.organisation, "area_id", None)
            or (row.version is not None and user.organisation_id in {p.pk for p in row.version.parties.all()})
        ]
        return own or rows
    return rows


def _plans(rows: list[DistrictRow]) -> dict[int, list[PlanGlance]]:
    """Each district's adopted plans with their latest submitted follow-up, in two queries."""
    agreements = {row.agreement.pk: row.area.pk for row in rows if row.agreement is not None}
    plans = ActionPlan.objects.filter(agreement__in=agreements, status=PlanStatus.ADOPTED).order_by(
        "-year", "pk"
    )
    latest: dict[int, FollowUpReport] = {}
    for report in FollowUpReport.objects.filter(plan__in=plans, status=ReportStatus.SUBMITTED).order_by(
        "as_of", "pk"
    ):
        latest[report.plan_id] = report
    found: dict[int, list[PlanGlance]] = {}
    for plan in plans:
        found_report = latest.get(plan.pk)
        content = found_report.content if found_report is not None else {}
        percent = plan_progress(content.get("rollup", [])) if content else None
        found.setdefault(agreements[plan.agreement_id], []).append(
            PlanGlance(plan, found_report, percent, pace(percent, content.get("expected")))
        )
    return found


def _changes(rows: list[DistrictRow], today: dt.date) -> dict[int, list[Change]]:
    """Indicators of each district that changed significantly in the last complete year."""
    year = dt.date(today.year - 1, 1, 1)
    values = IndicatorValue.objects.filter(
        area__in=[row.area for row in rows],
        period_kind=PeriodKind.YEAR,
        period_start__in=[year, dt.date(year.year - 1, 1, 1)],
    ).select_related("indicator")
    before = {(v.indicator_id, v.area_id): v.value for v in values if v.period_start != year}
    found: dict[int, list[Change]] = {}
    for v in values:
        if v.period_start == year and v.significant_change and not v.incomplete and v.area_id is not None:
            found.setdefault(v.area_id, []).append(Change(v, before.get((v.indicator_id, v.area_id))))
    return found


def start_page(user: User, municipality: Municipality, today: dt.date) -> StartPage:
    recent = items(
        municipality, today - dt.timedelta(days=365), today + dt.timedelta(days=UPCOMING_DAYS), routine=False
    )
    notifications = user.notifications.order_by("-created_at")
    return StartPage(
        overdue=[i for i in recent if i.overdue(today) and _concerns(user, i)],
        upcoming=[i for i in recent if today <= i.date and not i.done and _concerns(user, i)][:10],
        waiting=_waiting(user),
        notifications=list(notifications.filter(read_at__isnull=True)[:5]),
        unread=notifications.filter(read_at__isnull=True).count(),
        districts=_glances(municipality, user, today),
    )


def _glances(municipality: Municipality, user: User, today: dt.date) -> list[DistrictGlance]:
    # The same for every reader: read for all districts, kept until plans or figures change;
    # then narrowed to the user's own.
    everyone = district_overview(municipality, today=today)
    plans = kept(f"start-plans:{municipality.pk}:{today}", ("plans", "agreements"), lambda: _plans(everyone))
    changes = kept(
        f"start-changes:{municipality.pk}:{today}",
        ("indicators", "organisations"),
        lambda: _changes(everyone, today),
    )
    return [
        DistrictGlance(row, plans.get(row.area.pk, []), changes.get(row.area.pk, []))
        for row in _districts(user, everyone)
    ]
