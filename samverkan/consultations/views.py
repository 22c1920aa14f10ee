from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.accounts import permissions
from samverkan.agreements.models import AgreementVersion, Goal, PriorityArea, TextSection, VersionStatus
from samverkan.agreements.revision import version_key
from samverkan.agreements.services import draft_revision
from samverkan.consultations import exports, forms, selectors, services
from samverkan.consultations.compilation import compile_round
from samverkan.consultations.models import (
    AmendmentProposal,
    Attachment,
    ConsultationRound,
    MinutesItem,
    ProposalOutcome,
    Recipient,
    Statement,
    VersionAdoption,
)
from samverkan.consultations.tracing import compare, traced_on_draft
from samverkan.core.forms import errors_as_messages, errors_on_form
from samverkan.core.http import download, id_parameter, require_municipality
from samverkan.core.models import Correctable

# --- access ------------------------------------------------------------------------


def _round_for(user, pk: int, *, manage=False) -> ConsultationRound:
    round = get_object_or_404(
        ConsultationRound.objects.select_related("version__agreement__municipality", "referred_by"), pk=pk
    )
    if not permissions.can_view_round(user, round):
        raise PermissionDenied
    if manage and not permissions.can_manage_consultations(user, round.municipality):
        raise PermissionDenied
    return round


def _recipient_for(user, pk: int, *, manage=False) -> Recipient:
    recipient = get_object_or_404(
        Recipient.objects.select_related("round__version__agreement__municipality", "organisation"), pk=pk
    )
    _round_for(user, recipient.round_id, manage=manage)
    return recipient


def _statement_for(user, pk: int, *, write=False) -> Statement:
    statement = get_object_or_404(
        Statement.objects.select_related(
            "recipient__organisation", "recipient__round__version__agreement__municipality"
        ),
        pk=pk,
    )
    allowed = (
        permissions.can_write_statement(user, statement.recipient)
        if write
        else permissions.can_view_statement(user, statement)
    )
    if not allowed:
        raise PermissionDenied
    return statement


def _draft_for(user, pk: int) -> AgreementVersion:
    version = permissions.get_version_for(user, pk)
    if not permissions.can_edit_draft(user, version):
        raise PermissionDenied
    return version


# --- rounds ------------------------------------------------------------------------


def round_list(request):
    municipality = require_municipality(request)
    rounds = ConsultationRound.objects.filter(version__agreement__municipality=municipality).select_related(
        "version__agreement", "referred_by"
    )
    drafts = [
        v
        for v in AgreementVersion.objects.filter(
            agreement__municipality=municipality, status=VersionStatus.DRAFT
        ).select_related("agreement")
        if permissions.can_view_version(request.user, v)
    ]
    agreements = {}
    for version in AgreementVersion.objects.filter(agreement__municipality=municipality).select_related(
        "agreement"
    ):
        if permissions.can_view_version(request.user, version):
            agreements.setdefault(version.agreement, []).append(version)
    return render(
        request,
        "consultations/round_list.html",
        {
            "rounds": rounds,
            "drafts": drafts,
            "comparable": [a for a, versions in agreements.items() if len(versions) > 1],
            "today": timezone.localdate(),
        },
    )


