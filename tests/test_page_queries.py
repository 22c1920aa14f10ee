"""The pages people open every morning read a fixed number of queries,
however many districts, plans and years of figures the municipality holds:
a city twice Stockholm's size, or ten more years, costs each page nothing more.

Each page is read once with what the demo holds and once after more districts
(each with its organisation, local agreement and priority area), more action
plans with follow-ups, and more years of indicator values; nothing is kept
between the two reads (samverkan.audit.stamps), so both are computed afresh."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samverkan.accounts.models import Role
from samverkan.agreements.models import Agreement, AgreementVersion, PriorityArea, Scope, VersionStatus
from samverkan.indicators.models import Indicator, IndicatorValue, PeriodKind
from samverkan.organisations.models import Area, AreaKind, Organisation, OrganisationKind
from samverkan.plans.demo import load_example_plans
from samverkan.plans.models import ActionPlan, FollowUpReport, PlanStatus, ReportStatus
from samverkan.situations.demo import load_example_pictures
from tests.conftest import stockholm_now, undone_after_the_module
from tests.test_plans import EXAMPLE_PICTURES, EXAMPLE_PLANS

PAGES = [
    "/start/",
    "/areas/{district}/",
    "/areas/{district}/?period=month",
    "/areas/",
    "/agreements/compliance/",
    "/agreements/",
    "/plans/",
    "/plans/calendar/",
    "/pictures/",
    "/consultations/",
    "/notifications/",
]


@pytest.fixture(scope="module")
def _worked_example(django_db_setup, django_db_blocker):
    with undone_after_the_module(django_db_blocker):
        stockholm = stockholm_now()
        load_example_pictures(EXAMPLE_PICTURES, municipality=stockholm)
        yield [plan.pk for plan in load_example_plans(EXAMPLE_PLANS, municipality=stockholm)]


@pytest.fixture
def plans(stockholm, _worked_example):
    """The worked example's situation pictures and action plans (loaded once for the module)."""
    return list(ActionPlan.objects.filter(pk__in=_worked_example).order_by("pk"))


def reads(client, district: Area) -> dict[str, int]:
    counted = {}
    for page in PAGES:
        url = page.format(district=district.pk)
        cache.clear()  # computed afresh each time, not served from what was kept
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        counted[url] = len(captured)
    return counted


def more_districts(stockholm, how_many: int) -> None:
    police = Organisation.objects.filter(municipality=stockholm, kind=OrganisationKind.POLICE_AREA).first()
    for n in range(how_many):
        area = Area.objects.create(
            municipality=stockholm, kind=AreaKind.DISTRICT, name=f"Nytt distrikt {n}", code=f"nytt-{n}"
        )
        administration = Organisation.objects.create(
            municipality=stockholm,
            kind=OrganisationKind.DISTRICT_ADMINISTRATION,
            name=f"Nya distriktets förvaltning {n}",
            area=area,
        )
        agreement = Agreement.objects.create(
            municipality=stockholm, scope=Scope.LOCAL, area=area, title=f"Samverkan i nytt distrikt {n}"
        )
        version = AgreementVersion.objects.create(
            agreement=agreement,
            label=f"Nytt distrikt {n} 2025",
            status=VersionStatus.ADOPTED,
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2027, 12, 31),
            decided_on=dt.date(2024, 12, 10),
        )
        version.parties.set([administration, police])
        PriorityArea.objects.create(version=version, name="Trygga platser", order=1)


def more_plans(years: range) -> None:
    for plan in ActionPlan.objects.filter(status=PlanStatus.ADOPTED):
        for year in years:
            copy = ActionPlan.objects.create(
                agreement=plan.agreement,
                priority_area=plan.priority_area,
                year=year,
                title=f"{plan.title} ({year})",
                status=PlanStatus.ADOPTED,
            )
            FollowUpReport.objects.create(
                plan=copy, year=year, tertial=1, as_of=dt.date(year, 4, 30), status=ReportStatus.SUBMITTED
            )


def more_years(stockholm, district: Area, years: range) -> None:
    for indicator in Indicator.objects.filter(municipality=stockholm):
        for year in years:
            for area in (district, None):
                IndicatorValue.objects.create(
                    indicator=indicator,
                    area=area,
                    period_kind=PeriodKind.YEAR,
                    period_start=dt.date(year, 1, 1),
                    label=str(year),
                    count=100,
                    value=5.0,
                )
            for month in range(1, 13):
                IndicatorValue.objects.create(
                    indicator=indicator,
                    area=district,
                    period_kind=PeriodKind.MONTH,
                    period_start=dt.date(year, month, 1),
                    label=f"{year}-{month:02d}",
                    count=8,
                    value=0.4,
                )


@pytest.mark.parametrize("role", [Role.POLITICIAN, Role.DISTRICT_COORDINATOR, Role.POLICE_CONTACT])
def test_the_morning_pages_read_as_many_queries_however_much_is_held(client, cast, stockholm, plans, role):
    client.force_login(cast[role])
    district = Area.objects.get(municipality=stockholm, code="rinkeby-kista")
    before = reads(client, district)
    assert ActionPlan.objects.filter(status=PlanStatus.ADOPTED).exists()

    districts = Area.objects.filter(municipality=stockholm, kind=AreaKind.DISTRICT).count()
    more_districts(stockholm, 6)
    more_plans(range(2019, 2025))
    more_years(stockholm, district, range(2000, 2010))
    assert Area.objects.filter(municipality=stockholm, kind=AreaKind.DISTRICT).count() == districts + 6

    after = reads(client, district)
    grew = {url: (before[url], after[url]) for url in before if after[url] != before[url]}
    assert not grew, f"queries grew with the data (before, after): {grew}"
    # What was added is on the pages: the counts stayed level with more shown.
    assert "Nytt distrikt 5" in client.get("/agreements/compliance/").content.decode()
    assert "2003" in client.get(f"/areas/{district.pk}/").content.decode()
