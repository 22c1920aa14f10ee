"""Where a municipality stands with the law on municipalities' responsibility
for crime prevention (Lag (2023:196) om kommuners ansvar för
brottsförebyggande arbete), year by year, read from what it has done in
Samverkan, with the evidence for each requirement:

- a situation picture of crime in the municipality's area (4 §) in its three
  parts: a mapping of crime, its extent and consequences; other relevant
  information; an analysis of the mapping and of the need for measures;
- an action plan decided from it;
- a coordinating function for the crime prevention work;
- follow-up of what was decided.

A picture counts for the whole municipality when its agreement covers the
whole municipality, or when every current district has one for the year.
Only submitted party pictures count: a party's draft is not evidence, and
nobody else may see it.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.organisations.models import Area, AreaKind, Municipality
from samverkan.plans.models import ActionPlan, AnnualReport, FollowUpReport, PlanStatus, ReportStatus
from samverkan.plans.permissions import can_view_annual, can_view_plan, can_view_report
from samverkan.situations.models import Evidence, EvidenceSource, PictureStatus, SituationPicture
from samverkan.situations.permissions import can_view_picture

if TYPE_CHECKING:
    from samverkan.accounts.models import User
    from samverkan.configurations.models import MunicipalitySetup


@dataclass
class Link:
    """Evidence: linked where the reader may open it, else named only."""

    label: str
    url: str | None

    @classmethod
    def to(cls, label: str, route: str, pk: int, *, allowed: bool) -> "Link":
        return cls(label, reverse(route, args=[pk]) if allowed else None)


@dataclass
class Requirement:
    key: str
    title: str
    met: bool
    detail: str
    evidence: list[Link] = field(default_factory=list)
    parts: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class LawYear:
    year: int
    requirements: list[Requirement]

    @property
    def met(self) -> int:
        return sum(r.met for r in self.requirements)


def _pictures(municipality: Municipality, year: int) -> tuple[list[SituationPicture], list[str]]:
    """The year's situation pictures, and the current districts none of them covers (none
    when one covers the whole municipality)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    pictures = list(
        SituationPicture.objects.filter(
            agreement__municipality=municipality, period_start__lte=end, period_end__gte=start
        )
        .select_related("agreement", "agreement__area")
        .order_by("period_start", "pk")
    )
    if any(p.agreement.area_id is None for p in pictures):
        return pictures, []
    districts = dict(
        Area.objects.filter(municipality=municipality, kind=AreaKind.DISTRICT)
        .valid_on(min(end, timezone.localdate()))
        .order_by("name")
        .values_list("pk", "name")
    )
    covered = {p.agreement.area_id for p in pictures}
    if not districts:
        return pictures, [_("no district is registered")]
    return pictures, [name for pk, name in districts.items() if pk not in covered]


def _picture_requirement(municipality: Municipality, year: int, user: "User") -> Requirement:
    pictures, uncovered = _pictures(municipality, year)
    covering = not uncovered
    shown = Q(problem__party_picture__status=PictureStatus.SUBMITTED) | Q(problem__analysis__isnull=False)
    evidence = Evidence.objects.filter(shown).filter(
        Q(problem__party_picture__picture__in=pictures) | Q(problem__analysis__picture__in=pictures)
    )
    kinds = set(evidence.values_list("source_kind", flat=True).distinct())
    other = sorted(str(EvidenceSource(k).label) for k in kinds if k != EvidenceSource.STATISTICS)
    analysed = [p for p in pictures if hasattr(p, "joint") and p.joint.adopted_decision is not None]
    none = _("none submitted")
    parts = [
        (_("A mapping of crime, its extent and consequences: statistics in a submitted picture (%(found)s)")
         % {"found": _("found") if EvidenceSource.STATISTICS in kinds else none},
         EvidenceSource.STATISTICS in kinds),
        (_("Other relevant information: surveys, citizens' and staff's perspectives (%(found)s)")
         % {"found": ", ".join(other).lower() if other else none},
         bool(other)),
        (_("An analysis of the mapping and of the need for measures: a recorded prioritisation decision (%(found)s)")
         % {"found": _("%(n)s decided") % {"n": len(analysed)} if analysed else _("none recorded")},
         bool(analysed)),
        (_("The pictures cover the whole municipality (the whole of it, or every current district)")
         + ("" if covering else " (" + _("not covered: %(names)s") % {"names": ", ".join(uncovered)} + ")"),
         covering),
    ]  # fmt: skip
    if not pictures:
        detail = _("No situation picture covers %(year)s.") % {"year": year}
    elif not covering:
        detail = _("The year's situation pictures do not cover the whole municipality.")
    else:
        detail = _("%(n)s situation pictures cover the year.") % {"n": len(pictures)}
    return Requirement(
        "picture",
        _("Situation picture of crime in the municipality (4 §)"),
        all(met for _label, met in parts),
        detail,
        [Link.to(p.title, "situations:picture", p.pk, allowed=can_view_picture(user, p)) for p in pictures],
        parts,
    )


