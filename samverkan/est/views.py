import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.accounts.tenancy import require_municipality
from samverkan.core.forms import errors_as_messages, errors_on
from samverkan.datasources.models import Observation
from samverkan.est import permissions, services
from samverkan.est.compile import summarise
from samverkan.est.forms import CompileForm, FeedbackForm, MeetingForm, QuickMeasureForm
from samverkan.est.models import EstGroup, QuickMeasure, WeeklyPicture
from samverkan.indicators.models import PeriodKind
from samverkan.indicators.periods import mondays, period_end


def _group_for(user, pk, *, edit=False) -> EstGroup:
    group = get_object_or_404(EstGroup.objects.select_related("area__municipality"), pk=pk)
    allowed = permissions.can_edit_est(user, group) if edit else permissions.can_view_est(user, group)
    if not allowed:
        raise PermissionDenied
    return group


def _week_for(user, pk, *, edit=False) -> WeeklyPicture:
    picture = get_object_or_404(WeeklyPicture.objects.select_related("group__area__municipality"), pk=pk)
    _group_for(user, picture.group_id, edit=edit)
    return picture


def group_list(request) -> HttpResponse:
    municipality = require_municipality(request)
    groups = [
        g
        for g in EstGroup.objects.filter(area__municipality=municipality).select_related("area")
        if permissions.can_view_est(request.user, g)
    ]
    return render(request, "est/group_list.html", {"groups": groups})


def group_detail(request, pk: int) -> HttpResponse:
    group = _group_for(request.user, pk)
    can_edit = permissions.can_edit_est(request.user, group)
    form = CompileForm() if can_edit else None
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = CompileForm(request.POST)
        if form.is_valid():
            with errors_on(form):
                picture = services.weekly_picture_compile(group=group, week_start=form.cleaned_data["day"])
            if not form.errors:
                messages.success(request, _("The week was compiled."))
                return redirect("est:week", pk=picture.pk)
        status = 400
    return render(
        request,
        "est/group_detail.html",
        {"group": group, "pictures": group.weekly_pictures.all(), "form": form, "can_edit": can_edit},
        status=status,
    )


def _week_page(request, picture, *, forms=None, status=200) -> HttpResponse:
    can_edit = permissions.can_edit_est(request.user, picture.group)
    meeting = getattr(picture, "meeting", None)
    forms = forms or {}
    observations = {
        o.pk: o
        for o in Observation.objects.filter(
            pk__in=[i["observation"] for i in picture.content.get("items", [])]
        ).select_related("feedback")
    }
    items = []
    for item in picture.content.get("items", []):
        observation = observations.get(item["observation"])
        feedback = getattr(observation, "feedback", None) if observation else None
        form = None
        if can_edit and observation is not None:
            # The refused form of this observation, with its errors, else a fresh one.
            form = forms.get(f"fb-{observation.pk}") or FeedbackForm(
                instance=feedback, prefix=f"fb-{observation.pk}"
            )
        items.append({**item, "feedback": feedback, "form": form, "exists": observation is not None})
    if can_edit:
        forms.setdefault("meeting", MeetingForm(instance=meeting, initial={"held_on": timezone.localdate()}))
        if meeting is not None:
            forms.setdefault("measure", QuickMeasureForm(owners=picture.group.recipients.all()))
    history = list(picture.group.weekly_pictures.filter(week_start__lt=picture.week_start)[:4])
    return render(
        request,
        "est/week.html",
        {
            "picture": picture,
            "group": picture.group,
            "content": picture.content,
            "meeting": meeting,
            "items": items,
            "forms": forms,
            "can_edit": can_edit,
            "history": history,
            "statuses": QuickMeasure.Status.choices,
        },
        status=status,
    )


def week_detail(request, pk: int) -> HttpResponse:
    return _week_page(request, _week_for(request.user, pk))


@require_POST
def week_send(request, pk: int) -> HttpResponse:
    picture = _week_for(request.user, pk, edit=True)
    try:
        count = services.weekly_picture_send(
            picture=picture, base_url=request.build_absolute_uri(reverse("est:week", args=[pk]))
        )
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        messages.success(request, _("Sent to %(n)s people.") % {"n": count})
    return redirect("est:week", pk=pk)


