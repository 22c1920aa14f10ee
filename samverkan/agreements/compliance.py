"""Rules a local agreement must follow, and the dates an agreement is due.

A local agreement must address every priority area of the overarching
agreement in force on its dates, and every mandatory category the framework
imposes. An overarching agreement must be revised at its interval.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.agreements.models import (
    AgreementVersion,
    MandatoryCategory,
    PriorityArea,
    Scope,
    VersionStatus,
)


@dataclass
class CentralGap:
    central: AgreementVersion
    missing_areas: list[PriorityArea]
    missing_categories: list[MandatoryCategory]

    @property
    def ok(self) -> bool:
        return not self.missing_areas and not self.missing_categories


@dataclass
class Compliance:
    version: AgreementVersion
    gaps: list[CentralGap] = field(default_factory=list)
    # False when no priority areas are registered for the version: then the
    # check cannot tell gaps from content that was never entered.
    registered: bool = True

    @property
    def ok(self) -> bool:
        return self.registered and all(gap.ok for gap in self.gaps)

    @property
    def missing_count(self) -> int:
        return sum(len(g.missing_areas) + len(g.missing_categories) for g in self.gaps)


@dataclass(frozen=True)
class Warning:
    level: str  # "error", "warning" or "info"
    message: str


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def adopted_centrals(municipality) -> list[AgreementVersion]:
    """Every adopted overarching version of the municipality, with what the
    compliance check reads of them; read once for a page of many districts."""
    return list(
        AgreementVersion.objects.filter(
            agreement__municipality=municipality,
            agreement__scope=Scope.CENTRAL,
            status=VersionStatus.ADOPTED,
        )
        .select_related("agreement", "superseded_by")
        .prefetch_related("priority_areas", "mandatory_categories")
        .order_by("valid_from")
    )


def central_versions_in_force(
    version: AgreementVersion, centrals: list[AgreementVersion] | None = None
) -> list[AgreementVersion]:
    """Adopted overarching versions in force on any day of `version`'s validity (from
    `centrals` when the caller has read them). A draft not yet dated is checked against
    those in force today: what it would have to address if adopted now."""
    start = version.valid_from
    end: dt.date | None
    if start is None and version.status == VersionStatus.DRAFT:
        start = end = timezone.localdate()
    elif start is None:
        return []
    else:
        end = version.effective_end
    if centrals is None:
        centrals = adopted_centrals(version.agreement.municipality)
    result = []
    for central in centrals:
        central_end = central.effective_end
        starts_in_time = end is None or central.valid_from is None or central.valid_from <= end
        ends_in_time = central_end is None or central_end >= start
        if starts_in_time and ends_in_time:
            result.append(central)
    return result


def agreement_compliance(
    version: AgreementVersion, centrals: list[AgreementVersion] | None = None
) -> Compliance:
    compliance = Compliance(version=version)
    if version.scope != Scope.LOCAL:
        return compliance
    # A no-op when the caller has prefetched them (the district overview does, for all districts).
    prefetch_related_objects([version], "priority_areas__addresses", "priority_areas__categories")
    local_areas = list(version.priority_areas.all())
    compliance.registered = bool(local_areas)
    addressed_areas = {a.pk for local in local_areas for a in local.addresses.all()}
    addressed_categories = {c.pk for local in local_areas for c in local.categories.all()}
    for central in central_versions_in_force(version, centrals):
        compliance.gaps.append(
            CentralGap(
                central=central,
                missing_areas=[a for a in central.priority_areas.all() if a.pk not in addressed_areas],
                missing_categories=[
                    c for c in central.mandatory_categories.all() if c.pk not in addressed_categories
                ],
            )
        )
    return compliance


def revision_due(version: AgreementVersion) -> dt.date | None:
    years = version.agreement.revision_interval_years
    base = version.decided_on or version.valid_from
    if not years or base is None or version.status != VersionStatus.ADOPTED:
        return None
    return add_years(base, years)


def agreement_warnings(
    version: AgreementVersion,
    *,
    today: dt.date,
    compliance: Compliance | None = None,
    centrals: list[AgreementVersion] | None = None,
) -> list[Warning]:
    warnings: list[Warning] = []
    horizon = dt.timedelta(days=settings.SAMVERKAN_EXPIRY_WARNING_DAYS)
    has_successor = getattr(version, "superseded_by", None) is not None
    end = version.effective_end

    if version.status == VersionStatus.DRAFT:
        warnings.append(Warning("info", _("This version is a draft and not in force.")))
        return warnings

    if version.is_in_force_on(today):
        due = revision_due(version)
        if due is not None and due < today:
            warnings.append(Warning("error", _("Revision was due on %(date)s.") % {"date": due.isoformat()}))
        elif due is not None and due - today <= dt.timedelta(days=365):
            warnings.append(Warning("warning", _("Revision is due on %(date)s.") % {"date": due.isoformat()}))
        if version.valid_to is not None and version.valid_to - today <= horizon and not has_successor:
            warnings.append(
                Warning(
                    "warning",
                    _("Expires on %(date)s and no new version is registered.")
                    % {"date": version.valid_to.isoformat()},
                )
            )
    elif end is not None and end < today and not has_successor:
        warnings.append(
            Warning(
                "error",
                _("Expired on %(date)s and no new version is registered.") % {"date": end.isoformat()},
            )
        )
    elif end is not None and end < today and (upcoming := adopted_successor(version, today)) is not None:
        warnings.append(
            Warning(
                "error",
                _(
                    "Expired on %(date)s; the next version comes into force only on %(next)s: none is in force now."
                )
                % {
                    "date": end.isoformat(),
                    "next": upcoming.valid_from.isoformat() if upcoming.valid_from else "",
                },
            )
        )

    if version.scope == Scope.LOCAL:
        compliance = compliance or agreement_compliance(version, centrals)
        if not compliance.registered:
            warnings.append(
                Warning(
                    "info",
                    _("No priority areas are registered for this version, so compliance cannot be checked."),
                )
            )
        elif compliance.missing_count:
            warnings.append(
                Warning(
                    "error",
                    _("Does not address %(count)s of the overarching agreement's requirements.")
                    % {"count": compliance.missing_count},
                )
            )
        upcoming = adopted_successor(version, today)
        if upcoming is not None:
            warnings.append(_upcoming_warning(upcoming, agreement_compliance(upcoming, centrals)))
        if version.is_in_force_on(today):
            in_force = [gap.central for gap in compliance.gaps]  # the overarching versions in force
            current = [c for c in in_force if c.is_in_force_on(today)]
            older = [c for c in in_force if not c.is_in_force_on(today)]
            started = version.valid_from
            if current and older and started and current[0].valid_from and started < current[0].valid_from:
                warnings.append(
                    Warning(
                        "warning",
                        _("Made under %(old)s; review it against %(new)s.")
                        % {
                            "old": older[-1].case_number or older[-1].label,
                            "new": current[0].case_number or current[0].label,
                        },
                    )
                )
        area = version.agreement.area
        if area is not None and area.valid_to is not None and area.valid_to < today:
            warnings.append(
                Warning(
                    "info",
                    _("The district area %(area)s ceased on %(date)s.")
                    % {"area": area.name, "date": area.valid_to.isoformat()},
                )
            )
    return warnings


def adopted_successor(version: AgreementVersion, today: dt.date) -> AgreementVersion | None:
    """The version adopted to replace this one that has not come into force yet."""
    successor = getattr(version, "superseded_by", None)
    if successor is None or successor.status != VersionStatus.ADOPTED or successor.valid_from is None:
        return None
    return successor if successor.valid_from > today else None


def _upcoming_warning(upcoming: AgreementVersion, compliance: Compliance) -> Warning:
    names = {"label": upcoming.label, "date": upcoming.valid_from.isoformat() if upcoming.valid_from else ""}
    if compliance.registered and not compliance.missing_count:
        return Warning(
            "info",
            _("Version %(label)s, adopted, comes into force on %(date)s and addresses every requirement.")
            % names,
        )
    if not compliance.registered:
        return Warning("info", _("Version %(label)s, adopted, comes into force on %(date)s.") % names)
    return Warning(
        "warning",
        _("Version %(label)s, adopted, comes into force on %(date)s and does not address %(count)s either.")
        % {**names, "count": compliance.missing_count},
    )
