from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.accounts import permissions
from samverkan.audit.recorder import record_reads
from samverkan.core.forms import errors_as_messages, errors_on_form
from samverkan.core.http import download, id_parameter, require_municipality
from samverkan.governance.models import Body
from samverkan.situations import exports, selectors, services, snapshots
from samverkan.situations.forms import (
    CauseForm,
    DecisionForm,
    EvidenceForm,
    MergeForm,
    PartyPictureForm,
    PictureForm,
    ProblemForm,
    ScoresForm,
    VersionForm,
)
from samverkan.situations.models import (
    Cause,
    JointAnalysis,
    JointVersion,
    PartyPicture,
    Problem,
    SituationPicture,
)
from samverkan.situations.presentation import cause_fishbone, evidence_chart


def _picture_for(user, pk) -> SituationPicture:
    picture = get_object_or_404(SituationPicture.objects.select_related("agreement__municipality"), pk=pk)
    if not permissions.can_view_picture(user, picture):
        raise PermissionDenied
    return picture


def _party_picture_for(user, pk, *, edit=False) -> PartyPicture:
    party_picture = get_object_or_404(
        PartyPicture.objects.select_related("picture__agreement__municipality", "organisation"), pk=pk
    )
    allowed = (
        permissions.can_edit_party_picture(user, party_picture)
        if edit
        else permissions.can_view_party_picture(user, party_picture)
    )
    if not allowed:
        raise PermissionDenied
    return party_picture


def _analysis_for(user, pk, *, edit=False, decide=False) -> JointAnalysis:
    analysis = get_object_or_404(
        JointAnalysis.objects.select_related("picture__agreement__municipality"), pk=pk
    )
    if decide:
        allowed = permissions.can_record_decision(user, analysis)
    elif edit:
        allowed = permissions.can_edit_joint(user, analysis)
    else:
        allowed = permissions.can_view_joint(user, analysis)
    if not allowed:
        raise PermissionDenied
    return analysis


def _problem_for(user, pk) -> Problem:
    """A problem the user may change: in its own party's draft, or in a joint
    analysis the user edits."""
    problem = get_object_or_404(Problem.objects.select_related("party_picture", "analysis"), pk=pk)
    if problem.party_picture_id:
        _party_picture_for(user, problem.party_picture_id, edit=True)
    else:
        _analysis_for(user, problem.analysis_id, edit=True)
    return problem


def picture_list(request):
    municipality = require_municipality(request)
    agreements = municipality.agreements.all()
    creatable = [
        a for a in agreements if a.scope == "local" and permissions.can_create_picture(request.user, a)
    ]
    form = None
    if creatable:
        form = PictureForm(agreements=agreements.filter(pk__in=[a.pk for a in creatable]))
    if request.method == "POST":
        if not creatable:
            raise PermissionDenied
        form = PictureForm(request.POST, agreements=agreements.filter(pk__in=[a.pk for a in creatable]))
        if form.is_valid():
            try:
                picture = services.picture_create(**form.cleaned_data)
            except ValidationError as error:
                errors_on_form(form, error)
            else:
                messages.success(request, _("The situation picture was created."))
                return redirect("situations:picture", pk=picture.pk)
    pictures = permissions.visible_pictures(request.user, municipality)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "situations/picture_list.html", {"pictures": pictures, "form": form}, status=status
    )


def picture_detail(request, pk: int):
    picture = _picture_for(request.user, pk)
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
def party_picture_start(request, pk: int):
    picture = _picture_for(request.user, pk)
    if not permissions.can_start_party_picture(request.user, picture):
        raise PermissionDenied
    party_picture = services.party_picture_start(picture=picture, organisation=request.user.organisation)
    return redirect("situations:party", pk=party_picture.pk)


def _evidence_form(problem, municipality, data=None):
    # One form per problem, so field ids stay unique on the page.
    return EvidenceForm(data, municipality=municipality, prefix=f"evidence-{problem.pk}")


def _decorate(problems, picture, forms) -> None:
    """Charts for the evidence, and (for editors) an evidence form per problem."""
    failed = (forms or {}).get("evidence")
    for problem in problems:
        for evidence in problem.evidence.all():
            evidence.chart = evidence_chart(evidence)
        if forms is not None:
            same = failed is not None and failed.prefix == f"evidence-{problem.pk}"
            problem.evidence_form = failed if same else _evidence_form(problem, picture.municipality)


def _party_page(request, party_picture, *, forms=None, status=200):
    can_edit = permissions.can_edit_party_picture(request.user, party_picture)
    forms = forms or {}
    picture = party_picture.picture
    if can_edit:
        forms.setdefault("details", PartyPictureForm(instance=party_picture))
        forms.setdefault("problem", ProblemForm(picture=picture))
    problems = party_picture.problems.prefetch_related(
        "priority_areas", "categories", "evidence"
    ).select_related("area")
    _decorate(problems, picture, forms if can_edit else None)
    return render(
        request,
        "situations/party_picture.html",
        {
            "party": party_picture,
            "picture": picture,
            "problems": problems,
            "can_edit": can_edit,
            "forms": forms,
        },
        status=status,
    )