def round_create(request, pk: int):
    version = permissions.get_version_for(request.user, pk)
    municipality = version.agreement.municipality
    if version.status != VersionStatus.DRAFT or not permissions.can_manage_consultations(
        request.user, municipality
    ):
        raise PermissionDenied
    form = forms.RoundForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_create(
                version=version,
                recipients=form.cleaned_data.pop("recipients"),
                user=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            errors_on_form(form, error)
        else:
            messages.success(request, _("The draft was sent out for consultation."))
            return redirect("consultations:round", pk=round.pk)
    return render(
        request,
        "consultations/round_form.html",
        {"form": form, "version": version},
        status=400 if form.errors else 200,
    )


def _round_page(request, round, *, add_form=None, status=200):
    today = timezone.localdate()
    manage = permissions.can_manage_consultations(request.user, round.municipality)
    recipients = round.recipients.select_related("organisation").prefetch_related("statement")
    rows = []
    for recipient in recipients:
        statement = getattr(recipient, "statement", None)
        rows.append(
            {
                "recipient": recipient,
                "status": recipient.status(today),
                "status_label": recipient.status_label(today),
                "statement": statement
                if statement and permissions.can_view_statement(request.user, statement)
                else None,
                "can_write": permissions.can_write_statement(request.user, recipient),
            }
        )
    return render(
        request,
        "consultations/round_detail.html",
        {
            "round": round,
            "rows": rows,
            "manage": manage,
            "add_form": add_form or (forms.RecipientAddForm(round=round) if manage else None),
            "today": today,
        },
        status=status,
    )


def round_detail(request, pk: int):
    return _round_page(request, _round_for(request.user, pk))


@require_POST
def recipient_add(request, pk: int):
    round = _round_for(request.user, pk, manage=True)
    form = forms.RecipientAddForm(request.POST, round=round)
    if form.is_valid():
        try:
            services.recipient_add(round=round, organisation=form.cleaned_data["organisation"])
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _round_page(request, round, add_form=form, status=400)
    messages.success(request, _("The recipient was added."))
    return redirect("consultations:round", pk=round.pk)


@require_POST
def extension_grant(request, pk: int):
    recipient = _recipient_for(request.user, pk, manage=True)
    form = forms.ExtensionForm(request.POST)
    if form.is_valid():
        try:
            services.extension_grant(
                recipient=recipient, until=form.cleaned_data["until"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            errors_as_messages(request, error)
        else:
            messages.success(
                request,
                _("%(org)s may answer until %(date)s.")
                % {"org": recipient.organisation, "date": f"{recipient.extended_to:%Y-%m-%d}"},
            )
    else:
        errors_as_messages(request, form)
    return redirect(reverse("consultations:round", args=[recipient.round_id]) + f"#recipient-{recipient.pk}")


@require_POST
def round_remind(request, pk: int):
    round = _round_for(request.user, pk, manage=True)
    sent = services.reminders_send(round=round, url=reverse("consultations:round", args=[round.pk]))
    messages.success(request, _("Reminders sent: %(n)s.") % {"n": sent})
    return redirect("consultations:round", pk=round.pk)


def compilation(request, pk: int):
    round = _round_for(request.user, pk)
    return render(request, "consultations/compilation.html", {"c": compile_round(round)})


def compilation_export(request, pk: int, fmt: str):
    round = _round_for(request.user, pk)
    content = compile_round(round)
    data = exports.compilation_pdf(content) if fmt == "pdf" else exports.compilation_docx(content)
    return download(data, fmt, f"remissammanstallning {round.case_number}")


# --- responses ---------------------------------------------------------------------


def statement_edit(request, pk: int):
    recipient = _recipient_for(request.user, pk)
    if not permissions.can_write_statement(request.user, recipient):
        raise PermissionDenied
    statement = getattr(recipient, "statement", None) or Statement(recipient=recipient)
    if statement.is_submitted:
        return redirect("consultations:statement", pk=statement.pk)
    form = forms.StatementForm(request.POST or None, instance=statement)
    if request.method == "POST" and form.is_valid():
        try:
            statement = services.statement_save(statement=form.instance)
        except ValidationError as error:
            errors_on_form(form, error)
        else:
            messages.success(request, _("The response was saved."))
            return redirect("consultations:statement", pk=statement.pk)
    return render(
        request,
        "consultations/statement_form.html",
        {"form": form, "recipient": recipient, "round": recipient.round},
        status=400 if form.errors else 200,
    )


def _statement_page(request, statement, *, bound=None, status=200):
    round = statement.recipient.round
    can_write = permissions.can_write_statement(request.user, statement.recipient)
    editable = can_write and not statement.is_submitted
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
        "proposal": forms.ProposalForm(anchors=anchors, prefix="proposal") if can_write else None,
    }
    if can_write:
        for proposal in proposals:
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


def former_statement(request, pk: str, rest: str):
    """A statement's page (or one of its forms' addresses) under its former name, moved for good."""
    return redirect(reverse("consultations:statement", args=[int(pk)]) + rest, permanent=True)


def statement_detail(request, pk: int):
    return _statement_page(request, _statement_for(request.user, pk))


@require_POST
def statement_submit(request, pk: int):
    statement = _statement_for(request.user, pk, write=True)
    form = forms.SubmitForm(request.POST, prefix="submit")
    if not form.is_valid():
        return _statement_page(request, statement, bound={"submit": form}, status=400)
    try:
        services.statement_submit(statement=statement, answered_on=form.cleaned_data["answered_on"])
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        messages.success(request, _("The response was submitted."))
    return redirect("consultations:statement", pk=statement.pk)


@require_POST
def document_add(request, pk: int):
    statement = _statement_for(request.user, pk, write=True)
    form = forms.DocumentForm(request.POST, prefix="document")
    if form.is_valid():
        try:
            services.document_add(statement=statement, **form.cleaned_data)
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _statement_page(request, statement, bound={"document": form}, status=400)
    messages.success(request, _("The document reference was added."))
    return redirect(reverse("consultations:statement", args=[statement.pk]) + "#documents")


@require_POST
def attachment_add(request, pk: int):
    statement = _statement_for(request.user, pk, write=True)
    form = forms.AttachmentForm(request.POST, request.FILES, prefix="attachment")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.attachment_add(
                statement=statement,
                title=form.cleaned_data["title"],
                name=upload.name,
                data=upload.read(),
                user=request.user,
            )
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _statement_page(request, statement, bound={"attachment": form}, status=400)
    messages.success(request, _("The file was attached."))
    return redirect(reverse("consultations:statement", args=[statement.pk]) + "#attachments")


def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("statement"), pk=pk)
    _statement_for(request.user, attachment.statement_id)
    if not attachment.file.storage.exists(attachment.file.name):
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.filename)


