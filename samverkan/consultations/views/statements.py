"""A recipient's statement: drafting, submitting, document references,
attachments and amendment proposals."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.consultations import forms, permissions, selectors, services
from samverkan.consultations.models import (
    AmendmentProposal,
    Attachment,
    Statement,
)
from samverkan.consultations.views.access import recipient_for, statement_for
from samverkan.core.forms import errors_as_messages, errors_on
from samverkan.core.models import Correctable


def statement_edit(request, pk: int) -> HttpResponse:
    recipient = recipient_for(request.user, pk)
    if not permissions.can_write_statement(request.user, recipient):
        raise PermissionDenied
    statement = getattr(recipient, "statement", None) or Statement(recipient=recipient)
    if statement.is_submitted:
        return redirect("consultations:statement", pk=statement.pk)
    form = forms.StatementForm(request.POST or None, instance=statement)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            statement = services.statement_save(statement=form.instance)
        if not form.errors:
            messages.success(request, _("The response was saved."))
            return redirect("consultations:statement", pk=statement.pk)
    return render(
        request,
        "consultations/statement_form.html",
        {"form": form, "recipient": recipient, "round": recipient.round},
        status=400 if form.errors else 200,
    )


def statement_page(request, statement, *, bound=None, status=200) -> HttpResponse:
    round = statement.recipient.round
    can_write = permissions.can_write_statement(request.user, statement.recipient)
    editable = can_write and not statement.is_submitted and not round.is_closed
    origins = selectors.proposal_origins(statement) if can_write else []
    anchors = selectors.anchors(round)
    proposals = list(statement.proposals.prefetch_related("changes", "outcomes__adoption__decided_by"))
    minutes = list(
        statement.minutes.select_related("committee", "recorded_by").prefetch_related(
            "proposals", "dissents__supports", "minutes_statements__supports", "corrected_by"
        )
    )
    page_forms = {
        "submit": forms.SubmitForm(initial={"answered_on": timezone.localdate()}, prefix="submit")
        if editable
        else None,
        "document": forms.DocumentForm(prefix="document") if editable else None,
        "attachment": forms.AttachmentForm(prefix="attachment") if editable else None,
        "proposal": forms.ProposalForm(anchors=anchors, origins=origins, prefix="proposal")
        if origins
        else None,
    }
    for proposal in proposals:
        if proposal.origin in origins:
            page_forms[f"change-{proposal.pk}"] = forms.ChangeForm(
                anchors=anchors, prefix=f"change-{proposal.pk}"
            )
    page_forms |= bound or {}
    for proposal in proposals:
        proposal.change_form = page_forms.get(f"change-{proposal.pk}")
    return render(
        request,
        "consultations/statement_detail.html",
        {
            "statement": statement,
            "recipient": statement.recipient,
            "round": round,
            "proposals": proposals,
            "minutes": minutes,
            "current_minutes": Correctable.current(minutes),
            "can_write": can_write,
            "editable": editable,
            "forms": page_forms,
            "today": timezone.localdate(),
        },
        status=status,
    )


def former_statement(request, pk: str, rest: str) -> HttpResponse:
    """A statement's page (or one of its forms' addresses) under its former name, moved for good."""
    return redirect(reverse("consultations:statement", args=[int(pk)]) + rest, permanent=True)


def statement_detail(request, pk: int) -> HttpResponse:
    return statement_page(request, statement_for(request.user, pk))


@require_POST
def statement_submit(request, pk: int) -> HttpResponse:
    statement = statement_for(request.user, pk, write=True)
    form = forms.SubmitForm(request.POST, prefix="submit")
    if not form.is_valid():
        return statement_page(request, statement, bound={"submit": form}, status=400)
    try:
        services.statement_submit(statement=statement, answered_on=form.cleaned_data["answered_on"])
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        messages.success(request, _("The response was submitted."))
    return redirect("consultations:statement", pk=statement.pk)


@require_POST
def document_add(request, pk: int) -> HttpResponse:
    statement = statement_for(request.user, pk, write=True)
    form = forms.DocumentForm(request.POST, prefix="document")
    if form.is_valid():
        with errors_on(form):
            services.document_add(statement=statement, **form.cleaned_data)
    if form.errors:
        return statement_page(request, statement, bound={"document": form}, status=400)
    messages.success(request, _("The document reference was added."))
    return redirect(reverse("consultations:statement", args=[statement.pk]) + "#documents")


@require_POST
def attachment_add(request, pk: int) -> HttpResponse:
    statement = statement_for(request.user, pk, write=True)
    form = forms.AttachmentForm(request.POST, request.FILES, prefix="attachment")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        with errors_on(form):
            services.attachment_add(
                statement=statement,
                title=form.cleaned_data["title"],
                name=upload.name,
                data=upload.read(),
                user=request.user,
            )
    if form.errors:
        return statement_page(request, statement, bound={"attachment": form}, status=400)
    messages.success(request, _("The file was attached."))
    return redirect(reverse("consultations:statement", args=[statement.pk]) + "#attachments")


def attachment_download(request, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("statement"), pk=pk)
    statement_for(request.user, attachment.statement_id)
    if not attachment.file.name or not attachment.file.storage.exists(attachment.file.name):
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.filename)


@require_POST
def proposal_add(request, pk: int) -> HttpResponse:
    statement = statement_for(request.user, pk, write=True)
    form = forms.ProposalForm(
        request.POST,
        anchors=selectors.anchors(statement.recipient.round),
        origins=selectors.proposal_origins(statement),
        prefix="proposal",
    )
    if form.is_valid():
        proposal = AmendmentProposal(
            statement=statement,
            heading=form.cleaned_data["heading"],
            justification=form.cleaned_data["justification"],
            origin=form.cleaned_data["origin"],
            put_forward_by=form.cleaned_data["put_forward_by"],
        )
        with errors_on(form):
            services.proposal_add(proposal=proposal, changes=[form.change()])
    if form.errors:
        return statement_page(request, statement, bound={"proposal": form}, status=400)
    messages.success(request, _("The amendment proposal was added."))
    return redirect(reverse("consultations:statement", args=[statement.pk]) + "#proposals")


@require_POST
def change_add(request, pk: int) -> HttpResponse:
    proposal = get_object_or_404(AmendmentProposal, pk=pk)
    statement = statement_for(request.user, proposal.statement_id, write=True)
    prefix = f"change-{proposal.pk}"
    form = forms.ChangeForm(request.POST, anchors=selectors.anchors(statement.recipient.round), prefix=prefix)
    if form.is_valid():
        with errors_on(form):
            services.change_add(proposal=proposal, change=form.change())
    if form.errors:
        return statement_page(request, statement, bound={prefix: form}, status=400)
    messages.success(request, _("The change was added to the proposal."))
    return redirect(reverse("consultations:statement", args=[statement.pk]) + f"#proposal-{proposal.pk}")
