"""Revision drafts: made from the version in force, edited element by element,
adopted."""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import ModelForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.agreements import permissions as agreement_permissions
from samverkan.agreements.models import AgreementVersion, Goal, PriorityArea, TextSection, VersionStatus
from samverkan.agreements.services import AlreadyAdopted, draft_revision
from samverkan.consultations import forms, permissions, selectors, services
from samverkan.consultations.tracing import traced_on_draft
from samverkan.consultations.views.access import draft_for
from samverkan.core.forms import errors_as_messages, errors_on


@require_POST
def revision_create(request, pk: int) -> HttpResponse:
    version = agreement_permissions.get_version_for(request.user, pk)
    if not agreement_permissions.can_draft_revision(request.user, version):
        raise PermissionDenied
    form = forms.RevisionForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect("agreements:version", pk=version.pk)
    try:
        draft = draft_revision(version=version, **form.cleaned_data)
    except ValidationError as error:
        errors_as_messages(request, error)
        return redirect("agreements:version", pk=version.pk)
    messages.success(request, _("A revision draft was made from the version in force."))
    return redirect("consultations:draft", pk=draft.pk)


Element = PriorityArea | Goal | TextSection
ELEMENTS: dict[str, tuple[type[Element], type[ModelForm[Any]]]] = {
    "area": (PriorityArea, forms.AreaForm),
    "goal": (Goal, forms.GoalForm),
    "section": (TextSection, forms.SectionForm),
}


SAVE: dict[str, Callable[..., Element]] = {
    "area": services.area_save,
    "goal": services.goal_save,
    "section": services.section_save,
}


def _draft_page(request, version, *, bound=None, status=200) -> HttpResponse:
    areas = list(version.priority_areas.prefetch_related("goals__predecessor", "lineage_in__from_area"))
    sections = list(version.sections.select_related("predecessor"))
    page_forms = {
        "add-area": forms.AreaForm(prefix="add-area"),
        "add-section": forms.SectionForm(prefix="add-section"),
    }
    for area in areas:
        page_forms[f"area-{area.pk}"] = forms.AreaForm(instance=area, prefix=f"area-{area.pk}")
        page_forms[f"add-goal-{area.pk}"] = forms.GoalForm(prefix=f"add-goal-{area.pk}")
        for goal in area.goals.all():
            page_forms[f"goal-{goal.pk}"] = forms.GoalForm(instance=goal, prefix=f"goal-{goal.pk}")
    for section in sections:
        page_forms[f"section-{section.pk}"] = forms.SectionForm(
            instance=section, prefix=f"section-{section.pk}"
        )
    page_forms |= bound or {}
    for area in areas:
        area.form = page_forms[f"area-{area.pk}"]
        area.add_goal_form = page_forms[f"add-goal-{area.pk}"]
        area.goal_rows = [(goal, page_forms[f"goal-{goal.pk}"]) for goal in area.goals.all()]
    rows = [(section, page_forms[f"section-{section.pk}"]) for section in sections]
    return render(
        request,
        "consultations/draft_detail.html",
        {
            "version": version,
            "agreement": version.agreement,
            "areas": areas,
            "sections": rows,
            "add_area_form": page_forms["add-area"],
            "add_section_form": page_forms["add-section"],
            "rounds": version.consultation_rounds.all(),
            "can_send": permissions.can_manage_consultations(request.user, version.agreement.municipality),
        },
        status=status,
    )


def draft_detail(request, pk: int) -> HttpResponse:
    return _draft_page(request, draft_for(request.user, pk))


def _element_version(element: Element) -> AgreementVersion:
    return element.priority_area.version if isinstance(element, Goal) else element.version


@require_POST
def element_add(request, pk: int, kind: str) -> HttpResponse:
    version = draft_for(request.user, pk)
    form: ModelForm[Any]
    if kind == "goal":
        area = get_object_or_404(PriorityArea, pk=request.POST.get("area"), version=version)
        prefix = f"add-goal-{area.pk}"
        form = forms.GoalForm(request.POST, instance=Goal(priority_area=area), prefix=prefix)
    elif kind == "area":
        prefix = "add-area"
        new_area = PriorityArea(version=version, order=version.priority_areas.count() + 1)
        form = forms.AreaForm(request.POST, instance=new_area, prefix=prefix)
    else:
        prefix = "add-section"
        section = TextSection(version=version, order=version.sections.count() + 1)
        form = forms.SectionForm(request.POST, instance=section, prefix=prefix)
    if form.is_valid():
        with errors_on(form):
            SAVE[kind](**{kind: form.instance})
    if form.errors:
        return _draft_page(request, version, bound={prefix: form}, status=400)
    messages.success(request, _("Added to the draft."))
    return redirect("consultations:draft", pk=version.pk)


@require_POST
def element_edit(request, kind: str, pk: int) -> HttpResponse:
    model, form_class = ELEMENTS[kind]
    element = cast(Element, get_object_or_404(model, pk=pk))
    version = draft_for(request.user, _element_version(element).pk)
    if request.POST.get("delete"):
        try:
            services.element_delete(element=element)
        except ValidationError as error:
            errors_as_messages(request, error)
        else:
            messages.success(request, _("Removed from the draft."))
        return redirect("consultations:draft", pk=version.pk)
    prefix = f"{kind}-{element.pk}"
    form = form_class(request.POST, instance=element, prefix=prefix)
    if form.is_valid():
        with errors_on(form):
            SAVE[kind](**{kind: form.instance})
    if form.errors:
        return _draft_page(request, version, bound={prefix: form}, status=400)
    messages.success(request, _("The draft was changed."))
    return redirect(reverse("consultations:draft", args=[version.pk]) + f"#{kind}-{element.pk}")


def draft_adopt(request, pk: int) -> HttpResponse:
    version = agreement_permissions.get_version_for(request.user, pk)
    if version.status != VersionStatus.DRAFT and agreement_permissions.can_record_adoption(
        request.user, version
    ):
        # A repeated submit, or a colleague was quicker: the first adoption stands.
        messages.info(request, _("This draft has already been adopted."))
        return redirect("agreements:version", pk=version.pk)
    version = draft_for(request.user, pk)
    if not agreement_permissions.can_record_adoption(request.user, version):
        raise PermissionDenied
    proposals = selectors.proposals_to_decide(version)
    form = forms.AdoptionForm(
        request.POST or None, version=version, proposals=proposals, unanswered=selectors.unanswered(version)
    )
    if request.method == "POST" and form.is_valid():
        try:
            with errors_on(form):
                services.version_adopt(
                    version=version,
                    decided_by=form.cleaned_data["decided_by"],
                    decided_on=form.cleaned_data["decided_on"],
                    minutes_reference=form.cleaned_data["minutes_reference"],
                    valid_from=form.cleaned_data["valid_from"],
                    valid_to=form.cleaned_data["valid_to"],
                    backdating_reason=form.cleaned_data["backdating_reason"],
                    unanswered_confirmed=form.cleaned_data.get("confirm_unanswered", False),
                    outcomes=form.outcomes(),
                    user=request.user,
                )
        except AlreadyAdopted:
            messages.info(request, _("This draft has already been adopted."))
            return redirect("agreements:version", pk=version.pk)
        if not form.errors:
            messages.success(request, _("The version was adopted."))
            return redirect("agreements:version", pk=version.pk)
    traced = traced_on_draft(proposals)
    return render(
        request,
        "consultations/adopt_form.html",
        {"version": version, "form": form, "traced": traced},
        status=400 if form.errors else 200,
    )
