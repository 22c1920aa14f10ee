from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.agreements.models import MandatoryCategory, PriorityArea


class LocalPriorityForm(forms.ModelForm):
    class Meta:
        model = PriorityArea
        fields = ["name", "description", "addresses", "categories"]
        widgets = {
            "addresses": forms.CheckboxSelectMultiple,
            "categories": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"name": _("Name of the local priority")}

    def __init__(self, *args, central_versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addresses"].queryset = PriorityArea.objects.filter(version__in=central_versions)
        self.fields["categories"].queryset = MandatoryCategory.objects.filter(version__in=central_versions)
        if not self.fields["categories"].queryset.exists():
            del self.fields["categories"]
