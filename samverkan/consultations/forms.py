from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.agreements.models import Goal, PriorityArea, TextSection
from samverkan.consultations.models import (
    ConsultationRound,
    MinutesOutcome,
    MinutesStatementKind,
    Outcome,
    ProposalOrigin,
    ProposedChangeKind,
    Statement,
)
from samverkan.core.forms import RowForm
from samverkan.core.personal_data import no_personal_identity_number
from samverkan.organisations.models import Organisation, OrganisationKind
from samverkan.organisations.selectors import deciding_organisations

DATE = {"type": "date"}
ROWS = {"rows": 3}


def guarded_char(label, *, required=True, max_length=300, help_text=""):
    """A form field with the same personal-data guard as the model fields."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        validators=[no_personal_identity_number],
    )


def guarded_text(label, *, required=False, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs=ROWS),
        validators=[no_personal_identity_number],
    )


class RevisionForm(forms.Form):
    label = guarded_char(_("Name of the draft"), max_length=200)
    case_number = guarded_char(_("Case number"), required=False, max_length=60)


class AreaForm(forms.ModelForm):
    class Meta:
        model = PriorityArea
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs=ROWS)}


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class SectionForm(forms.ModelForm):
    class Meta:
        model = TextSection
        fields = ["heading", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}


RECIPIENT_KINDS = [OrganisationKind.COMMITTEE, OrganisationKind.COMPANY, OrganisationKind.POLICE_REGION]


def recipient_queryset(municipality):
    return Organisation.objects.filter(municipality=municipality, kind__in=RECIPIENT_KINDS).order_by("name")


class RoundForm(forms.ModelForm):
    recipients = forms.ModelMultipleChoiceField(
        label=_("Recipients"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ConsultationRound
        fields = ["title", "case_number", "referred_by", "sent_on", "deadline", "instructions"]
        widgets = {
            "sent_on": forms.DateInput(attrs=DATE),
            "deadline": forms.DateInput(attrs=DATE),
            "instructions": forms.Textarea(attrs=ROWS),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_by"].queryset = Organisation.objects.filter(
            municipality=municipality, kind__in=[OrganisationKind.EXECUTIVE_BOARD, OrganisationKind.COUNCIL]
        )
        self.fields["recipients"].queryset = recipient_queryset(municipality)


class RecipientAddForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Recipient"), queryset=Organisation.objects.none())

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = recipient_queryset(round.municipality).exclude(
            pk__in=round.recipients.values("organisation")
        )


class ExtensionForm(forms.Form):
    until = forms.DateField(label=_("Extension until"), widget=forms.DateInput(attrs=DATE))
    reason = guarded_char(_("Reason"), required=False)


class StatementForm(forms.ModelForm):
    class Meta:
        model = Statement
        fields = [
            "case_number",
            "proposed_decision",
            "summary",
            "views",
            "goal_fulfilment",
            "child_consequences",
        ]
        widgets = {name: forms.Textarea(attrs=ROWS) for name in fields[1:]}


class SubmitForm(forms.Form):
    answered_on = forms.DateField(
        label=_("Answered on"),
        widget=forms.DateInput(attrs=DATE),
        help_text=_("The day the response was sent to the referring body."),
    )


class DocumentForm(forms.Form):
    reference = guarded_char(_("Document reference"), max_length=60, help_text=_("E.g. SÖD 2023/713-2."))
    title = guarded_char(_("Title"))


class AttachmentForm(forms.Form):
    title = guarded_char(_("Title"))
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word (.docx) or text; at most 20 MB."))


class ProposalForm(forms.Form):
    heading = guarded_char(_("Heading"))
    origin = forms.ChoiceField(label=_("Put forward in"), choices=ProposalOrigin.choices)
    put_forward_by = guarded_char(
        _("Put forward by"), required=False, help_text=_("For a competing proposal: its parties.")
    )
    justification = guarded_text(_("Justification"))
    kind = forms.ChoiceField(label=_("Change"), choices=ProposedChangeKind.choices)
    element = forms.ChoiceField(label=_("Concerns"))
    proposed_text = guarded_text(_("Proposed wording"))

    def __init__(self, *args, anchors, origins=None, **kwargs):
        super().__init__(*args, **kwargs)
        if origins is not None and "origin" in self.fields:
            self.fields["origin"].choices = [c for c in ProposalOrigin.choices if c[0] in origins]
        self.anchors = {f"{a}:{pk or ''}": (a, pk) for a, pk, _label in anchors}
        self.fields["element"].choices = [(f"{a}:{pk or ''}", label[:120]) for a, pk, label in anchors]

    def change(self) -> dict:
        anchor, pk = self.anchors[self.cleaned_data["element"]]
        return {
            "kind": self.cleaned_data["kind"],
            "anchor": anchor,
            "anchor_id": pk,
            "proposed_text": self.cleaned_data["proposed_text"],
        }


class ChangeForm(ProposalForm):
    """One more change for an existing proposal."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("heading", "origin", "put_forward_by", "justification"):
            del self.fields[name]


