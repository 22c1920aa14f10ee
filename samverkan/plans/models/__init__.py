"""Action plans, their measures, follow-up and the yearly cycle.

A local action plan (åtgärdsplan) belongs to one priority area of a local
agreement and one year; the city-wide action plan (handlingsplan) belongs to
the overarching agreement. Both are adopted by a recorded decision of a
steering group. Each measure says who does what, where and when, which goal,
prioritised problem and causes it addresses, and which indicators will show
whether it works. Follow-up reports are frozen when submitted; the yearly
compilation is a snapshot of every district's results.
"""

from samverkan.plans.models.communication import (
    Approval,
    Communication,
    CommunicationKind,
)
from samverkan.plans.models.follow_up import (
    AnnualReport,
    FollowUpDuty,
    FollowUpReport,
    MeasureProgress,
    ProgressOverride,
    ReportStatus,
)
from samverkan.plans.models.plans import (
    ActionPlan,
    Direction,
    ExpectedEffect,
    Measure,
    MeasureIndicator,
    MeasureKind,
    MeasureStatus,
    PlanDecision,
    PlanStatus,
    progress_percent,
)

__all__ = [
    "ActionPlan",
    "AnnualReport",
    "Approval",
    "Communication",
    "CommunicationKind",
    "Direction",
    "ExpectedEffect",
    "FollowUpDuty",
    "FollowUpReport",
    "Measure",
    "MeasureIndicator",
    "MeasureKind",
    "MeasureProgress",
    "MeasureStatus",
    "PlanDecision",
    "PlanStatus",
    "ProgressOverride",
    "ReportStatus",
    "progress_percent",
]
