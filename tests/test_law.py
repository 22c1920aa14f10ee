"""The law view (Lagkrav) reads the decided state only, for exactly the year shown: each
✓ and ✗ names its evidence or what is missing, and each link is one the reader may open."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from samverkan.accounts.models import Role
from samverkan.governance.models import Body
from samverkan.plans.law import law_status
from samverkan.plans.models import AnnualReport, FollowUpReport, ReportStatus
from tests.test_plans import _worked_example, picture, plans  # noqa: F401 - fixtures


def _requirement(municipality, year, user, key):
    return next(r for r in law_status(municipality, year, user).requirements if r.key == key)


def test_a_preliminary_compilation_is_no_follow_up(stockholm, cast, plans):  # noqa: F811
    admin = cast[Role.ADMINISTRATOR]
    FollowUpReport.objects.filter(year=2025).update(status=ReportStatus.DRAFT)
    annual = AnnualReport.objects.get(municipality=stockholm, year=2025)
    annual.content = {**annual.content, "preliminary": True}
    annual.save()
    follow_up = _requirement(stockholm, 2025, admin, "follow_up")
    assert not follow_up.met and "preliminär" in follow_up.detail
    annual.content = {**annual.content, "preliminary": False}
    annual.save()
    assert _requirement(stockholm, 2025, admin, "follow_up").met


def test_submitted_follow_ups_meet_the_requirement_and_name_themselves(stockholm, cast, plans):  # noqa: F811
    AnnualReport.objects.filter(municipality=stockholm, year=2025).update(status=AnnualReport.Status.READY)
    follow_up = _requirement(stockholm, 2025, cast[Role.ADMINISTRATOR], "follow_up")
    submitted = FollowUpReport.objects.filter(year=2025, status=ReportStatus.SUBMITTED).count()
    assert follow_up.met and submitted >= 1 and len(follow_up.evidence) == submitted
    # A compilation not sent is neither evidence nor a link.
    assert not any("Årssammanställning" in link.label for link in follow_up.evidence)


def test_the_picture_parts_name_the_evidence_found_even_where_the_municipality_is_not_covered(
    stockholm,
    cast,
    plans,  # noqa: F811
):
    picture_requirement = _requirement(stockholm, 2025, cast[Role.ADMINISTRATOR], "picture")
    parts = dict(picture_requirement.parts)
    mapping, other, analysis, coverage = picture_requirement.parts
    # The worked example's district has statistics, other evidence and a decided
    # prioritisation; one district is not the municipality.
    assert mapping[1] and "statistik" in mapping[0].lower()
    assert other[1]
    assert analysis[1] and re.search(r"\b1\b", analysis[0])
    assert not coverage[1] and not picture_requirement.met
    # It names the districts no picture covers (Farsta among them), not the one covered.
    assert (
        "inte täckta: " in coverage[0] and "Farsta" in coverage[0] and "Norra innerstaden" not in coverage[0]
    )
    assert len(parts) == 4


def test_a_plan_decided_by_another_body_than_the_named_one_is_not_met(stockholm, cast, plans):  # noqa: F811
    from samverkan.configurations.models import MunicipalitySetup

    setup, _ = MunicipalitySetup.objects.get_or_create(municipality=stockholm)
    deciding = {d.body_id for plan in plans for d in plan.decisions.all()}
    setup.plan_body = Body.objects.filter(municipality=stockholm).exclude(pk__in=deciding).first()
    setup.save()
    plan = _requirement(stockholm, 2025, cast[Role.ADMINISTRATOR], "plan")
    assert not plan.met and str(setup.plan_body) in plan.detail


@pytest.mark.parametrize(
    "role", [Role.POLITICIAN, Role.STEERING_GROUP_MEMBER, Role.POLICE_CONTACT, "other_coordinator"]
)
def test_every_link_of_the_law_view_opens_for_its_reader(client, stockholm, cast, plans, role):  # noqa: F811
    client.force_login(cast[role])
    for year in (2025, 2026, dt.date.today().year):
        page = client.get(reverse("plans:law"), {"year": year})
        assert page.status_code == 200
        evidence = re.findall(r'<p class="evidence">(.*?)</p>', page.content.decode(), re.S)
        for href in re.findall(r'href="([^"]+)"', " ".join(evidence)):
            assert client.get(href).status_code == 200, (role, year, href)