def party_picture_detail(request, pk: int):
    party_picture = _party_picture_for(request.user, pk)
    if party_picture.is_draft:
        # A party's draft is confidential until submitted: its readers are logged.
        record_reads(request.user, [party_picture], why="party draft")
    return _party_page(request, party_picture)


@require_POST
def party_picture_update(request, pk: int):
    party_picture = _party_picture_for(request.user, pk, edit=True)
    form = PartyPictureForm(request.POST, instance=party_picture)
    if form.is_valid():
        try:
            services.party_picture_update(party_picture=party_picture, **form.cleaned_data)
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _party_page(request, party_picture, forms={"details": form}, status=400)
    messages.success(request, _("Saved."))
    return redirect("situations:party", pk=pk)


@require_POST
def problem_add(request, pk: int):
    party_picture = _party_picture_for(request.user, pk, edit=True)
    form = ProblemForm(request.POST, picture=party_picture.picture)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.problem_add(owner=party_picture, **data)
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _party_page(request, party_picture, forms={"problem": form}, status=400)
    messages.success(request, _("The problem was added."))
    return redirect("situations:party", pk=pk)


@require_POST
def evidence_add(request, pk: int):
    problem = _problem_for(request.user, pk)
    owner = problem.party_picture or problem.analysis
    form = _evidence_form(problem, owner.picture.municipality, request.POST)
    if form.is_valid():
        area = form.cleaned_data["observation_area"]
        try:
            services.evidence_add(
                problem=problem,
                source_kind=form.cleaned_data["source_kind"],
                text=form.cleaned_data["text"],
                indicator=form.cleaned_data["indicator"],
                period_kind=form.cleaned_data["period_kind"] or "year",
                selection=area.geometry if area else None,
            )
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        if problem.party_picture_id:
            return _party_page(request, problem.party_picture, forms={"evidence": form}, status=400)
        return _joint_page(request, problem.analysis, forms={"evidence": form}, status=400)
    messages.success(request, _("The evidence was attached."))
    if problem.party_picture_id:
        return redirect("situations:party", pk=problem.party_picture_id)
    return redirect("situations:joint", pk=problem.analysis_id)


@require_POST
def problem_delete(request, pk: int):
    problem = _problem_for(request.user, pk)
    target = ("situations:party", problem.party_picture_id) if problem.party_picture_id else None
    target = target or ("situations:joint", problem.analysis_id)
    try:
        services.problem_delete(problem=problem)
    except ValidationError as error:
        errors_as_messages(request, error)
    else:
        messages.success(request, _("The problem was removed."))
    return redirect(target[0], pk=target[1])


@require_POST
def party_picture_submit(request, pk: int):
    party_picture = _party_picture_for(request.user, pk, edit=True)
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


def _joint_page(request, analysis, *, forms=None, status=200):
    can_edit = permissions.can_edit_joint(request.user, analysis)
    can_decide = permissions.can_record_decision(request.user, analysis)
    by_score = selectors.ranking(analysis)
    # Adopted priorities first, in the steering group's order; then by score.
    ranked = sorted(by_score, key=lambda r: (r.problem.rank is None, r.problem.rank or 0))
    problems = [r.problem for r in ranked]
    forms = forms or {}
    if can_edit:
        forms.setdefault("merge", MergeForm(analysis=analysis))
        forms.setdefault("scores", ScoresForm(problems=problems))
        forms.setdefault("version", VersionForm())
    if can_decide:
        forms.setdefault(
            "decision",
            DecisionForm(
                analysis=analysis,
                bodies=Body.objects.filter(municipality=analysis.picture.municipality),
                initial={"problems": [r.problem.pk for r in by_score if r.total > 0][:3]},
            ),
        )
    city = analysis.city_picture
    police = analysis.police_picture
    _decorate(problems, analysis.picture, forms if can_edit else None)
    for row in ranked:
        row.fishbone = cause_fishbone(row.problem) if row.problem.causes.exists() else ""
    versions = list(analysis.versions.order_by("-number"))
    return render(
        request,
        "situations/joint.html",
        {
            "analysis": analysis,
            "picture": analysis.picture,
            "ranked": ranked,
            "sides": [
                (city, city.problems.all()),
                (police, police.problems.all()),
            ],
            "coverage": selectors.joint_coverage(analysis),
            "decision": analysis.adopted_decision,
            "can_edit": can_edit,
            "can_decide": can_decide,
            "forms": forms,
            "versions": versions,
            "criteria": selectors.CRITERIA,
        },
        status=status,
    )


def joint_detail(request, pk: int):
    return _joint_page(request, _analysis_for(request.user, pk))


@require_POST
def joint_merge(request, pk: int):
    analysis = _analysis_for(request.user, pk, edit=True)
    form = MergeForm(request.POST, analysis=analysis)
    if form.is_valid():
        try:
            services.joint_problems_merge(keep=form.cleaned_data["keep"], other=form.cleaned_data["other"])
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _joint_page(request, analysis, forms={"merge": form}, status=400)
    messages.success(request, _("The problems were merged; both parties' observations are kept."))
    return redirect("situations:joint", pk=pk)


