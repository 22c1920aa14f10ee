"""Consultation rounds: the list, sending a draft out, recipients, extensions,
reminders and the compilation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.accounts.tenancy import require_municipality
from samverkan.agreements import permissions as agreement_permissions
from samverkan.agreements.models import Agreement, AgreementVersion, VersionStatus
from samverkan.consultations import exports, forms, permissions, services
from samverkan.consultations.compilation import compile_round
from samverkan.consultations.models import (
    ConsultationRound,
)
from samverkan.consultations.views.access import recipient_for, round_for
from samverkan.core.forms import errors_as_messages, errors_on
from samverkan.core.http import download
from samverkan.core.models import Correctable


def round_list(request) -> HttpResponse:
    municipality = require_municipality(request)
    rounds = ConsultationRound.objects.filter(version__agreement__municipality=municipality).select_related(
        "version__agreement", "referred_by"
    )
    versions = agreement_permissions.viewable_versions(
        request.user,
        list(
            AgreementVersion.objects.filter(agreement__municipality=municipality).select_related(
                "agreement__municipality"
            )
        ),
    )
    drafts = [v for v in versions if v.status == VersionStatus.DRAFT]
    agreements: dict[Agreement, list[AgreementVersion]] = {}
    for version in versions:
        agreements.setdefault(version.agreement, []).append(version)
    return render(
        request,
        "consultations/round_list.html",
        {
            "rounds": rounds,
            # Editors work on a draft; readers read it as a version.
            "drafts": [
                (draft, agreement_permissions.can_edit_draft(request.user, draft)) for draft in drafts
            ],
            "comparable": [a for a, versions in agreements.items() if len(versions) > 1],
            "today": timezone.localdate(),
        },
    )


def round_create(request, pk: int) -> HttpResponse:
    version = agreement_permissions.get_version_for(request.user, pk)
    municipality = version.agreement.municipality
    if version.status != VersionStatus.DRAFT or not permissions.can_manage_consultations(
        request.user, municipality
    ):
        raise PermissionDenied
    form = forms.RoundForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            round = services.round_create(
                version=version,
                recipients=form.cleaned_data.pop("recipients"),
                user=request.user,
                **form.cleaned_data,
            )
        if not form.errors:
            messages.success(request, _("The draft was sent out for consultation."))
            return redirect("consultations:round", pk=round.pk)
    return render(
        request,
        "consultations/round_form.html",
        {"form": form, "version": version},
        status=400 if form.errors else 200,
    )


def _round_page(request, round, *, add_form=None, status=200) -> HttpResponse:
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
                "can_write": not round.is_closed and permissions.can_write_statement(request.user, recipient),
            }
        )
    adoption = Correctable.current(round.version.adoptions.all()) if round.is_closed else None
    return render(
        request,
        "consultations/round_detail.html",
        {
            "round": round,
            "rows": rows,
            "manage": manage and not round.is_closed,
            "adoption": adoption,
            "add_form": add_form or (forms.RecipientAddForm(round=round) if manage else None),
            "today": today,
        },
        status=status,
    )


def round_detail(request, pk: int) -> HttpResponse:
    return _round_page(request, round_for(request.user, pk))


@require_POST
def recipient_add(request, pk: int) -> HttpResponse:
    round = round_for(request.user, pk, manage=True)
    form = forms.RecipientAddForm(request.POST, round=round)
    if form.is_valid():
        with errors_on(form):
            services.recipient_add(round=round, organisation=form.cleaned_data["organisation"])
    if form.errors:
        return _round_page(request, round, add_form=form, status=400)
    messages.success(request, _("The recipient was added."))
    return redirect("consultations:round", pk=round.pk)


@require_POST
def extension_grant(request, pk: int) -> HttpResponse:
    recipient = recipient_for(request.user, pk, manage=True)
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
def round_remind(request, pk: int) -> HttpResponse:
    round = round_for(request.user, pk, manage=True)
    sent = services.reminders_send(round=round, url=reverse("consultations:round", args=[round.pk]))
    messages.success(request, _("Reminders sent: %(n)s.") % {"n": sent})
    return redirect("consultations:round", pk=round.pk)


def compilation(request, pk: int) -> HttpResponse:
    round = round_for(request.user, pk)
    return render(request, "consultations/compilation.html", {"c": compile_round(round)})


def compilation_export(request, pk: int, fmt: str) -> HttpResponse:
    round = round_for(request.user, pk)
    content = compile_round(round)
    data = exports.compilation_pdf(content) if fmt == "pdf" else exports.compilation_docx(content)
    return download(data, fmt, f"remissammanstallning {round.case_number}")
