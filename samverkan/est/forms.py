import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.est.models import ObservationFeedback, QuickMeasure, WeeklyMeeting


class CompileForm(forms.Form):
    day = forms.DateField(
        label=_("A day in the week to compile"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if not dt.date(2000, 1, 1) <= day <= timezone.localdate() + dt.timedelta(days=366):
            raise forms.ValidationError(_("Choose a week between 2000 and next year."))
        return day


class MeetingForm(forms.ModelForm):
    class Meta:
        model = WeeklyMeeting
        fields = ["held_on", "focus", "hotspots", "notes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "focus": forms.Textarea(attrs={"rows": 2}),
            "hotspots": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class QuickMeasureForm(forms.ModelForm):
    class Meta:
        model = QuickMeasure
        fields = ["text", "place", "owner", "due"]
        widgets = {"due": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = ObservationFeedback
        fields = ["outcome", "text"]
        widgets = {"text": forms.TextInput()}
