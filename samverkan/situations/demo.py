"""Loads a worked example of the whole situation-picture flow from a
configuration's `situations.toml`: both parties' pictures, the joint
analysis with a matched problem and one only the city saw, the matrix, the
steering group's decision, cause analyses and two saved versions. Everything
it creates is marked as example content. Loading again changes nothing."""

from samverkan.accounts.models import Role, User
from samverkan.agreements.models import Agreement, Scope
from samverkan.governance.models import Body
from samverkan.indicators.models import Indicator
from samverkan.situations import services
from samverkan.situations.models import Cause, Problem, SituationPicture
from samverkan.situations.selectors import picture_parties, selectable_priority_areas


def load_example_pictures(data: dict, *, municipality) -> list[SituationPicture]:
    loaded = []
    for item in data.get("pictures", []):
        agreement = Agreement.objects.get(
            municipality=municipality, scope=Scope.LOCAL, area__code=item["district"]
        )
        start, end = item["period"]
        existing = SituationPicture.objects.filter(agreement=agreement, period_start=start).first()
        loaded.append(existing or _load_picture(item, agreement, start, end, municipality))
    return loaded


def _load_picture(item, agreement, start, end, municipality) -> SituationPicture:
    picture = services.picture_create(
        agreement=agreement, title=item["title"], period_start=start, period_end=end, is_example=True
    )
    parties = {("police" if o.is_police else "city"): o for o in picture_parties(picture)}
    areas = {a.name: a for a in selectable_priority_areas(picture)}
    problems: dict[str, Problem] = {}
    indicators = {i.code: i for i in Indicator.objects.filter(municipality=municipality)}
    submitter = None
    for party in item["parties"]:
        organisation = parties[party["party"]]
        submitter = User.objects.filter(organisation=organisation).first()
        party_picture = services.party_picture_start(
            picture=picture, organisation=organisation, is_example=True
        )
        services.party_picture_update(
            party_picture=party_picture,
            summary=party.get("summary", ""),
            sources_used=party.get("sources_used", ""),
            sources_left_out=party.get("sources_left_out", ""),
        )
        for spec in party["problems"]:
            problem = services.problem_add(
                owner=party_picture,
                title=spec["title"],
                place=spec.get("place", ""),
                area=agreement.area,
                times=spec.get("times", ""),
                situation=spec.get("situation", ""),
                priority_areas=[areas[name] for name in spec.get("priority_areas", [])],
                is_example=True,
            )
            for evidence in spec.get("evidence", []):
                services.evidence_add(
                    problem=problem,
                    source_kind=evidence["kind"],
                    text=evidence["text"],
                    indicator=indicators.get(evidence.get("indicator", "")),
                )
            problems[spec["key"]] = problem
        services.party_picture_submit(party_picture=party_picture, user=submitter)

    analysis = picture.joint
    joint = {key: problem.carried_into.get(analysis=analysis) for key, problem in problems.items()}
    for keep, other in item.get("merge", []):
        services.joint_problems_merge(keep=joint[keep], other=joint[other])
        joint[other] = joint[keep]
    services.joint_version_save(analysis=analysis, note=item.get("first_version_note", ""), user=submitter)
    for key, scores in item.get("scores", {}).items():
        services.scores_set(problem=joint[key], scores=scores)
    for key, causes in item.get("causes", {}).items():
        made: dict[str, Cause] = {}
        for cause in causes:
            made[cause["text"]] = services.cause_add(
                problem=joint[key],
                branch=cause["branch"],
                text=cause["text"],
                evidence=cause.get("evidence", ""),
                confidence=cause.get("confidence", "medium"),
                parent=made.get(cause.get("under", "")),
            )
    decision = item.get("decision")
    if decision:
        services.decision_record(
            analysis=analysis,
            body=Body.objects.get(municipality=municipality, name=decision["body"]),
            decided_on=decision["date"],
            minutes_reference=decision.get("minutes", ""),
            problems=[joint[k] for k in decision["problems"]],
            user=User.objects.filter(
                organisation__in=parties.values(), role=Role.STEERING_GROUP_MEMBER
            ).first()
            or submitter,
        )
    services.joint_version_save(analysis=analysis, note=item.get("second_version_note", ""), user=submitter)
    return picture
