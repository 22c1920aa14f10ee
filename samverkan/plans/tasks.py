import datetime as dt

from django.tasks import task

from samverkan.organisations.models import Municipality
from samverkan.plans import calendar
from samverkan.plans.models import AnnualReport
from samverkan.plans.services import annual_report_generate


@task()
def generate_annual_report(report_id: int) -> int:
    """Compile the year's results into the report; returns its number of districts."""
    report = annual_report_generate(AnnualReport.objects.select_related("municipality").get(pk=report_id))
    return report.content["totals"]["districts"]


@task()
def send_reminders(municipality_id: int, today: str) -> int:
    return calendar.reminders_send(Municipality.objects.get(pk=municipality_id), dt.date.fromisoformat(today))