@require_POST
def proposal_add(request, pk: int):
    statement = _statement_for(request.user, pk, write=True)
    form = forms.ProposalForm(
        request.POST, anchors=selectors.anchors(statement.recipient.round), prefix="proposal"
    )
    if form.is_valid():
        proposal = AmendmentProposal(
            statement=statement,
            heading=form.cleaned_data["heading"],
            justification=form.cleaned_data["justification"],
            origin=form.cleaned_data["origin"],
            put_forward_by=form.cleaned_data["put_forward_by"],
        )
        try:
            services.proposal_add(proposal=proposal, changes=[form.change()])
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _statement_page(request, statement, bound={"proposal": form}, status=400)
    messages.success(request, _("The amendment proposal was added."))
    return redirect(reverse("consultations:statement", args=[statement.pk]) + "#proposals")


@require_POST
def change_add(request, pk: int):
    proposal = get_object_or_404(AmendmentProposal, pk=pk)
    statement = _statement_for(request.user, proposal.statement_id, write=True)
    prefix = f"change-{proposal.pk}"
    form = forms.ChangeForm(request.POST, anchors=selectors.anchors(statement.recipient.round), prefix=prefix)
    if form.is_valid():
        try:
            services.change_add(proposal=proposal, change=form.change())
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _statement_page(request, statement, bound={prefix: form}, status=400)
    messages.success(request, _("The change was added to the proposal."))
    return redirect(reverse("consultations:statement", args=[statement.pk]) + f"#proposal-{proposal.pk}")


def _initial_minutes(item: MinutesItem | None):
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


def minutes_record(request, pk: int):
    statement = _statement_for(request.user, pk, write=True)
    corrects = id_parameter(request.GET, "corrects") or id_parameter(request.POST, "corrects")
    if corrects:
        corrects = get_object_or_404(MinutesItem, pk=corrects, statement=statement)
        if not corrects.is_current:
            raise Http404
    header, proposals, dissents, minutes_statements = _initial_minutes(corrects)
    data = request.POST if request.method == "POST" else None
    if data is not None:
        # What is posted stands on its own; the earlier record only fills the empty form.
        header, proposals, dissents, minutes_statements = {}, None, None, None
    form = forms.MinutesForm(data, initial=header, correcting=corrects is not None)
    proposal_set = forms.MinutesProposalFormSet(data, initial=proposals, prefix="p")
    dissent_set = forms.DissentFormSet(data, initial=dissents, prefix="d")
    minutes_statement_set = forms.MinutesStatementFormSet(data, initial=minutes_statements, prefix="s")
    sets = [proposal_set, dissent_set, minutes_statement_set]
    if request.method == "POST" and form.is_valid() and all(s.is_valid() for s in sets):

        def filled(formset):
            return [f.cleaned_data for f in formset if f.cleaned_data and not f.cleaned_data.get("DELETE")]

        fields = dict(form.cleaned_data)
        reason = fields.pop("correction_reason", "")
        try:
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
        except ValidationError as error:
            errors_on_form(form, error)
        else:
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


def proposal_detail(request, pk: int):
    proposal = get_object_or_404(
        AmendmentProposal.objects.select_related(
            "statement__recipient__organisation", "statement__recipient__round"
        ),
        pk=pk,
    )
    statement = _statement_for(request.user, proposal.statement_id)
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
            if can_correct
            else None,
        },
    )


@require_POST
def outcome_correct(request, pk: int):
    outcome = get_object_or_404(ProposalOutcome.objects.select_related("adoption__version"), pk=pk)
    _statement_for(request.user, outcome.proposal.statement_id)
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
def adoption_correct(request, pk: int):
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


# --- drafts ------------------------------------------------------------------------


@require_POST
def revision_create(request, pk: int):
    version = permissions.get_version_for(request.user, pk)
    if not permissions.can_draft_revision(request.user, version):
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


