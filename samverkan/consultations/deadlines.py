"""Each consultation recipient's deadline in the årshjul."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverkan.calendar.registry import Item, Kind, provides
from samverkan.consultations.models import Recipient
from samverkan.consultations.selectors import serving
from samverkan.organisations.models import Municipality

CONSULTATION = Kind("consultation", _("Consultation response due"))


@provides(CONSULTATION)
def statement_deadlines(municipality: Municipality, start: dt.date, end: dt.date) -> list[Item]:
    """Each recipient's deadline (its extension if it has one), done when answered."""
    recipients = (
        Recipient.objects.filter(round__version__agreement__municipality=municipality)
        .select_related("round", "organisation")
        .prefetch_related("statement", "organisation__administrations", "round__version__adoptions")
    )
    found = []
    for recipient in recipients:
        if not start <= recipient.deadline <= end:
            continue
        if recipient.round.is_closed and recipient.submitted_statement is None:
            continue  # adopted without this response: nothing is due any more
        found.append(
            Item(
                recipient.deadline,
                CONSULTATION.code,
                f"{recipient.round.case_number}: {recipient.organisation.name}",
                recipient.organisation.name,
                f"consultation:{recipient.pk}:{recipient.deadline}",
                reverse("consultations:round", args=[recipient.round_id]),
                {o.pk for o in serving(recipient.organisation)},
                recipient.submitted_statement is not None,
            )
        )
    return found
