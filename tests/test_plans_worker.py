"""The yearly cycle's work done by the task worker: the compilation generated and sent, and
the reminders queued (transactional tests, apart from test_plans.py, whose worked example is
kept for the module in a transaction)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from samverkan.accounts.models import Role, User
from samverkan.notifications.models import Notification
from samverkan.plans import services
from samverkan.plans.demo import load_example_plans
from samverkan.plans.models import AnnualReport
from samverkan.situations.demo import load_example_pictures
from tests.conftest import deliver_mail
from tests.test_plans import EXAMPLE_PICTURES, EXAMPLE_PLANS


@pytest.mark.django_db(transaction=True)
def test_the_worker_generates_the_compilation_and_it_is_sent_back_to_every_local_organisation(
    client, stockholm, settings
):
    load_example_pictures(EXAMPLE_PICTURES, municipality=stockholm)
    load_example_plans({**EXAMPLE_PLANS, "annual": None}, municipality=stockholm)
    preparation = User.objects.get(role=Role.PREPARATION_GROUP)
    client.force_login(preparation)
    response = client.post(reverse("plans:annual_list"), {"year": 2025, "next_year_plan": "Fortsätt."})
    report = AnnualReport.objects.get(municipality=stockholm, year=2025)
    assert response.status_code == 302 and report.status == AnnualReport.Status.QUEUED
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.READY, report.error
    assert report.content["totals"]["measures"] == 5 and report.next_year_plan == "Fortsätt."

    deliver_mail().clear()  # what came before goes out first
    response = client.post(reverse("plans:annual_send", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.SENT
    told = Notification.objects.filter(key=f"annual-sent:{report.pk}").select_related("user__organisation")
    local = {n.user.organisation.name for n in told}
    assert "Norra innerstadens stadsdelsförvaltning" in local and "LPO Norrmalm" in {
        n.user.organisation.short_name for n in told
    }
    assert all("Årssammanställningen 2025" in n.text for n in told)
    assert len(deliver_mail()) == told.exclude(user__email="").count()
    with pytest.raises(ValidationError):
        services.annual_report_request(municipality=stockholm, year=2025, user=preparation)


@pytest.mark.django_db(transaction=True)
def test_the_reminder_command_queues_work_that_the_worker_does(stockholm):
    load_example_pictures(EXAMPLE_PICTURES, municipality=stockholm)
    load_example_plans(EXAMPLE_PLANS, municipality=stockholm)
    call_command("send_reminders", date=dt.date(2026, 1, 1), stdout=io.StringIO())
    assert not Notification.objects.filter(key__startswith="reminder:").exists()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert Notification.objects.filter(key__startswith="reminder:tertial:").exists()
