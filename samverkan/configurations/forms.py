import re

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import User
from samverkan.agreements.models import Agreement, AgreementVersion
from samverkan.configurations.models import MunicipalitySetup
from samverkan.core.forms import RowForm, model_choice
from samverkan.core.personal_data import no_personal_identity_number, refuse_identity_number_in_name
from samverkan.datasources.register import code_for, known, known_municipalities
from samverkan.governance.models import Body, BodyKind
from samverkan.organisations.models import (
    POLICE_KINDS,
    Area,
    Municipality,
    Organisation,
    OrganisationKind,
    Subdivision,
)

CHOOSE = _("Choose")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NewMunicipalityForm(forms.ModelForm):
    """A municipality from the national list and its first administrator."""

    code = forms.ChoiceField(label=_("Municipality"))
    municipality_name = forms.CharField(
        label=_("Name in Samverkan"),
        max_length=100,
        required=False,
        validators=[no_personal_identity_number],
        help_text=_("As the municipality calls itself, e.g. 'Malmö stad'. Empty: '<name> kommun'."),
    )
    administration = forms.CharField(
        label=_("The municipality's administration"),
        max_length=200,
        initial="Kommunledningskontoret",
        validators=[no_personal_identity_number],
        help_text=_("The office the coordinating work belongs to; its first administrator works there."),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "username", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        taken = set(Municipality.objects.values_list("code", flat=True))
        self.fields["code"].choices = [("", CHOOSE)] + [
            (m.code, f"{m.label} ({m.county})") for m in known_municipalities() if m.code not in taken
        ]
        for name in ("first_name", "last_name"):
            self.fields[name].required = True
        self.order_fields(["code", "municipality_name", "administration"])

    def clean_code(self):
        found = known(self.cleaned_data["code"])
        if found is None:
            raise forms.ValidationError(_("Choose a municipality from the list."))
        return found

    def validate_unique(self) -> None:
        """The service says a user name is taken, in the page's words."""


class MunicipalityForm(forms.ModelForm):
    class Meta:
        model = Municipality
        fields = ["name", "place_name"]


class ComparisonForm(forms.Form):
    municipalities = forms.CharField(
        label=_("Comparison municipalities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Municipalities like yours (size, kind, region) that its statistics are shown beside, "
            "by name or code, separated by commas or lines: e.g. 'Lund, Helsingborg, 1380'."
        ),
    )

    def __init__(self, *args, own: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.own = own

    def clean_municipalities(self) -> list[str]:
        codes, unknown = [], []
        for part in re.split(r"[,;\n]+", self.cleaned_data["municipalities"]):
            name = part.strip()
            if not name:
                continue
            code = name if known(name) else code_for(name)
            if code is None:
                unknown.append(name)
            elif code != self.own and code not in codes:
                codes.append(code)
        if unknown:
            raise forms.ValidationError(
                _("Not a Swedish municipality: %(names)s.") % {"names": ", ".join(unknown)}
            )
        if len(codes) > 30:
            raise forms.ValidationError(_("At most 30 municipalities."))
        return codes


def _lines(text: str) -> list[str]:
    """A text box of one entry per line: its entries, without blank lines."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class SubdivisionForm(forms.Form):
    subdivision = forms.ChoiceField(
        label=_("How is the municipality divided?"), choices=Subdivision.choices, widget=forms.RadioSelect
    )
    districts = forms.CharField(
        label=_("Districts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[no_personal_identity_number],
        help_text=_("For districts of your own: one name per line."),
    )

    def clean(self):
        data = super().clean()
        data["district_names"] = list(dict.fromkeys(_lines(data.get("districts") or "")))
        return data


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["kind", "name", "short_name", "parent", "committee", "area"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(municipality=municipality)
        model_choice(self, "parent").queryset = organisations
        model_choice(self, "committee").queryset = organisations.filter(
            kind__in=[OrganisationKind.COMMITTEE, OrganisationKind.EXECUTIVE_BOARD]
        )
        model_choice(self, "area").queryset = Area.objects.filter(municipality=municipality)
        self.instance.municipality = municipality

    def validate_unique(self) -> None:
        """The service says a name is taken."""


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["kind", "name", "parent", "mandate", "mandate_basis"]
        widgets = {"mandate": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        # A local steering group belongs to a district's agreement: it is formed on the district's page.
        self.fields["kind"].choices = [
            (value, label) for value, label in BodyKind.choices if value != BodyKind.LOCAL_STEERING_GROUP
        ]
        model_choice(self, "parent").queryset = Body.objects.filter(municipality=municipality)
        self.instance.municipality = municipality


class CoordinationForm(forms.ModelForm):
    class Meta:
        model = MunicipalitySetup
        fields = ["coordinator", "coordinator_role", "plan_body"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "coordinator").queryset = Organisation.objects.filter(
            municipality=municipality
        ).exclude(kind__in=POLICE_KINDS)
        model_choice(self, "plan_body").queryset = Body.objects.filter(municipality=municipality)
        for name in self.fields:
            self.fields[name].required = True
        self.fields["coordinator_role"].initial = "Brottsförebyggande samordnare"


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["title", "purpose", "revision_interval_years"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self) -> None:
        """The service says a title is taken."""


class VersionForm(forms.ModelForm):
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = AgreementVersion
        fields = ["label", "case_number", "valid_from", "valid_to", "decided_on", "decided_by"]
        widgets = {"valid_from": DATE, "valid_to": DATE, "decided_on": DATE}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = Organisation.objects.filter(municipality=municipality)
        self.fields["valid_from"].required = True

    def clean_parties(self):
        parties = self.cleaned_data["parties"]
        if not any(p.is_police for p in parties) or all(p.is_police for p in parties):
            raise forms.ValidationError(
                _("The parties are the municipality and the police: choose at least one of each.")
            )
        return parties


class PriorityAreaForm(RowForm):
    name = forms.CharField(label=_("Priority area"), max_length=200, validators=[no_personal_identity_number])
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_personal_identity_number],
        help_text=_("One goal per line."),
    )

    def clean_goals(self):
        goals = _lines(self.cleaned_data["goals"])
        if not goals:
            raise forms.ValidationError(_("Give the priority area at least one goal."))
        return goals


PriorityAreaFormSet = forms.formset_factory(PriorityAreaForm, extra=3, max_num=20, validate_max=True)


MAX_SETUP_BYTES = 100 * 1024 * 1024


class SetupFileForm(forms.Form):
    file = forms.FileField(
        label=_("Set-up file"), help_text=_("A .json file exported from a Samverkan installation.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SETUP_BYTES:
            raise forms.ValidationError(_("The file is larger than 100 MB."))
        refuse_identity_number_in_name(upload.name or "")
        return upload
