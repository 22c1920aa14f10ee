import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from samverkan.accounts.models import Role
from samverkan.calendar.registry import items
from samverkan.core.i18n import in_site_language, translatable
from samverkan.notifications.services import notify, people_of
from samverkan.organisations.models import Municipality

REMINDED_ROLES = [
    Role.DISTRICT_COORDINATOR,
    Role.POLICE_CONTACT,
    Role.PREPARATION_GROUP,
    Role.STEERING_GROUP_MEMBER,
]


@in_site_language
@transaction.atomic
def reminders_send(municipality: Municipality, today: dt.date) -> int:
    """Remind the responsible organisations' people before each deadline
    (the days in SAMVERKAN_REMINDER_DAYS) and once when it is overdue. Each
    reminder goes out once, however often this runs."""
    horizon = max(settings.SAMVERKAN_REMINDER_DAYS)
    sent = 0
    window_start = today - dt.timedelta(days=settings.SAMVERKAN_OVERDUE_LOOKBACK_DAYS)
    for item in items(municipality, window_start, today + dt.timedelta(days=horizon), routine=False):
        if not item.reminded or item.done or not item.organisations:
            continue
        days_left = (item.date - today).days
        if item.overdue(today):
            key, message = f"overdue:{item.key}", gettext_noop("Overdue since %(date)s: %(kind)s – %(title)s")
        elif days_left in settings.SAMVERKAN_REMINDER_DAYS:
            key, message = (
                f"reminder:{item.key}:{days_left}",
                gettext_noop("Due %(date)s: %(kind)s – %(title)s"),
            )
        else:
            continue
        sent += notify(
            people_of(item.organisations, roles=REMINDED_ROLES),
            key=key,
            message=message,
            params={
                "date": f"{item.date:%Y-%m-%d}",
                "kind": translatable(item.kind_label_lazy),
                "title": item.title,
            },
            url=item.url,
        )
    return sent
