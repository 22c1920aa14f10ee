"""Local agreements that expire and agreements due for revision, in the årshjul."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverkan.agreements.compliance import revision_due
from samverkan.agreements.models import Agreement, Scope, VersionStatus
from samverkan.calendar.registry import Item, Kind, provides
from samverkan.organisations.models import Municipality

AGREEMENT_END = Kind("agreement_end", _("Local agreement expires"))
REVISION = Kind("revision", _("Revision of the agreement"))


@provides(AGREEMENT_END, REVISION)
def agreement_dates(municipality: Municipality, start: dt.date, end: dt.date) -> list[Item]:
    found = []
    agreements = (
        Agreement.objects.filter(municipality=municipality)
        .select_related("area")
        .prefetch_related("versions__parties", "versions__superseded_by")
    )
    for agreement in agreements:
        adopted = [v for v in agreement.versions.all() if v.status == VersionStatus.ADOPTED]
        if not adopted:
            continue
        latest = adopted[-1]
        parties = list(latest.parties.all())
        responsible = ", ".join(o.short_name or o.name for o in parties)
        url = reverse("agreements:version", args=[latest.pk])
        if agreement.scope == Scope.LOCAL and latest.valid_to and start <= latest.valid_to <= end:
            found.append(
                Item(
                    latest.valid_to,
                    AGREEMENT_END.code,
                    agreement.title,
                    responsible,
                    f"agreement-end:{latest.pk}",
                    url,
                    {o.pk for o in parties},
                    False,
                )
            )
        due = revision_due(latest)
        if due and start <= due <= end:
            found.append(
                Item(
                    due,
                    REVISION.code,
                    f"{agreement.title} ({latest.case_number or latest.label})",
                    responsible,
                    f"revision:{latest.pk}",
                    url,
                    {o.pk for o in parties},
                    False,
                )
            )
    return found
