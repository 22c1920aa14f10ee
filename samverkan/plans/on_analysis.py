"""The action plans made from a joint analysis, and the adopted priorities
to make one for, as a section of the analysis's page
(samverkan.situations.follow_ups)."""

from django.template.loader import render_to_string

from samverkan.accounts.http import AuthenticatedRequest
from samverkan.plans import permissions
from samverkan.plans.models import ActionPlan
from samverkan.situations.follow_ups import follows
from samverkan.situations.models import JointAnalysis
from samverkan.situations.selectors import priorities_for_plans


@follows
def plans_from(request: AuthenticatedRequest, analysis: JointAnalysis) -> str:
    user = request.user
    may_plan = bool(permissions.agreements_for_new_plans(user, [analysis.picture.agreement]))
    plans = [
        plan
        for plan in ActionPlan.objects.filter(analysis=analysis).select_related(
            "agreement__municipality", "priority_area"
        )
        if permissions.can_view_plan(user, plan)
    ]
    priorities = priorities_for_plans(analysis) if may_plan and analysis.adopted_decision else []
    return render_to_string(
        "plans/_from_analysis.html",
        {"analysis": analysis, "plans": plans, "plan_priorities": priorities},
    )
