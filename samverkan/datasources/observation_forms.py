import datetime as dt
import math
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from shapely.geometry import Point, shape

from samverkan.datasources.models import Classification, Observation, ObservationCategory

# The earliest time an observation may be of (EST rounds began long after).
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class ObservationForm(forms.ModelForm):
    class Meta:
        model = Observation
        fields = [
            "category",
            "observed_at",
            "longitude",
            "latitude",
            "address",
            "description",
            "classification",
        ]
        widgets = {
            "category": forms.RadioSelect,
            "observed_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "longitude": forms.HiddenInput,
            "latitude": forms.HiddenInput,
            "description": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
            "classification": forms.RadioSelect,
        }
        help_texts = {
            "address": _("If you do not mark the place on the map: a street address or a place name."),
            "description": _("What you saw at the place. Never names or other details of people."),
            "classification": _(
                "Restricted observations stay out of the EST weekly picture, the indicators and other "
                "joint products."
            ),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["category"].queryset = ObservationCategory.objects.filter(
            municipality=municipality, active=True
        )
        self.fields["category"].empty_label = None
        self.fields["observed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["observed_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        # Open unless the reporter restricts it.
        self.fields["classification"].required = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["classification"] = data.get("classification") or Classification.OPEN
        has_point = data.get("longitude") is not None and data.get("latitude") is not None
        if not has_point and not (data.get("address") or "").strip():
            raise forms.ValidationError(_("Mark the place on the map or write an address or place name."))
        if has_point:
            self._inside(data["longitude"], data["latitude"])
        observed_at = data.get("observed_at")
        if observed_at is not None and not (
            EARLIEST <= observed_at <= timezone.now() + dt.timedelta(hours=1)
        ):
            self.add_error(
                "observed_at", _("An observation is of something seen: give a time from 2000 up to now.")
            )
        return data

    def _inside(self, longitude: float, latitude: float) -> None:
        """A marked place is a place in the municipality, in degrees."""
        if not (math.isfinite(longitude) and math.isfinite(latitude)) or not (
            -180 <= longitude <= 180 and -90 <= latitude <= 90
        ):
            raise forms.ValidationError(_("The marked place is not a position on the map; mark it again."))
        outline = self.municipality.geometry
        if outline and not shape(outline).covers(Point(longitude, latitude)):
            raise forms.ValidationError(
                _(
                    "The marked place is outside %(municipality)s. Mark a place inside the municipality, "
                    "or write an address or place name instead."
                )
                % {"municipality": self.municipality}
            )
