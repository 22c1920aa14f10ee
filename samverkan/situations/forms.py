from typing import Any

from django import forms
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from samverkan.agreements.models import Agreement, MandatoryCategory, Scope
from samverkan.core.forms import model_choice
from samverkan.core.personal_data import no_personal_identity_number
from samverkan.governance.models import Body
from samverkan.indicators.models import Indicator, PeriodKind
from samverkan.organisations.models import Area
from samverkan.situations.models import (
    Branch,
    Cause,
    Confidence,
    Criterion,
    EvidenceSource,
    PartyPicture,
    Problem,
)
from samverkan.situations.selectors import mandatory_categories, picture_areas, selectable_priority_areas

CHOOSE = _("Choose…")


class PictureForm(forms.Form):
    agreement = forms.ModelChoiceField(queryset=Agreement.objects.none(), label=_("Local agreement"))
    title = forms.CharField(max_length=200, label=_("Title"))
    period_start = forms.DateField(label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        # The districts' local agreements; for a municipality without districts, its own agreement.
        self.fields["agreement"].queryset = agreements
        self.fields["agreement"].empty_label = CHOOSE
        if not agreements.filter(scope=Scope.LOCAL).exists():
            self.fields["agreement"].label = _("Agreement")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            raise forms.ValidationError(_("The period cannot end before it starts."))
        return data


class PartyPictureForm(forms.ModelForm):
    class Meta:
        model = PartyPicture
        fields = ["summary", "sources_used", "sources_left_out"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["title", "place", "area", "times", "situation", "priority_areas", "categories"]
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 3}),
            "priority_areas": forms.CheckboxSelectMultiple,
            "categories": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, picture, **kwargs):
        super().__init__(*args, **kwargs)
        queryset, grouped = picture_areas(picture)
        area = model_choice(self, "area")
        area.queryset = queryset
        area.choices = [("", CHOOSE), *grouped]
        areas = selectable_priority_areas(picture)
        self.fields["priority_areas"].queryset = self.fields["priority_areas"].queryset.filter(
            pk__in=[a.pk for a in areas]
        )
        self.fields["priority_areas"].label_from_instance = lambda a: (
            f"{a.name} ({_('local priority')})" if a.is_local_priority else a.name
        )
        categories = mandatory_categories(areas)
        if categories:
            self.fields["categories"].queryset = MandatoryCategory.objects.filter(
                pk__in=[c.pk for c in categories]
            )
        else:
            del self.fields["categories"]


