"""The joint analysis: merged problems, the prioritisation matrix, the steering
group's decision, versions and exports."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.core.forms import errors_on
from samverkan.core.http import download, id_parameter
from samverkan.governance.selectors import deciding_bodies
from samverkan.situations import exports, selectors, services, snapshots
from samverkan.situations.forms import (
    DecisionForm,
    MergeForm,
    ScoresForm,
    VersionForm,
)
from samverkan.situations.models import (
    JointVersion,
)
from samverkan.situations.views.access import analysis_for
from samverkan.situations.views.pages import joint_page


def to_step(pk: int, step: str) -> HttpResponse:
    return redirect(f"{reverse('situations:joint', args=[pk])}?step={step}")


def joint_detail(request, pk: int) -> HttpResponse:
    return joint_page(request, analysis_for(request.user, pk))


@require_POST
def joint_merge(request, pk: int) -> HttpResponse:
    analysis = analysis_for(request.user, pk, edit=True)
    form = MergeForm(request.POST, analysis=analysis)
    if form.is_valid():
        with errors_on(form):
            services.joint_problems_merge(keep=form.cleaned_data["keep"], other=form.cleaned_data["other"])
    if form.errors:
        return joint_page(request, analysis, forms={"merge": form}, status=400)
    messages.success(
        request,
        _("The problems were merged: “%(title)s” now holds the evidence, causes and origins of both.")
        % {"title": form.cleaned_data["keep"].title},
    )
    return to_step(pk, "pictures")


@require_POST
def joint_scores(request, pk: int) -> HttpResponse:
    analysis = analysis_for(request.user, pk, edit=True)
    problems = list(analysis.problems.prefetch_related("scores"))
    form = ScoresForm(request.POST, problems=problems)
    if form.is_valid():
        with errors_on(form):
            services.scores_save(analysis=analysis, scores=form.scores())
    if form.errors:
        return joint_page(request, analysis, forms={"scores": form}, status=400)
    messages.success(request, _("The prioritisation matrix was saved."))
    return to_step(pk, "prioritisation")


@require_POST
def joint_decision(request, pk: int) -> HttpResponse:
    analysis = analysis_for(request.user, pk, decide=True)
    by_score = [r.problem.pk for r in selectors.ranking(analysis)]
    form = DecisionForm(
        request.POST,
        analysis=analysis,
        bodies=deciding_bodies(analysis.picture.agreement),
        by_score=by_score,
    )
    if form.is_valid():
        chosen = form.ranked()
        with errors_on(form):
            services.decision_record(
                analysis=analysis,
                body=form.cleaned_data["body"],
                decided_on=form.cleaned_data["decided_on"],
                minutes_reference=form.cleaned_data["minutes_reference"],
                problems=chosen,
                user=request.user,
            )
    if form.errors:
        return joint_page(request, analysis, forms={"decision": form}, status=400)
    messages.success(request, _("The decision was recorded."))
    return to_step(pk, "decision")


@require_POST
def joint_version_save(request, pk: int) -> HttpResponse:
    analysis = analysis_for(request.user, pk, edit=True)
    form = VersionForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            version = services.joint_version_save(
                analysis=analysis, note=form.cleaned_data["note"], user=request.user
            )
    if form.errors:
        return joint_page(request, analysis, forms={"version": form}, status=400)
    messages.success(request, _("Version %(n)s was saved.") % {"n": version.number})
    return to_step(pk, "decision")


def joint_diff(request, pk: int) -> HttpResponse:
    analysis = analysis_for(request.user, pk)
    versions = {v.number: v for v in analysis.versions.all()}

    def pick(name, default):
        value = request.GET.get(name, default)
        if value == "current":
            return _("Current state"), snapshots.snapshot(analysis)
        try:
            version = versions[int(value)]
        except (KeyError, TypeError, ValueError):
            return None, None
        return _("Version %(n)s") % {"n": version.number}, version.content

    newest = max(versions) if versions else None
    old_label, old = pick("from", newest)
    new_label, new = pick("to", "current")
    if old is None or new is None:
        return render(
            request,
            "situations/diff.html",
            {
                "analysis": analysis,
                "picture": analysis.picture,
                "versions": versions.values(),
                "changes": None,
            },
            status=400 if request.GET else 200,
        )
    return render(
        request,
        "situations/diff.html",
        {
            "analysis": analysis,
            "picture": analysis.picture,
            "versions": sorted(versions.values(), key=lambda v: v.number),
            "changes": snapshots.diff(old, new),
            "old_label": old_label,
            "new_label": new_label,
        },
    )


def joint_export(request, pk: int, fmt: str) -> HttpResponse:
    analysis = analysis_for(request.user, pk)
    number = id_parameter(request.GET, "version")
    version = None if number is None else get_object_or_404(JointVersion, analysis=analysis, number=number)
    content = version.content if version else snapshots.snapshot(analysis)
    name = f"gemensam-lagesbild-{analysis.picture.pk}" + (f"-v{version.number}" if version else "")
    render_as = exports.joint_pdf if fmt == "pdf" else exports.joint_docx
    return download(render_as(analysis, content, version=version), fmt, name)
