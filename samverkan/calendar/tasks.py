import datetime as dt

from django.tasks import task

from samverkan.calendar.services import reminders_send
from samverkan.organisations.models import Municipality


@task()
def send_reminders(municipality_id: int, today: str) -> int:
    return reminders_send(Municipality.objects.get(pk=municipality_id), dt.date.fromisoformat(today))
