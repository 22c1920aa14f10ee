from django.tasks import task

from samverkan.plans.models import AnnualReport
from samverkan.plans.services import annual_report_generate


@task()
def generate_annual_report(report_id: int) -> int:
    """Compile the year's results into the report; returns its number of districts."""
    report = annual_report_generate(AnnualReport.objects.select_related("municipality").get(pk=report_id))
    return report.content["totals"]["districts"]
