"""The party's page and the joint analysis's page, which several forms render
again with their errors."""

from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from samverkan.governance.selectors import deciding_bodies
from samverkan.situations import follow_ups, permissions, selectors
from samverkan.situations.forms import (
    DecisionForm,
    EvidenceForm,
    MergeForm,
    PartyPictureForm,
    ProblemForm,
    ScoresForm,
    VersionForm,
)
from samverkan.situations.models import Problem, SituationPicture
from samverkan.situations.presentation import cause_fishbone, evidence_chart
from samverkan.situations.selectors import picture_areas


def evidence_form(
    problem: Problem, picture: SituationPicture, data: QueryDict | None = None, *, areas=None
) -> EvidenceForm:
    # One form per problem, so field ids stay unique on the page.
    return EvidenceForm(
        data,
        municipality=picture.municipality,
        areas=areas or picture_areas(picture, mapped_only=True),
        prefix=f"evidence-{problem.pk}",
    )


def decorate(problems, picture, forms) -> None:
    """Charts for the evidence, and (for editors) an evidence form per problem."""
    failed = (forms or {}).get("evidence")
    areas = picture_areas(picture, mapped_only=True) if forms is not None else None
    for problem in problems:
        for evidence in problem.evidence.all():
            evidence.chart = evidence_chart(evidence)
        if forms is not None:
            same = failed is not None and failed.prefix == f"evidence-{problem.pk}"
            problem.evidence_form = failed if same else evidence_form(problem, picture, areas=areas)


def party_page(request, party_picture, *, forms=None, status=200) -> HttpResponse:
    can_edit = permissions.can_edit_party_picture(request.user, party_picture)
    forms = forms or {}
    picture = party_picture.picture
    if can_edit:
        forms.setdefault("details", PartyPictureForm(instance=party_picture))
        forms.setdefault("problem", ProblemForm(picture=picture))
    problems = party_picture.problems.prefetch_related(
        "priority_areas", "categories", "evidence"
    ).select_related("area")
    decorate(problems, picture, forms if can_edit else None)
    return render(
        request,
        "situations/party_picture.html",
        {
            "party": party_picture,
            "picture": picture,
            "problems": problems,
            "can_edit": can_edit,
            "forms": forms,
        },
        status=status,
    )


# The joint analysis is read in one view and worked in the steps of the work;
# a refused form opens the step it belongs to.
JOINT_STEPS = [
    ("read", gettext_lazy("Overview")),
    ("pictures", gettext_lazy("1. The two pictures")),
    ("problems", gettext_lazy("2. Joint problems")),
    ("prioritisation", gettext_lazy("3. Prioritisation")),
    ("causes", gettext_lazy("4. Causes")),
    ("decision", gettext_lazy("5. Decision and versions")),
]
STEP_OF_FORM = {
    "merge": "pictures",
    "evidence": "problems",
    "scores": "prioritisation",
    "decision": "decision",
    "version": "decision",
}


def joint_step(request, forms: dict | None = None) -> str:
    refused = next((STEP_OF_FORM[name] for name, form in (forms or {}).items() if form.errors), None)
    asked = request.GET.get("step", "read")
    return refused or (asked if asked in dict(JOINT_STEPS) else "read")


def joint_page(request, analysis, *, forms=None, status=200) -> HttpResponse:
    step = joint_step(request, forms)
    can_edit = permissions.can_edit_joint(request.user, analysis)
    can_decide = permissions.can_record_decision(request.user, analysis)
    by_score = selectors.ranking(analysis)
    # Adopted priorities first, in the steering group's order; then by score.
    ranked = sorted(by_score, key=lambda r: (r.problem.rank is None, r.problem.rank or 0))
    problems = [r.problem for r in ranked]
    forms = forms or {}
    if can_edit:
        forms.setdefault("merge", MergeForm(analysis=analysis))
        forms.setdefault("scores", ScoresForm(problems=problems))
        forms.setdefault("version", VersionForm())
    if can_decide:
        forms.setdefault(
            "decision",
            DecisionForm(
                analysis=analysis,
                bodies=deciding_bodies(analysis.picture.agreement),
                by_score=[r.problem.pk for r in by_score],
                initial={"problems": [r.problem.pk for r in by_score if r.total > 0][:3]},
            ),
        )
    city = analysis.city_picture
    police = analysis.police_picture
    decorate(problems, analysis.picture, forms if can_edit else None)
    for row in ranked:
        row.fishbone = cause_fishbone(row.problem) if row.problem.causes.exists() else ""
    versions = list(analysis.versions.order_by("-number"))
    return render(
        request,
        "situations/joint.html",
        {
            "analysis": analysis,
            "picture": analysis.picture,
            "ranked": ranked,
            "step": step,
            "steps": JOINT_STEPS,
            "score_place": {r.problem.pk: i for i, r in enumerate(by_score, start=1)},
            "follows_scores": [r.problem.pk for r in ranked] == [r.problem.pk for r in by_score],
            "sides": [
                (city, city.problems.all()),
                (police, police.problems.all()),
            ],
            "coverage": selectors.joint_coverage(analysis),
            "decision": analysis.adopted_decision,
            "can_edit": can_edit,
            "can_decide": can_decide,
            "forms": forms,
            "versions": versions,
            "criteria": selectors.CRITERIA,
            # What the apps above make from the analysis: the action plans made from it.
            "follow_ups": follow_ups.sections_for(request, analysis),
            # Readers of the decided analysis (politicians) do not reach the parties' pictures.
            "can_view_picture": permissions.can_view_picture(request.user, analysis.picture),
        },
        status=status,
    )
