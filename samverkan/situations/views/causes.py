"""The cause analysis of a prioritised problem: fishbone branches and the cause
tree."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.core.forms import errors_on
from samverkan.situations import permissions, services
from samverkan.situations.forms import (
    CauseForm,
)
from samverkan.situations.models import (
    Cause,
    Problem,
)
from samverkan.situations.presentation import cause_fishbone
from samverkan.situations.views.access import analysis_for


def causes(request, pk: int) -> HttpResponse:
    problem = get_object_or_404(
        Problem.objects.select_related("analysis__picture"), pk=pk, analysis__isnull=False
    )
    analysis = analysis_for(request.user, problem.analysis_id)
    can_edit = permissions.can_edit_joint(request.user, analysis)
    form = CauseForm(problem=problem) if can_edit else None
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = CauseForm(request.POST, problem=problem)
        if form.is_valid():
            with errors_on(form):
                services.cause_add(problem=problem, **form.cleaned_data)
            if not form.errors:
                messages.success(request, _("The cause was added."))
                return redirect("situations:causes", pk=pk)
        status = 400
    return render(
        request,
        "situations/causes.html",
        {
            "problem": problem,
            "analysis": analysis,
            "picture": analysis.picture,
            "fishbone": cause_fishbone(problem),
            "tree": problem.causes.filter(parent__isnull=True).prefetch_related("children__children"),
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )


@require_POST
def cause_delete(request, pk: int) -> HttpResponse:
    cause = get_object_or_404(Cause.objects.select_related("problem"), pk=pk)
    analysis_for(request.user, cause.problem.analysis_id, edit=True)
    problem_pk = cause.problem_id
    services.cause_delete(cause=cause)
    return redirect("situations:causes", pk=problem_pk)