@require_POST
def joint_scores(request, pk: int):
    analysis = _analysis_for(request.user, pk, edit=True)
    problems = list(analysis.problems.prefetch_related("scores"))
    form = ScoresForm(request.POST, problems=problems)
    if form.is_valid():
        try:
            services.scores_save(analysis=analysis, scores=form.scores())
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _joint_page(request, analysis, forms={"scores": form}, status=400)
    messages.success(request, _("The prioritisation matrix was saved."))
    return redirect("situations:joint", pk=pk)


@require_POST
def joint_decision(request, pk: int):
    analysis = _analysis_for(request.user, pk, decide=True)
    form = DecisionForm(
        request.POST,
        analysis=analysis,
        bodies=Body.objects.filter(municipality=analysis.picture.municipality),
    )
    if form.is_valid():
        order = {r.problem.pk: i for i, r in enumerate(selectors.ranking(analysis))}
        chosen = sorted(form.cleaned_data["problems"], key=lambda p: order[p.pk])
        try:
            services.decision_record(
                analysis=analysis,
                body=form.cleaned_data["body"],
                decided_on=form.cleaned_data["decided_on"],
                minutes_reference=form.cleaned_data["minutes_reference"],
                problems=chosen,
                user=request.user,
            )
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _joint_page(request, analysis, forms={"decision": form}, status=400)
    messages.success(request, _("The decision was recorded."))
    return redirect("situations:joint", pk=pk)


@require_POST
def joint_version_save(request, pk: int):
    analysis = _analysis_for(request.user, pk, edit=True)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            version = services.joint_version_save(
                analysis=analysis, note=form.cleaned_data["note"], user=request.user
            )
        except ValidationError as error:
            errors_on_form(form, error)
    if form.errors:
        return _joint_page(request, analysis, forms={"version": form}, status=400)
    messages.success(request, _("Version %(n)s was saved.") % {"n": version.number})
    return redirect("situations:joint", pk=pk)


def joint_diff(request, pk: int):
    analysis = _analysis_for(request.user, pk)
    versions = {v.number: v for v in analysis.versions.all()}

    def pick(name, default):
        value = request.GET.get(name, default)
        if value == "current":
            return _("Current state"), snapshots.snapshot(analysis)
        try:
            version = versions[int(value)]
        except (KeyError, TypeError, ValueError):
            return None, None
        return _("Version %(n)s") % {"n": version.number}, version.content

    newest = max(versions) if versions else None
    old_label, old = pick("from", newest)
    new_label, new = pick("to", "current")
    if old is None or new is None:
        return render(
            request,
            "situations/diff.html",
            {
                "analysis": analysis,
                "picture": analysis.picture,
                "versions": versions.values(),
                "changes": None,
            },
            status=400 if request.GET else 200,
        )
    return render(
        request,
        "situations/diff.html",
        {
            "analysis": analysis,
            "picture": analysis.picture,
            "versions": sorted(versions.values(), key=lambda v: v.number),
            "changes": snapshots.diff(old, new),
            "old_label": old_label,
            "new_label": new_label,
        },
    )


def causes(request, pk: int):
    problem = get_object_or_404(
        Problem.objects.select_related("analysis__picture"), pk=pk, analysis__isnull=False
    )
    analysis = _analysis_for(request.user, problem.analysis_id)
    can_edit = permissions.can_edit_joint(request.user, analysis)
    form = CauseForm(problem=problem) if can_edit else None
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = CauseForm(request.POST, problem=problem)
        if form.is_valid():
            try:
                services.cause_add(problem=problem, **form.cleaned_data)
            except ValidationError as error:
                errors_on_form(form, error)
            else:
                messages.success(request, _("The cause was added."))
                return redirect("situations:causes", pk=pk)
        status = 400
    return render(
        request,
        "situations/causes.html",
        {
            "problem": problem,
            "analysis": analysis,
            "picture": analysis.picture,
            "fishbone": cause_fishbone(problem),
            "tree": problem.causes.filter(parent__isnull=True).prefetch_related("children__children"),
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )


@require_POST
def cause_delete(request, pk: int):
    cause = get_object_or_404(Cause.objects.select_related("problem"), pk=pk)
    _analysis_for(request.user, cause.problem.analysis_id, edit=True)
    problem_pk = cause.problem_id
    services.cause_delete(cause=cause)
    return redirect("situations:causes", pk=problem_pk)


def joint_export(request, pk: int, fmt: str):
    analysis = _analysis_for(request.user, pk)
    version = id_parameter(request.GET, "version")
    if version is not None:
        version = get_object_or_404(JointVersion, analysis=analysis, number=version)
    content = version.content if version else snapshots.snapshot(analysis)
    name = f"gemensam-lagesbild-{analysis.picture.pk}" + (f"-v{version.number}" if version else "")
    render_as = exports.joint_pdf if fmt == "pdf" else exports.joint_docx
    return download(render_as(analysis, content, version=version), fmt, name)
