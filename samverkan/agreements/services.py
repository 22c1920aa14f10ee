"""Writes of agreements: local priorities, and revision drafts copied from
the version in force with every element linked to the one it continues."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samverkan.agreements.models import (
    Agreement,
    AgreementVersion,
    Goal,
    LineageKind,
    PriorityArea,
    PriorityAreaLineage,
    TextSection,
    VersionStatus,
)


@transaction.atomic
def local_priority_add(
    *, version: AgreementVersion, name: str, description: str = "", addresses=(), categories=()
) -> PriorityArea:
    """A district adds a priority of its own to its local agreement, stating
    which of the overarching agreement's areas and categories it addresses. Only to a
    draft: an adopted version changes only by a revision, adopted by a decision as a whole."""
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            _(
                "An adopted version is not changed without a decision: draft a revision of it and add "
                "the priority there."
            )
        )
    order = version.priority_areas.count() + 1
    area = PriorityArea(
        version=version, name=name, description=description, order=order, is_local_priority=True
    )
    area.full_clean()
    area.save()
    area.addresses.set(addresses)
    area.categories.set(categories)
    return area


@transaction.atomic
def draft_revision(*, version: AgreementVersion, label: str, case_number: str = "") -> AgreementVersion:
    """A new draft version copied from `version` (which must be adopted),
    every element linked to the one it was copied from."""
    if version.status != VersionStatus.ADOPTED:
        raise ValidationError(_("A revision is drafted from an adopted version."))
    open_draft = version.revision_drafts.filter(status=VersionStatus.DRAFT).first()
    if open_draft is not None:
        raise ValidationError(
            _("A revision draft of this version already exists: %(label)s.") % {"label": open_draft.label}
        )
    draft = AgreementVersion(
        agreement=version.agreement,
        label=label,
        case_number=case_number,
        status=VersionStatus.DRAFT,
        drafted_from=version,
        summary=version.summary,
    )
    draft.full_clean()
    draft.save()
    draft.parties.set(version.parties.all())
    for annex in version.annexes.all():
        annex.pk = None
        annex.version = draft
        annex.save()
    for category in version.mandatory_categories.all():
        draft.mandatory_categories.create(name=category.name)
    for area in version.priority_areas.prefetch_related("goals", "addresses", "categories"):
        copy = PriorityArea.objects.create(
            version=draft,
            name=area.name,
            description=area.description,
            order=area.order,
            is_local_priority=area.is_local_priority,
        )
        copy.addresses.set(area.addresses.all())
        copy.categories.set(area.categories.all())
        PriorityAreaLineage.objects.create(from_area=area, to_area=copy, kind=LineageKind.CONTINUED)
        for goal in area.goals.all():
            Goal.objects.create(priority_area=copy, text=goal.text, order=goal.order, predecessor=goal)
    for section in version.sections.all():
        TextSection.objects.create(
            version=draft,
            heading=section.heading,
            body=section.body,
            order=section.order,
            predecessor=section,
        )
    return draft


@transaction.atomic
def area_renamed(area: PriorityArea) -> None:
    """Keep the lineage kind in step with a rename in a draft: a continued
    area whose name now differs from its one predecessor was renamed."""
    links = list(area.lineage_in.select_related("from_area"))
    if len(links) != 1:
        return
    link = links[0]
    changed = link.from_area.name != area.name
    kind = LineageKind.RENAMED if changed else LineageKind.CONTINUED
    if link.kind in {LineageKind.CONTINUED, LineageKind.RENAMED} and link.kind != kind:
        link.kind = kind
        link.save()


class AlreadyAdopted(Exception):
    """The draft was adopted meanwhile (a repeated submit, or a colleague):
    not an error of the input, so not a ValidationError."""


def version_chain_fit(*, version: AgreementVersion, valid_from: dt.date, valid_to: dt.date | None) -> list:
    """Make room in the agreement's chain of adopted versions for `version`
    valid from `valid_from` to `valid_to`, under a lock on the agreement.

    The version in force when it starts ends the day before; a version that
    starts on or after `valid_from` cannot be followed and is refused. The
    versions that were ended are answered. The database refuses any overlap
    that slips past (an exclusion constraint on PostgreSQL, a trigger on
    SQLite), so two adoptions at once cannot both succeed."""
    Agreement.objects.select_for_update().get(pk=version.agreement_id)
    others = list(
        AgreementVersion.objects.select_for_update()
        .filter(agreement_id=version.agreement_id, status=VersionStatus.ADOPTED)
        .exclude(pk=version.pk)
        .overlapping(valid_from, valid_to)
        .order_by("valid_from")
    )
    later = [other for other in others if other.valid_from is None or other.valid_from >= valid_from]
    if later:
        first = later[0]
        raise ValidationError(
            {
                "valid_from": _(
                    "%(other)s is valid from %(start)s; a version adopted now must start after that "
                    "day (on %(next)s at the earliest)."
                )
                % {
                    "other": first.label,
                    "start": first.valid_from,
                    "next": (first.valid_from or valid_from) + dt.timedelta(days=1),
                }
            }
        )
    for other in others:
        other.valid_to = valid_from - dt.timedelta(days=1)
        other.full_clean()
        other.save(update_fields=["valid_to"])
    return others