class MinutesForm(forms.Form):
    meeting_date = forms.DateField(label=_("Meeting date"), widget=forms.DateInput(attrs=DATE))
    paragraph = guarded_char(_("Minutes item"), max_length=20, help_text=_("E.g. § 23."))
    case_number = guarded_char(_("Case number"), required=False, max_length=60)
    decision = guarded_text(_("Decision"), required=True)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MinutesOutcome.choices)
    order_of_decision = guarded_text(_("Order of decision"))
    correction_reason = guarded_text(_("Reason for the correction"))

    def __init__(self, *args, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        if correcting:
            self.fields["correction_reason"].required = True
        else:
            del self.fields["correction_reason"]


POSITIONS = [("", "–")] + [(str(n), _("Proposal %(n)s") % {"n": n}) for n in range(1, 5)]


class MinutesProposalForm(RowForm):
    label = guarded_char(_("Proposal"))
    movers = guarded_char(_("Moved by"), required=False, max_length=500)
    parties = guarded_char(_("Parties"), required=False, max_length=100)
    text = guarded_text(_("Content"))
    is_administration = forms.BooleanField(label=_("The administration's proposal"), required=False)
    adopted = forms.BooleanField(label=_("This proposal was the decision"), required=False)


class DissentForm(RowForm):
    members = guarded_char(_("Members"), max_length=500)
    parties = guarded_char(_("Parties"), required=False, max_length=100)
    supports = forms.ChoiceField(label=_("In favour of"), choices=POSITIONS, required=False)
    text = guarded_text(_("Text"))


class MinutesStatementForm(RowForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MinutesStatementKind.choices)
    members = guarded_char(_("Members"), max_length=500)
    parties = guarded_char(_("Parties"), required=False, max_length=100)
    supports = forms.ChoiceField(label=_("Supports"), choices=POSITIONS, required=False)
    text = guarded_text(_("Text"))


MinutesProposalFormSet = forms.formset_factory(
    MinutesProposalForm, extra=1, min_num=1, max_num=4, validate_min=True
)
DissentFormSet = forms.formset_factory(DissentForm, extra=1, max_num=4)
MinutesStatementFormSet = forms.formset_factory(MinutesStatementForm, extra=1, max_num=4)


class AdoptionForm(forms.Form):
    decided_by = forms.ModelChoiceField(label=_("Decided by"), queryset=Organisation.objects.none())
    decided_on = forms.DateField(label=_("Decision date"), widget=forms.DateInput(attrs=DATE))
    minutes_reference = guarded_char(_("Minutes reference"), required=False, max_length=120)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs=DATE))
    valid_to = forms.DateField(
        label=_("Valid to"),
        widget=forms.DateInput(attrs=DATE),
        required=False,
        help_text=_("Empty: until further notice."),
    )

    backdating_reason = guarded_text(
        _("Reason for a start in the past"),
        help_text=_("Needed when the version applies from a day before today; it is logged."),
    )
    confirm_unanswered = forms.BooleanField(label=_("Adopt without their responses"), required=False)

    def __init__(self, *args, version, proposals=(), unanswered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = deciding_organisations(version.agreement)
        self.unanswered = list(unanswered)
        if self.unanswered:
            self.fields["confirm_unanswered"].help_text = _(
                "Not answered: %(names)s. Adopting closes the round; this is recorded with the decision."
            ) % {"names": ", ".join(str(r.organisation) for r in self.unanswered)}
        else:
            del self.fields["confirm_unanswered"]
        self.proposals = list(proposals)
        for proposal in self.proposals:
            self.fields[f"outcome_{proposal.pk}"] = forms.ChoiceField(
                label=_("Outcome: %(heading)s (%(org)s)")
                % {"heading": proposal.heading, "org": proposal.statement.recipient.organisation},
                choices=[("", "–"), *Outcome.choices],
            )
            self.fields[f"comment_{proposal.pk}"] = guarded_text(_("Comment"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("valid_to") and data.get("valid_from") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", _("A validity cannot end before it starts."))
        if (
            data.get("valid_from")
            and data["valid_from"] < timezone.localdate()
            and not data.get("backdating_reason", "").strip()
        ):
            self.add_error("backdating_reason", _("The version would apply from a day in the past: say why."))
        if self.unanswered and not data.get("confirm_unanswered"):
            self.add_error(
                "confirm_unanswered",
                _("Confirm that the version is adopted without the responses that are missing."),
            )
        return data

    def outcomes(self) -> dict:
        return {
            p.pk: (self.cleaned_data[f"outcome_{p.pk}"], self.cleaned_data.get(f"comment_{p.pk}", ""))
            for p in self.proposals
        }


class AdoptionCorrectionForm(forms.Form):
    decided_on = forms.DateField(label=_("Decision date"), widget=forms.DateInput(attrs=DATE))
    minutes_reference = guarded_char(_("Minutes reference"), required=False, max_length=120)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs=DATE))
    valid_to = forms.DateField(label=_("Valid to"), widget=forms.DateInput(attrs=DATE), required=False)
    reason = guarded_text(_("Reason for the correction"), required=True)


class OutcomeCorrectionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    comment = guarded_text(_("Comment"))
    reason = guarded_text(_("Reason for the correction"), required=True)


class DiffForm(forms.Form):
    old = forms.ChoiceField(label=_("From version"))
    new = forms.ChoiceField(label=_("To version"))

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (str(v.pk), f"{v.label} ({v.case_number})" if v.case_number else v.label) for v in versions
        ]
        self.fields["old"].choices = self.fields["new"].choices = choices
