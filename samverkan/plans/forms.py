import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samverkan.agreements.models import Goal, PriorityArea
from samverkan.core.forms import choice, model_choice
from samverkan.governance.models import Body
from samverkan.governance.selectors import deciding_bodies
from samverkan.indicators.models import Indicator
from samverkan.organisations.models import Area, AreaKind, Organisation
from samverkan.organisations.selectors import area_choices
from samverkan.plans.models import (
    ActionPlan,
    Communication,
    Direction,
    FollowUpDuty,
    Measure,
    MeasureKind,
    MeasureStatus,
)
from samverkan.plans.selectors import plan_goals, plan_parties
from samverkan.situations.models import Cause, Problem

CHOOSE = _("Choose…")
DATE = {"type": "date"}


class PlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["agreement", "priority_area", "year", "title", "purpose", "goals", "analysis"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3}), "goals": forms.CheckboxSelectMultiple}

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "agreement").queryset = agreements
        model_choice(self, "priority_area").queryset = PriorityArea.objects.filter(
            version__agreement__in=agreements
        ).select_related("version__agreement")
        model_choice(self, "priority_area").label_from_instance = lambda a: (
            f"{a.name} ({a.version.agreement})"
        )
        model_choice(self, "goals").queryset = Goal.objects.filter(
            Q(priority_area__version__agreement__in=agreements)
            | Q(priority_area__addressed_by__version__agreement__in=agreements)
        ).distinct()
        self.fields["goals"].required = False
        model_choice(self, "analysis").queryset = (
            self.fields["analysis"]
            .queryset.filter(picture__agreement__in=agreements)
            .select_related("picture")
        )
        for name in ("agreement", "priority_area", "analysis"):
            model_choice(self, name).empty_label = CHOOSE


class CauseChoices(forms.ModelMultipleChoiceField[Cause]):
    def label_from_instance(self, obj: Cause) -> str:
        return f"{obj.problem.title}: {obj.text}"


class MeasureForm(forms.ModelForm):
    owners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Responsible"),
        help_text=_("More than one means the measure is run jointly."),
    )
    causes = CauseChoices(
        queryset=Cause.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Causes addressed"),
    )

    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "kind",
            "order",
            "goal",
            "problem",
            "area",
            "place",
            "start",
            "end",
            "expected_effect",
            "status",
            "weight",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start": forms.DateInput(attrs=DATE),
            "end": forms.DateInput(attrs=DATE),
        }

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = plan.municipality
        model_choice(self, "kind").queryset = MeasureKind.objects.filter(municipality=municipality)
        goals, borrowed = plan_goals(plan)
        model_choice(self, "goal").queryset = goals
        if borrowed:
            self.fields["goal"].help_text = _(
                "The local agreement states no goals for this priority area: the overarching "
                "agreement's goals for it are offered."
            )
        problems = (
            Problem.objects.filter(analysis=plan.analysis) if plan.analysis_id else Problem.objects.none()
        )
        model_choice(self, "problem").queryset = problems.order_by("rank", "order")
        model_choice(self, "causes").queryset = Cause.objects.filter(problem__in=problems).select_related(
            "problem"
        )
        areas, grouped = area_choices(
            municipality,
            district=plan.agreement.area,
            start=dt.date(plan.year, 1, 1),
            end=dt.date(plan.year, 12, 31),
        )
        model_choice(self, "area").queryset = areas
        parties = plan_parties(plan)
        model_choice(self, "owners").queryset = Organisation.objects.filter(
            municipality=municipality
        ).order_by("kind", "name")
        if not self.instance.pk:
            self.fields["owners"].initial = [o.pk for o in parties]
        else:
            self.fields["owners"].initial = list(self.instance.owners.values_list("pk", flat=True))
            self.fields["causes"].initial = list(self.instance.causes.values_list("pk", flat=True))
        for name in ("kind", "goal", "problem", "area"):
            model_choice(self, name).empty_label = CHOOSE
        model_choice(self, "area").choices = [("", CHOOSE), *grouped]
        self.fields["order"].required = False


