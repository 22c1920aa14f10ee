"""Who reaches a picture, a party's picture, a joint analysis or a problem:
every picture page asks these."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from samverkan.situations import permissions
from samverkan.situations.models import (
    JointAnalysis,
    PartyPicture,
    Problem,
    SituationPicture,
)


def picture_for(user, pk) -> SituationPicture:
    picture = get_object_or_404(SituationPicture.objects.select_related("agreement__municipality"), pk=pk)
    if not permissions.can_view_picture(user, picture):
        raise PermissionDenied
    return picture


def party_picture_for(user, pk, *, edit=False) -> PartyPicture:
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


def analysis_for(user, pk, *, edit=False, decide=False) -> JointAnalysis:
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


def problem_for(user, pk) -> Problem:
    """A problem the user may change: in its own party's draft, or in a joint
    analysis the user edits."""
    problem = get_object_or_404(Problem.objects.select_related("party_picture", "analysis"), pk=pk)
    if problem.party_picture_id:
        party_picture_for(user, problem.party_picture_id, edit=True)
    else:
        analysis_for(user, problem.analysis_id, edit=True)
    return problem