class EvidenceForm(forms.Form):
    source_kind = forms.ChoiceField(choices=EvidenceSource.choices, label=_("Kind of source"))
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("What it shows"), max_length=2000
    )
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(), required=False, label=_("Indicator (figures are copied in)")
    )
    observation_area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label=_("Or: observations within an area of the map"),
        help_text=_("The observations of the picture's period inside the area are counted per category."),
    )
    period_kind = forms.ChoiceField(
        choices=[(PeriodKind.YEAR, PeriodKind.YEAR.label), (PeriodKind.TERTIAL, PeriodKind.TERTIAL.label)],
        label=_("Period"),
        required=False,
    )

    def __init__(self, *args, municipality, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(municipality=municipality)
        self.fields["indicator"].empty_label = _("None: the text is the evidence")
        queryset, grouped = areas
        observation_area = model_choice(self, "observation_area")
        observation_area.queryset = queryset
        observation_area.choices = [("", _("None")), *grouped]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("indicator") and data.get("observation_area"):
            raise forms.ValidationError(_("Choose an indicator or an area of the map, not both."))
        return data

    def clean_text(self):
        text = self.cleaned_data["text"]
        no_personal_identity_number(text)
        return text


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(queryset=Problem.objects.none(), label=_("Keep"))
    other = forms.ModelChoiceField(queryset=Problem.objects.none(), label=_("Merge into it"))

    def __init__(self, *args, analysis, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = self.fields["other"].queryset = analysis.problems.all()
        self.fields["keep"].empty_label = self.fields["other"].empty_label = CHOOSE

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("keep") and data.get("keep") == data.get("other"):
            raise forms.ValidationError(_("Choose two different problems."))
        return data


class ScoresForm(forms.Form):
    def __init__(self, *args, problems, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems = problems
        for problem in problems:
            current = {s.criterion: s.score for s in problem.scores.all()}
            for criterion in Criterion:
                self.fields[f"s-{problem.pk}-{criterion.value}"] = forms.TypedChoiceField(
                    choices=[(i, str(i)) for i in range(4)],
                    coerce=int,
                    initial=current.get(criterion.value, 0),
                    label=f"{criterion.label}: {problem.title}",
                )

    def matrix(self):
        """[(problem, [bound field per criterion])] for a table."""
        return [(p, [self[f"s-{p.pk}-{c.value}"] for c in Criterion]) for p in self.problems]

    def scores(self) -> dict[int, dict[str, int]]:
        result: dict[int, dict[str, int]] = {}
        for name, value in self.cleaned_data.items():
            _s, pk, criterion = name.split("-", 2)
            result.setdefault(int(pk), {})[criterion] = value
        return result


class DecisionForm(forms.Form):
    body = forms.ModelChoiceField(queryset=Body.objects.none(), label=_("Decided by"))
    decided_on = forms.DateField(label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes_reference = forms.CharField(max_length=120, required=False, label=_("Minutes reference"))
    problems = forms.ModelMultipleChoiceField(
        queryset=Problem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Prioritised problems, ranked by their total score (highest first)"),
        help_text=_(
            "The decision ranks the problems you tick in the order shown here, unless you give "
            "each of them its place below."
        ),
    )

    def __init__(self, *args, analysis, bodies, by_score, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["body"].empty_label = CHOOSE
        self.by_score = list(by_score)
        # Offered in the order the decision will rank them: by score.
        place = Case(
            *[When(pk=pk, then=Value(i)) for i, pk in enumerate(by_score)], default=Value(len(by_score))
        )
        problems = list(analysis.problems.order_by(place, "pk"))
        self.fields["problems"].queryset = analysis.problems.order_by(place, "pk")
        # A decision may order them otherwise than the scores do: a place for each.
        for problem in problems:
            self.fields[f"place_{problem.pk}"] = forms.IntegerField(
                label=_("Place of “%(title)s” (empty: by score)") % {"title": problem.title},
                required=False,
                min_value=1,
                max_value=len(problems),
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        chosen = self.cleaned_data.get("problems") or []
        places = {
            int(name.removeprefix("place_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("place_") and value is not None
        }
        ticked = {p.pk for p in chosen}
        for pk in places.keys() - ticked:
            self.add_error(f"place_{pk}", _("Tick the problem above too, or leave its place empty."))
        given = [places[p.pk] for p in chosen if p.pk in places]
        if given and len(given) != len(chosen):
            self.add_error(
                None, _("Give every ticked problem a place, or none (then they follow the scores).")
            )
        elif len(set(given)) != len(given):
            self.add_error(None, _("Two ticked problems have the same place."))
        elif given and sorted(given) != list(range(1, len(given) + 1)):
            self.add_error(None, _("Give the ticked problems the places 1 to %(n)s.") % {"n": len(given)})
        return self.cleaned_data

    def ranked(self) -> list[Problem]:
        """The ticked problems in the order decided: the places given, else the scores."""
        chosen = list(self.cleaned_data["problems"])
        if all(self.cleaned_data.get(f"place_{p.pk}") is not None for p in chosen):
            return sorted(chosen, key=lambda p: self.cleaned_data[f"place_{p.pk}"])
        order = {pk: i for i, pk in enumerate(self.by_score)}
        return sorted(chosen, key=lambda p: (order.get(p.pk, len(order)), p.pk))


class CauseForm(forms.ModelForm):
    class Meta:
        model = Cause
        fields = ["branch", "parent", "text", "evidence", "confidence"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, problem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = problem.causes.all()
        self.fields["parent"].required = False
        self.fields["parent"].empty_label = _("None: directly on the branch")
        self.fields["branch"].choices = Branch.choices
        self.fields["confidence"].choices = Confidence.choices


class VersionForm(forms.Form):
    note = forms.CharField(max_length=500, label=_("What changed"), required=False)

    def clean_note(self):
        no_personal_identity_number(self.cleaned_data["note"])
        return self.cleaned_data["note"]
