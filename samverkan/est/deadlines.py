"""The EST groups' weekly meetings in the årshjul."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverkan.calendar.registry import Item, Kind, provides
from samverkan.est.models import EstGroup
from samverkan.organisations.models import Municipality

EST_MEETING = Kind("est_meeting", _("EST meeting"), reminded=False, routine=True)


@provides(EST_MEETING)
def est_meetings(municipality: Municipality, start: dt.date, end: dt.date) -> list[Item]:
    found = []
    for group in EstGroup.objects.filter(area__municipality=municipality).prefetch_related("recipients"):
        recipients = list(group.recipients.all())
        day = start + dt.timedelta(days=(group.meeting_day - 1 - start.weekday()) % 7)
        while day <= end:
            found.append(
                Item(
                    day,
                    EST_MEETING.code,
                    group.name,
                    ", ".join(o.short_name or o.name for o in recipients),
                    f"est:{group.pk}:{day}",
                    reverse("est:group", args=[group.pk]),
                    {o.pk for o in recipients},
                )
            )
            day += dt.timedelta(days=7)
    return found