def _plan_requirement(
    municipality: Municipality, year: int, setup: "MunicipalitySetup | None", user: "User"
) -> Requirement:
    plans = list(
        ActionPlan.objects.filter(agreement__municipality=municipality, year=year, status=PlanStatus.ADOPTED)
        .select_related("agreement")
        .prefetch_related("decisions__body")
        .order_by("agreement__area", "priority_area__order", "pk")
    )
    decided = [(plan, decision) for plan in plans if (decision := plan.adopted_decision()) is not None]
    links = [
        Link.to(
            _("%(plan)s, decided by %(body)s on %(date)s")
            % {"plan": plan.heading, "body": decision.body, "date": f"{decision.decided_on:%Y-%m-%d}"},
            "plans:detail",
            plan.pk,
            allowed=can_view_plan(user, plan),
        )
        for plan, decision in decided
    ]
    by_named_body = [
        plan
        for plan, decision in decided
        if setup is None or not setup.plan_body_id or decision.body_id == setup.plan_body_id
    ]
    if not decided:
        detail = _("No action plan for %(year)s has been decided.") % {"year": year}
    elif not by_named_body:
        detail = _("Decided, but not by %(body)s, which the municipality named to decide it.") % {
            "body": setup.plan_body if setup is not None else ""
        }
    else:
        detail = _("%(n)s action plans decided.") % {"n": len(decided)}
    return Requirement(
        "plan", _("An action plan decided from the situation picture"), bool(by_named_body), detail, links
    )


def _coordination_requirement(setup: "MunicipalitySetup | None") -> Requirement:
    named = setup is not None and bool(setup.coordinator_id and setup.coordinator_role)
    return Requirement(
        "coordination",
        _("A coordinating function for the crime prevention work"),
        named,
        f"{setup.coordinator_role}, {setup.coordinator}" if setup is not None and named else _("Not named."),
        # The body that decides the action plan, whose page everyone of the municipality may read.
        [Link(str(setup.plan_body), reverse("bodies:detail", args=[setup.plan_body_id]))]
        if setup is not None and setup.plan_body_id
        else [],
    )


def _follow_up_requirement(municipality: Municipality, year: int, user: "User") -> Requirement:
    """Followed up: follow-up reports of the year submitted, or its final (not preliminary)
    yearly compilation sent. A compilation still being prepared, or made before the year
    ended, is no follow-up yet."""
    reports = list(
        FollowUpReport.objects.filter(
            plan__agreement__municipality=municipality, year=year, status=ReportStatus.SUBMITTED
        )
        .select_related("plan__agreement")
        .order_by("as_of", "pk")
    )
    annual = AnnualReport.objects.filter(
        municipality=municipality, year=year, status=AnnualReport.Status.SENT
    ).first()
    final = annual is not None and not (annual.content or {}).get("preliminary", False)
    links = [
        Link.to(str(report), "plans:report", report.pk, allowed=can_view_report(user, report))
        for report in reports
    ]
    if final and annual is not None:
        links.append(
            Link.to(
                _("Yearly compilation %(year)s") % {"year": year},
                "plans:annual",
                annual.pk,
                allowed=can_view_annual(user, annual),
            )
        )
    met = bool(reports) or final
    if met:
        detail = _("%(n)s follow-up reports submitted%(annual)s.") % {
            "n": len(reports),
            "annual": _(", and the yearly compilation sent") if final else "",
        }
    elif annual is not None:
        detail = _("No follow-up report of %(year)s submitted; the yearly compilation is preliminary.") % {
            "year": year
        }
    else:
        detail = _("Nothing of %(year)s has been followed up yet.") % {"year": year}
    return Requirement("follow_up", _("Follow-up of the action plan"), met, detail, links)


def law_status(municipality: Municipality, year: int, user: "User") -> LawYear:
    """The year's requirements as `user` reads them (evidence they may not open is named, not linked)."""
    # The set-up is configurations', an app above this one (it loads the plans): read by name.
    setup = (
        apps.get_model("configurations", "MunicipalitySetup")
        .objects.filter(municipality=municipality)
        .select_related("coordinator", "plan_body")
        .first()
    )
    return LawYear(
        year,
        [
            _picture_requirement(municipality, year, user),
            _plan_requirement(municipality, year, setup, user),
            _coordination_requirement(setup),
            _follow_up_requirement(municipality, year, user),
        ],
    )
