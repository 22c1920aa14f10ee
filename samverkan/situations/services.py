"""Writes on situation pictures. Each function checks the state it needs
(a submitted picture is frozen, a decision is recorded once) so that no
view or import can get around the rules."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.audit.recorder import recorded_update
from samverkan.core.locking import locked
from samverkan.indicators.models import Indicator
from samverkan.indicators.selectors import indicator_figures
from samverkan.organisations.models import Area, AreaKind
from samverkan.organisations.selectors import district_of
from samverkan.situations import snapshots
from samverkan.situations.models import (
    Cause,
    Evidence,
    EvidenceSource,
    JointAnalysis,
    JointVersion,
    PartyPicture,
    PictureStatus,
    PrioritisationDecision,
    PriorityScore,
    Problem,
    SituationPicture,
)
from samverkan.situations.selectors import both_submitted, problem_parties, selection_figures

PROBLEM_FIELDS = ("title", "place", "area", "times", "situation")


@transaction.atomic
def picture_create(*, agreement, title: str, period_start: dt.date, period_end: dt.date, is_example=False):
    picture = SituationPicture(
        agreement=agreement,
        title=title,
        period_start=period_start,
        period_end=period_end,
        is_example=is_example,
    )
    picture.full_clean()
    picture.save()
    return picture


@transaction.atomic
def party_picture_start(*, picture: SituationPicture, organisation, is_example=False) -> PartyPicture:
    """A party's first draft, or a new draft version of its submitted picture
    carrying over its content (each problem remembers the one it copies)."""
    latest = picture.party_pictures.filter(organisation=organisation).order_by("-number").first()
    if latest is not None and latest.is_draft:
        return latest
    new = PartyPicture.objects.create(
        picture=picture,
        organisation=organisation,
        number=latest.number + 1 if latest else 1,
        supersedes=latest,
        summary=latest.summary if latest else "",
        sources_used=latest.sources_used if latest else "",
        sources_left_out=latest.sources_left_out if latest else "",
        is_example=is_example,
    )
    if latest is not None:
        for problem in latest.problems.all():
            _copy_problem(problem, party_picture=new)
    return new


def _editable(party_picture: PartyPicture) -> None:
    if not party_picture.is_draft:
        raise ValidationError(_("A submitted picture cannot be changed; start a new version."))


def _copy_problem(source: Problem, **owner) -> Problem:
    copy = Problem.objects.create(
        **owner,
        **{f: getattr(source, f) for f in PROBLEM_FIELDS},
        order=source.order,
        is_example=source.is_example,
    )
    copy.priority_areas.set(source.priority_areas.all())
    copy.categories.set(source.categories.all())
    copy.derived_from.set([source])
    for evidence in source.evidence.all():
        evidence.pk = None
        evidence.problem = copy
        evidence.save()
    return copy


@transaction.atomic
def party_picture_update(*, party_picture: PartyPicture, **fields) -> PartyPicture:
    _editable(party_picture)
    for name, value in fields.items():
        setattr(party_picture, name, value)
    party_picture.full_clean()
    party_picture.save()
    return party_picture


@transaction.atomic
def problem_add(
    *, owner: PartyPicture | JointAnalysis, priority_areas=(), categories=(), **fields
) -> Problem:
    if isinstance(owner, PartyPicture):
        _editable(owner)
        problem = Problem(party_picture=owner, **fields)
    else:
        problem = Problem(analysis=owner, **fields)
    problem.order = (owner.problems.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    problem.full_clean()
    problem.save()
    problem.priority_areas.set(priority_areas)
    problem.categories.set(categories)
    return problem


@transaction.atomic
def problem_update(*, problem: Problem, priority_areas=None, categories=None, **fields) -> Problem:
    if problem.party_picture is not None:
        _editable(problem.party_picture)
    for name, value in fields.items():
        setattr(problem, name, value)
    problem.full_clean()
    problem.save()
    if priority_areas is not None:
        problem.priority_areas.set(priority_areas)
    if categories is not None:
        problem.categories.set(categories)
    return problem


@transaction.atomic
def problem_delete(*, problem: Problem) -> None:
    if problem.party_picture is not None:
        _editable(problem.party_picture)
    problem.delete()


def _figures_for_place(
    indicator: Indicator, area: Area, period_kind: str, *, until: dt.date
) -> tuple[dict, Area]:
    """The figures of the problem's place: a neighbourhood's own where the source has
    them, else those of the district it belonged to then, saying whose they are."""
    figures = indicator_figures(indicator, area, period_kind, until=until)
    district = None
    if not figures["rows"] and area.kind == AreaKind.NEIGHBOURHOOD:
        district = district_of(area, on=until)
    if district is not None:
        wider = indicator_figures(indicator, district, period_kind, until=until)
        if wider["rows"]:
            wider["instead_of"] = area.name
            return wider, district
    return figures, area


@transaction.atomic
def evidence_add(
    *,
    problem: Problem,
    source_kind: str,
    text: str,
    indicator: Indicator | None = None,
    area: Area | None = None,
    period_kind: str = "year",
    selection: dict | None = None,
) -> Evidence:
    if problem.party_picture is not None:
        _editable(problem.party_picture)
    picture = problem.picture
    figures: dict = {}
    if indicator is not None:
        area = area or problem.area or picture.agreement.area
        if area is None:
            raise ValidationError(_("Choose the area whose figures show the problem."))
        figures, area = _figures_for_place(indicator, area, period_kind, until=picture.period_end)
        source_kind = EvidenceSource.SURVEY if indicator.is_share else source_kind
    elif selection is not None:
        figures = selection_figures(
            selection, municipality=picture.municipality, start=picture.period_start, end=picture.period_end
        )
    evidence = Evidence(
        problem=problem,
        source_kind=source_kind,
        text=text,
        indicator=indicator,
        indicator_area=area if indicator else None,
        figures=figures,
        selection=selection,
    )
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def party_picture_submit(*, party_picture: PartyPicture, user) -> JointAnalysis | None:
    """Freeze the picture. When the other party has submitted too, the joint
    analysis opens (or takes in this new version). The situation picture is
    locked first: two submits at once (the same party's twice, or both
    parties') take turns, and the second sees the first."""
    locked(party_picture.picture)
    locked(party_picture)
    _editable(party_picture)
    if not party_picture.problems.exists():
        raise ValidationError(_("Describe at least one problem before submitting."))
    party_picture.status = PictureStatus.SUBMITTED
    party_picture.submitted_at = timezone.now()
    party_picture.submitted_by = user
    party_picture.save()
    picture = party_picture.picture
    if hasattr(picture, "joint"):
        return joint_take_in(analysis=picture.joint, party_picture=party_picture)
    pair = both_submitted(picture)
    if pair is None:
        return None
    return joint_open(picture=picture, user=user)


@transaction.atomic
def joint_open(*, picture: SituationPicture, user=None) -> JointAnalysis:
    pair = both_submitted(picture)
    if pair is None:
        raise ValidationError(_("The joint analysis opens when both parties have submitted their pictures."))
    city, police = pair
    analysis = JointAnalysis.objects.create(
        picture=picture, city_picture=city, police_picture=police, opened_by=user
    )
    for party_picture in (city, police):
        for problem in party_picture.problems.all():
            _copy_problem(problem, analysis=analysis)
    return analysis


@transaction.atomic
def joint_take_in(*, analysis: JointAnalysis, party_picture: PartyPicture) -> JointAnalysis:
    """A party submitted a new version after the joint analysis opened: its
    problems that continue earlier ones join the joint problems those became;
    new problems are added for the parties to match."""
    for problem in party_picture.problems.prefetch_related("derived_from__carried_into"):
        joint = {
            j
            for earlier in problem.derived_from.all()
            for j in earlier.carried_into.filter(analysis=analysis)
        }
        if joint:
            for j in joint:
                j.derived_from.add(problem)
        else:
            _copy_problem(problem, analysis=analysis)
    if party_picture.is_police:
        analysis.police_picture = party_picture
    else:
        analysis.city_picture = party_picture
    analysis.save()
    return analysis


@transaction.atomic
def joint_problems_merge(*, keep: Problem, other: Problem) -> Problem:
    """Two joint problems that describe the same thing become one; the kept
    one gains the other's provenance, evidence, links and causes."""
    if keep.analysis_id is None or keep.analysis_id != other.analysis_id or keep.pk == other.pk:
        raise ValidationError(_("Only two different problems of the same joint analysis can be merged."))
    # A merge joins the two parties' views of one problem; two problems that one party
    # saw as two stay two (that party's own picture is where they would be joined).
    seen_by = problem_parties(keep)
    if len(seen_by) == 1 and seen_by == problem_parties(other):
        raise ValidationError(
            _(
                "Both problems come from the same party's picture: a merge joins the two parties' "
                "views of one problem. Keep them apart, or join them in that party's own picture."
            )
        )
    keep.derived_from.add(*other.derived_from.all())
    keep.priority_areas.add(*other.priority_areas.all())
    keep.categories.add(*other.categories.all())
    recorded_update(other.evidence.all(), problem=keep)
    recorded_update(other.causes.all(), problem=keep)
    for name in ("place", "times"):
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
    if other.situation and other.situation not in keep.situation:
        keep.situation = "\n\n".join(t for t in (keep.situation, other.situation) if t)
    keep.area = keep.area or other.area
    keep.full_clean()
    keep.save()
    other.delete()
    return keep


@transaction.atomic
def scores_save(*, analysis: JointAnalysis, scores: dict[int, dict[str, int]]) -> None:
    """The prioritisation matrix as the form sends it: scores by problem, together."""
    problems = {p.pk: p for p in analysis.problems.all()}
    if not set(scores) <= set(problems):
        raise ValidationError(_("The problems must belong to this joint analysis."))
    for problem_pk, values in scores.items():
        scores_set(problem=problems[problem_pk], scores=values)


@transaction.atomic
def scores_set(*, problem: Problem, scores: dict[str, int]) -> None:
    for criterion, score in scores.items():
        PriorityScore.objects.update_or_create(
            problem=problem, criterion=criterion, defaults={"score": score}
        )


@transaction.atomic
def decision_record(
    *,
    analysis: JointAnalysis,
    body,
    decided_on: dt.date,
    minutes_reference: str,
    problems: list[Problem],
    user,
) -> PrioritisationDecision:
    """The steering group adopts the ranked problems, in the given order."""
    if not problems:
        raise ValidationError(_("A decision needs at least one prioritised problem."))
    if any(p.analysis_id != analysis.pk for p in problems):
        raise ValidationError(_("The problems must belong to this joint analysis."))
    today = timezone.localdate()
    if decided_on > today:
        raise ValidationError(
            {
                "decided_on": _("A decision cannot be dated in the future (today is %(today)s).")
                % {"today": today}
            }
        )
    # A decision recorded after the fact (an earlier year's, entered now) stands; one dated
    # before the period its situation picture describes began cannot be about it.
    begins = analysis.picture.period_start
    if decided_on < begins:
        raise ValidationError(
            {
                "decided_on": _(
                    "The decision cannot be dated before the period its situation picture covers "
                    "begins (%(begins)s)."
                )
                % {"begins": begins}
            }
        )
    locked(analysis)
    ranking = [{"rank": i, "problem": p.pk, "title": p.title} for i, p in enumerate(problems, start=1)]
    same = PrioritisationDecision.objects.filter(
        analysis=analysis, body=body, decided_on=decided_on, minutes_reference=minutes_reference
    ).first()
    if same is not None and same.ranking == ranking:
        return same  # the same decision posted twice (at once, or again): recorded once
    decision = PrioritisationDecision(
        analysis=analysis,
        body=body,
        decided_on=decided_on,
        minutes_reference=minutes_reference,
        ranking=ranking,
        recorded_by=user,
    )
    decision.full_clean()
    decision.save()
    recorded_update(analysis.problems.exclude(pk__in=[p.pk for p in problems]).exclude(rank=None), rank=None)
    for i, problem in enumerate(problems, start=1):
        recorded_update(Problem.objects.filter(pk=problem.pk).exclude(rank=i), rank=i)
    return decision


@transaction.atomic
def cause_add(
    *,
    problem: Problem,
    branch: str,
    text: str,
    evidence: str = "",
    confidence: str,
    parent: Cause | None = None,
) -> Cause:
    if problem.analysis_id is None:
        raise ValidationError(_("Causes are analysed for the problems of the joint analysis."))
    if parent is not None:
        if parent.problem_id != problem.pk:
            raise ValidationError(_("A cause can only be placed under a cause of the same problem."))
        branch = parent.branch
    cause = Cause(
        problem=problem, parent=parent, branch=branch, text=text, evidence=evidence, confidence=confidence
    )
    cause.full_clean()
    cause.save()
    return cause


@transaction.atomic
def cause_delete(*, cause: Cause) -> None:
    cause.delete()


@transaction.atomic
def joint_version_save(*, analysis: JointAnalysis, note: str, user) -> JointVersion:
    last = analysis.versions.order_by("-number").first()
    version = JointVersion(
        analysis=analysis,
        number=last.number + 1 if last else 1,
        note=note,
        content=snapshots.snapshot(analysis),
        created_by=user,
    )
    version.full_clean()
    version.save()
    return version
