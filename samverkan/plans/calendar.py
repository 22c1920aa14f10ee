"""The årshjul: every recurring date of the collaboration for a
municipality, computed from what is already recorded (EST groups, adopted
action plans, bodies' reporting duties, agreement validity and revision
intervals), each with who is responsible and whether it is done."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.agreements.compliance import revision_due
from samverkan.agreements.models import Agreement, Scope, VersionStatus
from samverkan.est.models import EstGroup
from samverkan.governance.models import ReportingDuty
from samverkan.indicators.periods import tertial_end
from samverkan.plans.models import ActionPlan, AnnualReport, FollowUpReport, PlanStatus, ReportStatus
from samverkan.plans.notify import in_site_language, notify, people_of
from samverkan.plans.selectors import PLAN_PARTIES, plan_parties


class Kind:
    EST_MEETING = "est_meeting"
    TERTIAL_REPORT = "tertial_report"
    ANNUAL_REPORT = "annual_report"
    BODY_REPORT = "body_report"
    AGREEMENT_END = "agreement_end"
    REVISION = "revision"
    CONSULTATION = "consultation"

    labels = {
        EST_MEETING: gettext_lazy("EST meeting"),
        TERTIAL_REPORT: gettext_lazy("Tertial follow-up"),
        ANNUAL_REPORT: gettext_lazy("Yearly compilation"),
        BODY_REPORT: gettext_lazy("Report to committee"),
        AGREEMENT_END: gettext_lazy("Local agreement expires"),
        REVISION: gettext_lazy("Revision of the agreement"),
        CONSULTATION: gettext_lazy("Consultation response due"),
    }


@dataclass
class Item:
    date: dt.date
    kind: str
    title: str
    responsible: str
    key: str
    url: str = ""
    organisations: set = field(default_factory=set)
    done: bool | None = None  # None: not tracked here

    @property
    def kind_label(self) -> str:
        return str(Kind.labels[self.kind])

    def overdue(self, today: dt.date) -> bool:
        return self.done is False and self.date < today


def _report_due(year: int, tertial: int) -> dt.date:
    return tertial_end(year, tertial) + dt.timedelta(days=settings.SAMVERKAN_REPORT_DAYS_AFTER_TERTIAL)


def _annual_due(year: int) -> dt.date:
    month, day = settings.SAMVERKAN_ANNUAL_COMPILATION_DUE
    return dt.date(year + 1, month, day)


def items(municipality, start: dt.date, end: dt.date, *, est=True) -> list[Item]:
    found: list[Item] = []
    if est:
        for group in EstGroup.objects.filter(area__municipality=municipality).prefetch_related("recipients"):
            day = start + dt.timedelta(days=(group.meeting_day - 1 - start.weekday()) % 7)
            while day <= end:
                found.append(
                    Item(
                        day,
                        Kind.EST_MEETING,
                        group.name,
                        ", ".join(o.short_name or o.name for o in group.recipients.all()),
                        f"est:{group.pk}:{day}",
                        reverse("est:group", args=[group.pk]),
                        {o.pk for o in group.recipients.all()},
                    )
                )
                day += dt.timedelta(days=7)

    submitted = {
        (r.plan_id, r.year, r.tertial)
        for r in FollowUpReport.objects.filter(
            plan__agreement__municipality=municipality, status=ReportStatus.SUBMITTED
        )
    }
    plans = (
        ActionPlan.objects.filter(
            agreement__municipality=municipality,
            status=PlanStatus.ADOPTED,
            year__gte=start.year - 1,
            year__lte=end.year,
        )
        .select_related("agreement")
        .prefetch_related(*PLAN_PARTIES)
    )
    for plan in plans:
        parties = plan_parties(plan)
        for tertial in (1, 2, 3):
            due = _report_due(plan.year, tertial)
            if start <= due <= end:
                found.append(
                    Item(
                        due,
                        Kind.TERTIAL_REPORT,
                        _("%(plan)s, tertial %(n)s") % {"plan": plan.title, "n": tertial},
                        ", ".join(o.short_name or o.name for o in parties),
                        f"tertial:{plan.pk}:{plan.year}:{tertial}",
                        reverse("plans:detail", args=[plan.pk]),
                        {o.pk for o in parties},
                        (plan.pk, plan.year, tertial) in submitted,
                    )
                )

    sent = set(
        AnnualReport.objects.filter(municipality=municipality, status=AnnualReport.Status.SENT).values_list(
            "year", flat=True
        )
    )
    preparation = municipality.bodies.filter(kind="preparation_group").prefetch_related("seats").first()
    for year in range(start.year - 1, end.year + 1):
        due = _annual_due(year)
        if start <= due <= end:
            found.append(
                Item(
                    due,
                    Kind.ANNUAL_REPORT,
                    _("Yearly compilation %(year)s") % {"year": year},
                    preparation.name if preparation else "",
                    f"annual:{municipality.pk}:{year}",
                    reverse("plans:annual_list"),
                    {s.organisation_id for s in preparation.seats.all()} if preparation else set(),
                    year in sent,
                )
            )

    for duty in ReportingDuty.objects.filter(body__municipality=municipality).select_related(
        "body", "committee"
    ):
        due = duty.next_due(start)
        while due <= end:
            found.append(
                Item(
                    due,
                    Kind.BODY_REPORT,
                    f"{duty.body.name} → {duty.committee.name}: {duty.subject}",
                    duty.body.name,
                    f"duty:{duty.pk}:{due}",
                    reverse("bodies:detail", args=[duty.body_id]),
                )
            )
            due = duty.next_due(due + dt.timedelta(days=1))

    agreements = (
        Agreement.objects.filter(municipality=municipality)
        .select_related("area")
        .prefetch_related("versions__parties", "versions__superseded_by")
    )
    for agreement in agreements:
        adopted = [v for v in agreement.versions.all() if v.status == VersionStatus.ADOPTED]
        if not adopted:
            continue
        latest = adopted[-1]
        parties = {o.pk for o in latest.parties.all()}
        url = reverse("agreements:version", args=[latest.pk])
        if agreement.scope == Scope.LOCAL and latest.valid_to and start <= latest.valid_to <= end:
            found.append(
                Item(
                    latest.valid_to,
                    Kind.AGREEMENT_END,
                    agreement.title,
                    ", ".join(o.short_name or o.name for o in latest.parties.all()),
                    f"agreement-end:{latest.pk}",
                    url,
                    parties,
                    False,
                )
            )
        due = revision_due(latest)
        if due and start <= due <= end:
            found.append(
                Item(
                    due,
                    Kind.REVISION,
                    f"{agreement.title} ({latest.case_number or latest.label})",
                    ", ".join(o.short_name or o.name for o in latest.parties.all()),
                    f"revision:{latest.pk}",
                    url,
                    parties,
                    False,
                )
            )
    found += _consultation_items(municipality, start, end)
    return sorted(found, key=lambda i: (i.date, i.kind, i.title))


def _consultation_items(municipality, start: dt.date, end: dt.date) -> list[Item]:
    """Each recipient's deadline (its extension if it has one), done when answered."""
    from samverkan.consultations.models import Recipient
    from samverkan.consultations.services import serving

    recipients = (
        Recipient.objects.filter(round__version__agreement__municipality=municipality)
        .select_related("round", "organisation")
        .prefetch_related("response", "organisation__administrations")
    )
    found = []
    for recipient in recipients:
        if not start <= recipient.deadline <= end:
            continue
        response = recipient.submitted_response
        found.append(
            Item(
                recipient.deadline,
                Kind.CONSULTATION,
                f"{recipient.round.case_number}: {recipient.organisation.name}",
                recipient.organisation.name,
                f"consultation:{recipient.pk}:{recipient.deadline}",
                reverse("consultations:round", args=[recipient.round_id]),
                {o.pk for o in serving(recipient.organisation)},
                response is not None,
            )
        )
    return found


