"""What was decided: the committee's minutes item, the outcome of each
proposal, and corrections of recorded adoptions."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.agreements import permissions
from samverkan.consultations import forms, services
from samverkan.consultations.models import (
    AmendmentProposal,
    MinutesItem,
    ProposalOutcome,
    VersionAdoption,
)
from samverkan.consultations.tracing import traced_on_draft
from samverkan.consultations.views.access import statement_for
from samverkan.core.forms import errors_as_messages, errors_on
from samverkan.core.http import id_parameter
from samverkan.core.models import Correctable

Rows = list[dict[str, Any]]


def _initial_minutes(item: MinutesItem | None) -> tuple[dict[str, Any], Rows, Rows, Rows]:
    """The minutes form filled from a recorded item, to correct it; a new item starts with the administration's proposal."""
    if item is None:
        return {}, [{"label": _("The administration's proposal"), "is_administration": True}], [], []
    header = {
        "meeting_date": item.meeting_date,
        "paragraph": item.paragraph,
        "case_number": item.case_number,
        "decision": item.decision,
        "outcome": item.outcome,
        "order_of_decision": item.order_of_decision,
    }
    proposals = [
        {
            "label": p.label,
            "movers": p.movers,
            "parties": p.parties,
            "text": p.text,
            "is_administration": p.is_administration,
            "adopted": p.adopted,
        }
        for p in item.proposals.all()
    ]
    positions = {p.pk: str(p.position) for p in item.proposals.all()}

    def rows(records, with_kind=False):
        return [
            {
                "members": r.members,
                "parties": r.parties,
                "supports": positions.get(r.supports_id, ""),
                "text": r.text,
            }
            | ({"kind": r.kind} if with_kind else {})
            for r in records
        ]

    return header, proposals, rows(item.dissents.all()), rows(item.minutes_statements.all(), with_kind=True)


def minutes_record(request, pk: int) -> HttpResponse:
    statement = statement_for(request.user, pk, write=True)
    corrected = id_parameter(request.GET, "corrects") or id_parameter(request.POST, "corrects")
    corrects = None
    if corrected:
        corrects = get_object_or_404(MinutesItem, pk=corrected, statement=statement)
        if not corrects.is_current:
            raise Http404
    data = request.POST if request.method == "POST" else None
    # What is posted stands on its own; the earlier record only fills the empty form.
    header, proposals, dissents, minutes_statements = (
        _initial_minutes(corrects) if data is None else ({}, [], [], [])
    )
    form = forms.MinutesForm(data, initial=header, correcting=corrects is not None)
    proposal_set = forms.MinutesProposalFormSet(data, initial=proposals, prefix="p")
    dissent_set = forms.DissentFormSet(data, initial=dissents, prefix="d")
    minutes_statement_set = forms.MinutesStatementFormSet(data, initial=minutes_statements, prefix="s")
    sets: list[BaseFormSet[Any]] = [proposal_set, dissent_set, minutes_statement_set]
    if request.method == "POST" and form.is_valid() and all(s.is_valid() for s in sets):

        def filled(formset: BaseFormSet[Any]) -> list[dict[str, Any]]:
            return [f.cleaned_data for f in formset if f.cleaned_data and not f.cleaned_data.get("DELETE")]

        fields = dict(form.cleaned_data)
        reason = fields.pop("correction_reason", "")
        with errors_on(form):
            item = services.minutes_record(
                statement=statement,
                committee=statement.recipient.organisation,
                user=request.user,
                proposals=filled(proposal_set),
                dissents=filled(dissent_set),
                minutes_statements=filled(minutes_statement_set),
                corrects=corrects,
                correction_reason=reason,
                **fields,
            )
        if not form.errors:
            messages.success(
                request,
                _("The correction was recorded.") if corrects else _("The minutes item was recorded."),
            )
            return redirect(reverse("consultations:statement", args=[statement.pk]) + f"#minutes-{item.pk}")
    return render(
        request,
        "consultations/minutes_form.html",
        {
            "statement": statement,
            "form": form,
            "proposal_set": proposal_set,
            "dissent_set": dissent_set,
            "minutes_statement_set": minutes_statement_set,
            "corrects": corrects,
        },
        status=400 if request.method == "POST" else 200,
    )


def proposal_detail(request, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        AmendmentProposal.objects.select_related(
            "statement__recipient__organisation", "statement__recipient__round"
        ),
        pk=pk,
    )
    statement = statement_for(request.user, proposal.statement_id)
    round = statement.recipient.round
    traced = traced_on_draft([proposal])[0]
    outcomes = list(proposal.outcomes.select_related("adoption__decided_by", "recorded_by", "corrected_by"))
    current = Correctable.current(outcomes)
    can_correct = current is not None and permissions.can_record_adoption(request.user, round.version)
    return render(
        request,
        "consultations/proposal_detail.html",
        {
            "proposal": proposal,
            "statement": statement,
            "round": round,
            "traced": traced,
            "outcomes": outcomes,
            "current": current,
            "correction_form": forms.OutcomeCorrectionForm(initial={"outcome": current.outcome})
            if can_correct and current is not None
            else None,
        },
    )


@require_POST
def outcome_correct(request, pk: int) -> HttpResponse:
    outcome = get_object_or_404(ProposalOutcome.objects.select_related("adoption__version"), pk=pk)
    statement_for(request.user, outcome.proposal.statement_id)
    if not permissions.can_record_adoption(request.user, outcome.adoption.version) or not outcome.is_current:
        raise PermissionDenied
    form = forms.OutcomeCorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_correct(
                outcome=outcome,
                new_outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            errors_as_messages(request, error)
        else:
            messages.success(request, _("The correction was recorded."))
    else:
        errors_as_messages(request, form)
    return redirect("consultations:proposal", pk=outcome.proposal_id)


@require_POST
def adoption_correct(request, pk: int) -> HttpResponse:
    adoption = get_object_or_404(VersionAdoption.objects.select_related("version"), pk=pk)
    version = permissions.get_version_for(request.user, adoption.version_id)
    if not permissions.can_record_adoption(request.user, version) or not adoption.is_current:
        raise PermissionDenied
    form = forms.AdoptionCorrectionForm(request.POST, prefix="adoption")
    if form.is_valid():
        fields = dict(form.cleaned_data)
        reason = fields.pop("reason")
        try:
            services.adoption_correct(adoption=adoption, reason=reason, user=request.user, **fields)
        except ValidationError as error:
            errors_as_messages(request, error)
        else:
            messages.success(request, _("The correction was recorded."))
    else:
        errors_as_messages(request, form)
    return redirect("agreements:version", pk=version.pk)
