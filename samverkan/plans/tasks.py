import datetime as dt

from django.tasks import task
from django.utils import timezone

from samverkan.organisations.models import Municipality
from samverkan.plans import calendar
from samverkan.plans.annual import compile_year
from samverkan.plans.models import AnnualReport
from samverkan.plans.notify import in_site_language


@in_site_language
def annual_report_generate(report: AnnualReport) -> AnnualReport:
    try:
        report.content = compile_year(report.municipality, report.year)
    except Exception as error:
        report.status, report.error = AnnualReport.Status.FAILED, str(error)[:2000]
        report.save()
        raise
    report.status, report.error, report.generated_at = AnnualReport.Status.READY, "", timezone.now()
    report.save()
    return report


@task()
def generate_annual_report(report_id: int) -> int:
    """Compile the year's results into the report; returns its number of districts."""
    report = annual_report_generate(AnnualReport.objects.select_related("municipality").get(pk=report_id))
    return report.content["totals"]["districts"]


@task()
def send_reminders(municipality_id: int, today: str) -> int:
    return calendar.reminders_send(Municipality.objects.get(pk=municipality_id), dt.date.fromisoformat(today))
