from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.accounts import permissions
from samverkan.accounts.models import User
from samverkan.core.forms import model_choice
from samverkan.governance.models import Body, Seat
from samverkan.organisations.models import Organisation

CHOOSE = _("Choose")


class PersonForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "username", "email", "organisation", "role"]

    def __init__(self, *args, organisations, by, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = name != "email"
        # Only the organisations whose people `by` may manage (their own party's).
        roles = [role for role, _label in permissions.assignable_roles(by)]
        model_choice(self, "organisation").queryset = Organisation.objects.filter(
            pk__in=[
                o.pk for o in organisations if any(permissions.can_manage_person(by, o, r) for r in roles)
            ]
        )
        model_choice(self, "organisation").empty_label = CHOOSE
        self.fields["organisation"].required = True
        self.fields["organisation"].error_messages["invalid_choice"] = _(
            "Choose one of your own party's organisations: the city's people are added by the city, "
            "the police's by the police (or an administrator)."
        )
        self.fields["role"].choices = permissions.assignable_roles(by)

    def validate_unique(self) -> None:
        """The service says a user name is taken, in the page's words."""


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, by, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The roles `by` may give someone of `organisation` that fit it (no police
        # contact offered for the city's people, no district coordinator for the police's).
        self.fields["role"].choices = [
            (role, label)
            for role, label in permissions.assignable_roles(by)
            if organisation is None
            or (
                permissions.can_manage_person(by, organisation, role)
                and permissions.role_fits(role, organisation)
            )
        ]


class LocalGroupForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["name", "mandate"]
        widgets = {"mandate": forms.Textarea(attrs={"rows": 3})}


class SeatForm(forms.ModelForm):
    class Meta:
        model = Seat
        fields = ["organisation", "role_title", "count", "is_chair"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "organisation").queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        model_choice(self, "organisation").empty_label = CHOOSE