class MeasureIndicatorForm(forms.Form):
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(), label=_("Indicator"), empty_label=CHOOSE
    )
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Area"), empty_label=CHOOSE)
    baseline = forms.FloatField(
        required=False,
        label=_("Baseline"),
        help_text=_("Empty: the last complete yearly value before the plan's year. Shares in per cent."),
    )
    target = forms.FloatField(label=_("Target"), help_text=_("In the indicator's unit; shares in per cent."))
    direction = forms.ChoiceField(choices=Direction.choices, label=_("Direction"))

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "indicator").queryset = Indicator.objects.filter(municipality=plan.municipality)
        model_choice(self, "area").queryset = (
            Area.objects.filter(municipality=plan.municipality, kind=AreaKind.DISTRICT)
            .overlapping(dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31))
            .order_by("name")
        )
        if plan.agreement.area_id:
            self.fields["area"].initial = plan.agreement.area_id


class DutyForm(forms.ModelForm):
    class Meta:
        model = FollowUpDuty
        fields = ["organisation", "subject", "frequency", "recipients"]
        widgets = {"recipients": forms.CheckboxSelectMultiple}

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "organisation").queryset = Organisation.objects.filter(
            municipality=plan.municipality
        )
        model_choice(self, "organisation").empty_label = CHOOSE
        model_choice(self, "recipients").queryset = Body.objects.filter(municipality=plan.municipality)


class AdoptForm(forms.Form):
    body = forms.ModelChoiceField(queryset=Body.objects.none(), label=_("Decided by"), empty_label=CHOOSE)
    decided_on = forms.DateField(label=_("Decision date"), widget=forms.DateInput(attrs=DATE))
    minutes_reference = forms.CharField(max_length=120, required=False, label=_("Minutes reference"))

    def __init__(self, *args, plan: ActionPlan, body=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "body").queryset = deciding_bodies(plan.agreement)
        if body is not None:
            self.fields["body"].initial = body.pk


class ReportForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))
    tertial = forms.TypedChoiceField(
        choices=[("", _("On demand")), ("1", "1"), ("2", "2"), ("3", "3")],
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Tertial"),
    )
    as_of = forms.DateField(
        required=False,
        label=_("As of"),
        widget=forms.DateInput(attrs=DATE),
        help_text=_("Only for a follow-up on demand."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("tertial") is None and not data.get("as_of"):
            raise forms.ValidationError(_("Choose a tertial or give the date of the follow-up."))
        return data


class ProgressForm(forms.Form):
    status = forms.ChoiceField(choices=MeasureStatus.choices, label=_("Status"))
    percent = forms.IntegerField(min_value=0, max_value=100, label=_("Progress (%)"))
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Comment"))


class NarrativeForm(forms.Form):
    narrative = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), label=_("Narrative")
    )


class OverrideForm(forms.Form):
    target = forms.ChoiceField(label=_("Goal or priority area"))
    percent = forms.IntegerField(min_value=0, max_value=100, label=_("Progress (%)"))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"))

    def __init__(self, *args, rollup: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for area in rollup:
            if area["id"]:
                choices.append((f"area-{area['id']}", area["name"]))
            for goal in area["goals"]:
                if goal["id"]:
                    choices.append((f"goal-{goal['id']}", f"– {goal['name']}"))
        choice(self, "target").choices = [("", CHOOSE), *choices]


class AnnualForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))
    next_year_plan = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("Plan for the coming year")
    )


class CommunicationForm(forms.ModelForm):
    class Meta:
        model = Communication
        fields = ["agreement", "kind", "plan", "year", "title", "text", "measures"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5}), "measures": forms.CheckboxSelectMultiple}

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "agreement").queryset = agreements
        model_choice(self, "plan").queryset = ActionPlan.objects.filter(agreement__in=agreements)
        model_choice(self, "measures").queryset = Measure.objects.filter(
            plan__agreement__in=agreements
        ).select_related("plan")
        self.fields["measures"].required = False
        for name in ("agreement", "plan"):
            model_choice(self, name).empty_label = CHOOSE

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        agreement, plan = data.get("agreement"), data.get("plan")
        if agreement and plan and plan.agreement_id != agreement.pk:
            raise forms.ValidationError(_("The action plan must belong to the agreement."))
        if agreement and any(m.plan.agreement_id != agreement.pk for m in data.get("measures") or []):
            raise forms.ValidationError(_("The measures must belong to the agreement's plans."))
        return data