REMINDED_KINDS = {
    Kind.TERTIAL_REPORT,
    Kind.ANNUAL_REPORT,
    Kind.AGREEMENT_END,
    Kind.REVISION,
    Kind.CONSULTATION,
}


@in_site_language
def reminders_send(municipality, today: dt.date) -> int:
    """Remind the responsible organisations' people before each deadline
    (the days in SAMVERKAN_REMINDER_DAYS) and once when it is overdue. Each
    reminder goes out once, however often this runs."""
    horizon = max(settings.SAMVERKAN_REMINDER_DAYS)
    sent = 0
    window_start = today - dt.timedelta(days=settings.SAMVERKAN_OVERDUE_LOOKBACK_DAYS)
    for item in items(municipality, window_start, today + dt.timedelta(days=horizon), est=False):
        if item.kind not in REMINDED_KINDS or item.done or not item.organisations:
            continue
        days_left = (item.date - today).days
        if item.overdue(today):
            key, text = f"overdue:{item.key}", _("Overdue since %(date)s: %(title)s")
        elif days_left in settings.SAMVERKAN_REMINDER_DAYS:
            key, text = f"reminder:{item.key}:{days_left}", _("Due %(date)s: %(title)s")
        else:
            continue
        message = text % {"date": f"{item.date:%Y-%m-%d}", "title": f"{item.kind_label} – {item.title}"}
        people = people_of(
            item.organisations,
            roles=["district_coordinator", "police_contact", "preparation_group", "steering_group_member"],
        )
        sent += notify(people, key=key, text=message, url=item.url)
    return sent
