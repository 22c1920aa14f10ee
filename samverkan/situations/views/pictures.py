"""Situation pictures and each party's own: problems, evidence, submission."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.accounts.services import district_shown
from samverkan.accounts.tenancy import require_municipality
from samverkan.agreements.models import Scope
from samverkan.audit.recorder import record_reads
from samverkan.core.forms import errors_as_messages, errors_on
from samverkan.situations import permissions, selectors, services
from samverkan.situations.forms import (
    PartyPictureForm,
    PictureForm,
    ProblemForm,
)
from samverkan.situations.models import SituationPicture
from samverkan.situations.views.access import party_picture_for, picture_for, problem_for
from samverkan.situations.views.pages import evidence_form, joint_page, party_page


def picture_list(request) -> HttpResponse:
    municipality = require_municipality(request)
    agreements = municipality.agreements.select_related("municipality")
    whole = selectors.pictures_cover_whole_municipality(municipality)
    creatable = permissions.agreements_for_new_pictures(
        request.user, [a for a in agreements if a.scope == Scope.LOCAL or whole]
    )
    form = None
    if creatable:
        form = PictureForm(agreements=agreements.filter(pk__in=[a.pk for a in creatable]))
    if request.method == "POST":
        if not creatable:
            raise PermissionDenied
        form = PictureForm(request.POST, agreements=agreements.filter(pk__in=[a.pk for a in creatable]))
        if form.is_valid():
            with errors_on(form):
                picture = services.picture_create(**form.cleaned_data)
            if not form.errors:
                messages.success(request, _("The situation picture was created."))
                return redirect("situations:picture", pk=picture.pk)
    district, districts = district_shown(request)
    shown = SituationPicture.objects.filter(agreement__municipality=municipality)
    if district is not None:
        shown = shown.filter(agreement__area=district)
    pictures = []
    for picture in shown.select_related("agreement__area", "agreement__municipality", "joint"):
        # A reader who may not open the parties' pictures still sees the decided joint analyses.
        readable = permissions.can_view_picture(request.user, picture)
        joint = getattr(picture, "joint", None)
        joint_readable = joint is not None and (readable or permissions.can_view_joint(request.user, joint))
        if readable or joint_readable:
            pictures.append({"picture": picture, "readable": readable, "joint_readable": joint_readable})
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "situations/picture_list.html",
        {"pictures": pictures, "form": form, "district": district, "districts": districts},
        status=status,
    )


def picture_detail(request, pk: int) -> HttpResponse:
    picture = picture_for(request.user, pk)
    rows = []
    parties = selectors.picture_parties(picture)
    for organisation in parties:
        versions = list(picture.party_pictures.filter(organisation=organisation).order_by("number"))
        rows.append(
            {
                "organisation": organisation,
                "versions": [(v, permissions.can_view_party_picture(request.user, v)) for v in versions],
                "can_start": permissions.can_start_party_picture(request.user, picture)
                and request.user.organisation_id == organisation.pk
                and not any(v.is_draft for v in versions),
            }
        )
    return render(
        request,
        "situations/picture_detail.html",
        {"picture": picture, "rows": rows, "joint": getattr(picture, "joint", None)},
    )


@require_POST
def party_picture_start(request, pk: int) -> HttpResponse:
    picture = picture_for(request.user, pk)
    if not permissions.can_start_party_picture(request.user, picture):
        raise PermissionDenied
    party_picture = services.party_picture_start(picture=picture, organisation=request.user.organisation)
    return redirect("situations:party", pk=party_picture.pk)


def party_picture_detail(request, pk: int) -> HttpResponse:
    party_picture = party_picture_for(request.user, pk)
    if party_picture.is_draft:
        # A party's draft is confidential until submitted: its readers are logged.
        record_reads(request.user, [party_picture], why="party draft")
    return party_page(request, party_picture)


@require_POST
def party_picture_update(request, pk: int) -> HttpResponse:
    party_picture = party_picture_for(request.user, pk, edit=True)
    form = PartyPictureForm(request.POST, instance=party_picture)
    if form.is_valid():
        with errors_on(form):
            services.party_picture_update(party_picture=party_picture, **form.cleaned_data)
    if form.errors:
        return party_page(request, party_picture, forms={"details": form}, status=400)
    messages.success(request, _("Saved."))
    return redirect("situations:party", pk=pk)


@require_POST
def problem_add(request, pk: int) -> HttpResponse:
    party_picture = party_picture_for(request.user, pk, edit=True)
    form = ProblemForm(request.POST, picture=party_picture.picture)
    if form.is_valid():
        data = dict(form.cleaned_data)
        with errors_on(form):
            services.problem_add(owner=party_picture, **data)
    if form.errors:
        return party_page(request, party_picture, forms={"problem": form}, status=400)
    messages.success(request, _("The problem was added."))
    return redirect("situations:party", pk=pk)


@require_POST
def evidence_add(request, pk: int) -> HttpResponse:
    problem = problem_for(request.user, pk)
    form = evidence_form(problem, problem.picture, request.POST)
    if form.is_valid():
        area = form.cleaned_data["observation_area"]
        with errors_on(form):
            evidence = services.evidence_add(
                problem=problem,
                source_kind=form.cleaned_data["source_kind"],
                text=form.cleaned_data["text"],
                indicator=form.cleaned_data["indicator"],
                period_kind=form.cleaned_data["period_kind"] or "year",
                selection=area.geometry if area else None,
            )
    if form.errors:
        if problem.party_picture_id:
            return party_page(request, problem.party_picture, forms={"evidence": form}, status=400)
        return joint_page(request, problem.analysis, forms={"evidence": form}, status=400)
    messages.success(request, _("The evidence was attached."))
    if evidence.figures_note:
        messages.info(request, evidence.figures_note)
    if evidence.indicator_id and not evidence.figures.get("rows"):
        messages.warning(
            request,
            _("%(indicator)s has no values for %(area)s up to %(until)s: import the source to show figures.")
            % {
                "indicator": evidence.indicator,
                "area": evidence.indicator_area,
                "until": problem.picture.period_end.isoformat(),
            },
        )
    if problem.party_picture_id:
        return redirect("situations:party", pk=problem.party_picture_id)
    return redirect(f"{reverse('situations:joint', args=[problem.analysis_id])}?step=problems")


@require_POST
def problem_delete(request, pk: int) -> HttpResponse:
    problem = problem_for(request.user, pk)
    if problem.party_picture_id:
        target = ("situations:party", problem.party_picture_id)
    else:
        target = ("situations:joint", problem.analysis_id or 0)
    try:
        services.problem_delete(problem=problem)
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        messages.success(request, _("The problem was removed."))
    return redirect(target[0], pk=target[1])


@require_POST
def party_picture_submit(request, pk: int) -> HttpResponse:
    party_picture = party_picture_for(request.user, pk, edit=True)
    try:
        analysis = services.party_picture_submit(party_picture=party_picture, user=request.user)
    except ValidationError as error:
        errors_as_messages(request, error)
        return redirect("situations:party", pk=pk)
    if analysis is not None:
        messages.success(request, _("Submitted. Both parties have submitted: the joint analysis is open."))
    else:
        messages.success(request, _("Submitted. The other party will see it once it has submitted too."))
    return redirect("situations:picture", pk=party_picture.picture_id)