ELEMENTS = {
    "area": (PriorityArea, forms.AreaForm),
    "goal": (Goal, forms.GoalForm),
    "section": (TextSection, forms.SectionForm),
}
SAVE = {"area": services.area_save, "goal": services.goal_save, "section": services.section_save}


def _draft_page(request, version, *, bound=None, status=200):
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


def draft_detail(request, pk: int):
    return _draft_page(request, _draft_for(request.user, pk))


def _element_version(element):
    return element.priority_area.version if isinstance(element, Goal) else element.version


@require_POST
def element_add(request, pk: int, kind: str):
    version = _draft_for(request.user, pk)
    if kind == "goal":
        area = get_object_or_404(PriorityArea, pk=request.POST.get("area"), version=version)
        prefix = f"add-goal-{area.pk}"
        form = forms.GoalForm(request.POST, instance=Goal(priority_area=area), prefix=prefix)
    else:
        model, form_class = ELEMENTS[kind]
        prefix = f"add-{kind}"
        order = (version.priority_areas if kind == "area" else version.sections).count() + 1
        form = form_class(request.POST, instance=model(version=version, order=order), prefix=prefix)
    if form.is_valid():
        try:
            SAVE[kind](**{kind: form.instance})
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _draft_page(request, version, bound={prefix: form}, status=400)
    messages.success(request, _("Added to the draft."))
    return redirect("consultations:draft", pk=version.pk)


@require_POST
def element_edit(request, kind: str, pk: int):
    model, form_class = ELEMENTS[kind]
    element = get_object_or_404(model, pk=pk)
    version = _draft_for(request.user, _element_version(element).pk)
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
        try:
            SAVE[kind](**{kind: form.instance})
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _draft_page(request, version, bound={prefix: form}, status=400)
    messages.success(request, _("The draft was changed."))
    return redirect(reverse("consultations:draft", args=[version.pk]) + f"#{kind}-{element.pk}")


def draft_adopt(request, pk: int):
    version = _draft_for(request.user, pk)
    if not permissions.can_record_adoption(request.user, version):
        raise PermissionDenied
    proposals = selectors.proposals_to_decide(version)
    form = forms.AdoptionForm(
        request.POST or None, municipality=version.agreement.municipality, proposals=proposals
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.version_adopt(
                version=version,
                decided_by=form.cleaned_data["decided_by"],
                decided_on=form.cleaned_data["decided_on"],
                minutes_reference=form.cleaned_data["minutes_reference"],
                valid_from=form.cleaned_data["valid_from"],
                valid_to=form.cleaned_data["valid_to"],
                outcomes=form.outcomes(),
                user=request.user,
            )
        except ValidationError as error:
            errors_on_form(form, error)
        else:
            messages.success(request, _("The version was adopted."))
            return redirect("agreements:version", pk=version.pk)
    traced = traced_on_draft(proposals)
    return render(
        request,
        "consultations/adopt_form.html",
        {"version": version, "form": form, "traced": traced},
        status=400 if form.errors else 200,
    )


# --- comparing versions ------------------------------------------------------------


def _comparison(request, pk: int):
    agreement = permissions.get_agreement_for(request.user, pk)
    versions = sorted(
        (v for v in agreement.versions.all() if permissions.can_view_version(request.user, v)),
        key=version_key,
    )
    if len(versions) < 2:
        raise Http404
    form = forms.DiffForm(request.GET or None, versions=versions)
    if form.is_valid():
        by_pk = {str(v.pk): v for v in versions}
        first, second = by_pk[form.cleaned_data["old"]], by_pk[form.cleaned_data["new"]]
    else:
        first, second = versions[-2], versions[-1]
        form = forms.DiffForm(initial={"old": first.pk, "new": second.pk}, versions=versions)
    old, new, changes, proposals = compare(first, second)
    for number, change in enumerate(changes, start=1):
        change.number = number
    return {
        "agreement": agreement,
        "form": form,
        "old": old,
        "new": new,
        "swapped": (old, new) != (first, second),
        "changes": changes,
        "proposals": proposals,
        "adoptions": list(VersionAdoption.objects.filter(version=new).select_related("decided_by")),
    }


def version_compare(request, pk: int):
    return render(request, "consultations/diff.html", _comparison(request, pk))


def version_compare_export(request, pk: int, fmt: str):
    content = _comparison(request, pk)
    data = exports.diff_pdf(content) if fmt == "pdf" else exports.diff_docx(content)
    name = f"jamforelse {content['old'].case_number or content['old'].label} {content['new'].case_number or content['new'].label}"
    return download(data, fmt, name)
