"""Tertial follow-ups of adopted action plans and the yearly compilation, in the årshjul."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.calendar.registry import Item, Kind, provides
from samverkan.governance.models import BodyKind
from samverkan.indicators.periods import tertial_end
from samverkan.organisations.models import Municipality
from samverkan.plans.models import ActionPlan, AnnualReport, FollowUpReport, PlanStatus, ReportStatus
from samverkan.plans.selectors import PLAN_PARTIES, plan_parties

TERTIAL_REPORT = Kind("tertial_report", gettext_lazy("Tertial follow-up"))
ANNUAL_REPORT = Kind("annual_report", gettext_lazy("Yearly compilation"))


def report_due(year: int, tertial: int) -> dt.date:
    return tertial_end(year, tertial) + dt.timedelta(days=settings.SAMVERKAN_REPORT_DAYS_AFTER_TERTIAL)


def annual_due(year: int) -> dt.date:
    month, day = settings.SAMVERKAN_ANNUAL_COMPILATION_DUE
    return dt.date(year + 1, month, day)


@provides(TERTIAL_REPORT)
def tertial_reports(municipality: Municipality, start: dt.date, end: dt.date) -> list[Item]:
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
    found = []
    for plan in plans:
        parties = plan_parties(plan)
        for tertial in (1, 2, 3):
            due = report_due(plan.year, tertial)
            if start <= due <= end:
                found.append(
                    Item(
                        due,
                        TERTIAL_REPORT.code,
                        _("%(plan)s, tertial %(n)s") % {"plan": plan.title, "n": tertial},
                        ", ".join(o.short_name or o.name for o in parties),
                        f"tertial:{plan.pk}:{plan.year}:{tertial}",
                        reverse("plans:detail", args=[plan.pk]),
                        {o.pk for o in parties},
                        (plan.pk, plan.year, tertial) in submitted,
                    )
                )
    return found


@provides(ANNUAL_REPORT)
def annual_reports(municipality: Municipality, start: dt.date, end: dt.date) -> list[Item]:
    sent = set(
        AnnualReport.objects.filter(municipality=municipality, status=AnnualReport.Status.SENT).values_list(
            "year", flat=True
        )
    )
    preparation = (
        municipality.bodies.filter(kind=BodyKind.PREPARATION_GROUP).prefetch_related("seats").first()
    )
    found = []
    for year in range(start.year - 1, end.year + 1):
        due = annual_due(year)
        if start <= due <= end:
            found.append(
                Item(
                    due,
                    ANNUAL_REPORT.code,
                    _("Yearly compilation %(year)s") % {"year": year},
                    preparation.name if preparation else "",
                    f"annual:{municipality.pk}:{year}",
                    reverse("plans:annual_list"),
                    {s.organisation_id for s in preparation.seats.all()} if preparation else set(),
                    year in sent,
                )
            )
    return found
