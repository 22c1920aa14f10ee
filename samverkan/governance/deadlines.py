"""The bodies' reports back to their committees in the årshjul."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverkan.calendar.registry import Item, Kind, provides
from samverkan.governance.models import ReportingDuty
from samverkan.organisations.models import Municipality

BODY_REPORT = Kind("body_report", _("Report to committee"), reminded=False)


@provides(BODY_REPORT)
def body_reports(municipality: Municipality, start: dt.date, end: dt.date) -> list[Item]:
    found = []
    duties = ReportingDuty.objects.filter(body__municipality=municipality).select_related("body", "committee")
    for duty in duties:
        due = duty.next_due(start)
        while due <= end:
            found.append(
                Item(
                    due,
                    BODY_REPORT.code,
                    f"{duty.body.name} → {duty.committee.name}: {duty.subject}",
                    duty.body.name,
                    f"duty:{duty.pk}:{due}",
                    reverse("bodies:detail", args=[duty.body_id]),
                )
            )
            due = duty.next_due(due + dt.timedelta(days=1))
    return found