@require_POST
def meeting_record(request, pk: int) -> HttpResponse:
    picture = _week_for(request.user, pk, edit=True)
    form = MeetingForm(request.POST, instance=getattr(picture, "meeting", None))
    if form.is_valid():
        with errors_on(form):
            services.meeting_record(picture=picture, user=request.user, **form.cleaned_data)
    if form.errors:
        return _week_page(request, picture, forms={"meeting": form}, status=400)
    messages.success(request, _("The meeting was recorded."))
    return redirect("est:week", pk=pk)


@require_POST
def quick_measure_add(request, pk: int) -> HttpResponse:
    picture = _week_for(request.user, pk, edit=True)
    meeting = getattr(picture, "meeting", None)
    if meeting is None:
        messages.error(request, _("Record the meeting first."))
        return redirect("est:week", pk=pk)
    form = QuickMeasureForm(request.POST, owners=picture.group.recipients.all())
    if form.is_valid():
        with errors_on(form):
            services.quick_measure_add(meeting=meeting, **form.cleaned_data)
    if form.errors:
        return _week_page(request, picture, forms={"measure": form}, status=400)
    messages.success(request, _("The quick measure was added."))
    return redirect("est:week", pk=pk)


@require_POST
def quick_measure_status(request, pk: int) -> HttpResponse:
    measure = get_object_or_404(QuickMeasure.objects.select_related("meeting__picture"), pk=pk)
    _group_for(request.user, measure.meeting.picture.group_id, edit=True)
    if request.POST.get("status") not in QuickMeasure.Status.values:
        return redirect("est:week", pk=measure.meeting.picture_id)
    services.quick_measure_set_status(measure=measure, status=request.POST["status"])
    return redirect("est:week", pk=measure.meeting.picture_id)


@require_POST
def feedback_give(request, pk: int, observation: int) -> HttpResponse:
    picture = _week_for(request.user, pk, edit=True)
    if observation not in [i["observation"] for i in picture.content.get("items", [])]:
        raise PermissionDenied
    target = get_object_or_404(Observation, pk=observation)
    form = FeedbackForm(request.POST, prefix=f"fb-{observation}")
    if form.is_valid():
        with errors_on(form):
            services.observation_feedback_give(
                observation=target,
                user=request.user,
                meeting=getattr(picture, "meeting", None),
                **form.cleaned_data,
            )
    if form.errors:
        return _week_page(request, picture, forms={f"fb-{observation}": form}, status=400)
    messages.success(request, _("The reporter can now see what became of the observation."))
    return redirect("est:week", pk=pk)


def summary(request, pk: int) -> HttpResponse:
    group = _group_for(request.user, pk)
    kind = request.GET.get("period", PeriodKind.MONTH)
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
        number = int(request.GET.get("n", timezone.localdate().month if kind == PeriodKind.MONTH else 1))
        if kind == PeriodKind.TERTIAL:
            if not 1 <= number <= 3:
                raise ValueError
            start = dt.date(year, 4 * number - 3, 1)
        elif kind == PeriodKind.MONTH:
            start = dt.date(year, number, 1)
        else:
            raise ValueError
        end = period_end(kind, start) + dt.timedelta(days=1)
    except (ValueError, OverflowError):  # not a number, or a year no calendar has
        return render(request, "est/summary.html", {"group": group, "error": True}, status=400)
    pictures = list(
        group.weekly_pictures.filter(week_start__gte=start, week_start__lt=end)
        .select_related("meeting")
        .prefetch_related("meeting__quick_measures")
        .order_by("week_start")
    )
    return render(
        request,
        "est/summary.html",
        {
            "group": group,
            "kind": kind,
            "start": start,
            "end": end - dt.timedelta(days=1),
            "pictures": pictures,
            "summary": summarise(pictures),
            "statuses": dict(QuickMeasure.Status.choices),
            # The weeks whose Monday falls in the period, and whether any is missing or not over.
            "weeks_in_period": len(mondays(start, end)),
            "not_over": end > timezone.localdate(),
        },
    )


def my_observations(request) -> HttpResponse:
    require_municipality(request)
    observations = (
        Observation.objects.filter(reported_by=request.user)
        .select_related("category", "area", "feedback")
        .order_by("-observed_at")[:200]
    )
    return render(request, "est/my_observations.html", {"observations": observations})
