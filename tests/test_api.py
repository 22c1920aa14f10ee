"""The read API: tokens scoped to a user's organisation, the same permissions
as the pages, and every operation fuzzed against its own OpenAPI document."""

import tomllib
from pathlib import Path

import pytest
import schemathesis
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from samverkan.accounts.models import Role, User
from samverkan.agreements.models import AgreementVersion, VersionStatus
from samverkan.api.api import api
from samverkan.api.models import ApiToken, digest
from samverkan.api.services import token_issue
from samverkan.organisations.models import Municipality, Organisation
from samverkan.plans import services as plans
from samverkan.plans.demo import load_example_plans
from samverkan.situations.demo import load_example_pictures
from samverkan.wsgi import application

CONFIG = Path(__file__).parent.parent / "samverkan/configurations/stockholm"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def token(cast):
    return token_issue(user=cast[Role.POLICE_CONTACT], name="Test")[1]


def test_a_token_is_stored_as_a_digest_and_shown_once(cast, capsys):
    call_command("create_api_token", "polis", name="Analys")
    key = capsys.readouterr().out.strip()
    stored = ApiToken.objects.get(name="Analys")
    assert key.startswith("sv_") and stored.key_digest == digest(key) and key not in stored.key_digest
    assert stored.organisation == cast[Role.POLICE_CONTACT].organisation


def test_without_a_valid_token_the_api_answers_401(client, cast, token):
    assert client.get("/api/v1/agreements").status_code == 401
    assert client.get("/api/v1/agreements", **bearer("sv_nonsense")).status_code == 401
    assert client.get("/api/v1/agreements", **bearer(token)).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/agreements", **bearer(token)).status_code == 401


def test_a_token_stops_working_when_its_user_leaves_the_organisation(client, cast, token):
    police = cast[Role.POLICE_CONTACT]
    police.organisation = Organisation.objects.get(name="Södermalms stadsdelsförvaltning")
    police.save()
    assert client.get("/api/v1/agreements", **bearer(token)).status_code == 401


def test_the_api_keeps_the_pages_permissions(client, cast, stockholm):
    load_example_pictures(tomllib.loads((CONFIG / "situations.toml").read_text()), municipality=stockholm)
    data = tomllib.loads((CONFIG / "plans.toml").read_text())
    adopted = load_example_plans({**data, "annual": None}, municipality=stockholm)[0]
    area = adopted.agreement.versions.get(valid_from__year=2024).priority_areas.first()
    draft = plans.plan_create(agreement=adopted.agreement, priority_area=area, year=2027, title="Utkast 2027")
    inner = AgreementVersion.objects.get(agreement__area__code="norra-innerstaden")
    draft_version = AgreementVersion.objects.create(
        agreement=inner.agreement, label="Utkast 2028", status=VersionStatus.DRAFT
    )
    politician = token_issue(user=cast[Role.POLITICIAN], name="Politiker")[1]
    coordinator = token_issue(user=cast[Role.DISTRICT_COORDINATOR], name="Samordnare")[1]

    listed = client.get("/api/v1/plans", **bearer(politician)).json()
    assert adopted.pk in {p["id"] for p in listed} and draft.pk not in {p["id"] for p in listed}
    assert client.get(f"/api/v1/plans/{draft.pk}", **bearer(politician)).status_code == 403
    assert client.get(f"/api/v1/plans/{draft.pk}", **bearer(coordinator)).status_code == 200
    assert client.get(f"/api/v1/versions/{draft_version.pk}", **bearer(politician)).status_code == 403
    versions = next(
        a
        for a in client.get("/api/v1/agreements", **bearer(politician)).json()
        if a["id"] == inner.agreement_id
    )
    assert draft_version.pk not in {v["id"] for v in versions["versions"]}
    reports = client.get(f"/api/v1/plans/{adopted.pk}/reports", **bearer(politician)).json()
    assert reports and {r["status"] for r in reports} == {"submitted"}

    central = AgreementVersion.objects.get(case_number="KS 2023/740")
    body = client.get(f"/api/v1/versions/{central.pk}", **bearer(politician)).json()
    assert [a["name"] for a in body["priority_areas"]][0] == "Unga i riskzon för destruktivt beteende"
    assert body["sections"][0]["heading"] == "Mål"


def test_an_indicator_series_holds_the_whole_municipality_without_an_area(client, stockholm, token):
    from samverkan.indicators.models import Indicator, IndicatorValue

    indicator = Indicator.objects.filter(municipality=stockholm).first()
    district = stockholm.areas.get(code="sodermalm")
    for area in (district, None):
        IndicatorValue.objects.create(
            indicator=indicator,
            area=area,
            period_kind="year",
            period_start="2025-01-01",
            label="2025",
            count=40 if area else 900,
            value=40.0 if area else 900.0,
        )
    page = client.get(f"/api/v1/indicators/{indicator.pk}/values", **bearer(token))
    assert page.status_code == 200
    assert sorted((v["area"] or "", v["count"]) for v in page.json()) == [("", 900), ("sodermalm", 40)]


def test_another_municipality_reads_nothing_of_stockholm(client, stockholm):
    gothenburg = Municipality.objects.create(code="1480", name="Göteborgs stad")
    office = Organisation.objects.create(
        municipality=gothenburg, kind="executive_office", name="Stadsledningskontoret"
    )
    user = User.objects.create_user("goteborg", role=Role.PREPARATION_GROUP, organisation=office)
    key = token_issue(user=user, name="Göteborg")[1]
    assert client.get("/api/v1/agreements", **bearer(key)).json() == []
    central = AgreementVersion.objects.get(case_number="KS 2023/740")
    assert client.get(f"/api/v1/versions/{central.pk}", **bearer(key)).status_code == 403
    assert client.get(f"/api/v1/agreements/{central.agreement_id}", **bearer(key)).status_code == 403


# The OpenAPI document is generated without the database, so it is made once,
# by the API itself, when the tests are collected (the served one is for those
# signed in), and the cases are sent to the application.
schema = schemathesis.openapi.from_dict(dict(api.get_openapi_schema(path_prefix="/api/v1/")))
schema.app = application


@pytest.fixture
def fuzz_key(cast):
    """A token, and the application called in-process the way Django's test
    client calls it: without closing the test's database connection after
    each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield token_issue(user=cast[Role.PREPARATION_GROUP], name="Fuzz")[1]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_survives_fuzzing(case, fuzz_key):
    """No generated request, valid or not, makes the API fail with a 5xx,
    and every answer it documents matches its schema."""
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_key}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


def test_a_query_holding_a_personal_identity_number_is_refused(client, token):
    for query in ("?area=19811228-9874", "?area=811228%E2%80%939874", "?19811228%209874=x"):
        response = client.get(f"/api/v1/areas{query}", **bearer(token))
        assert response.status_code == 400, query
        assert "personnummer" in response.json()["detail"] and "9874" not in response.json()["detail"]
    assert client.get("/api/v1/areas?area=KS%202023%2F740", **bearer(token)).status_code == 200


def test_the_api_documentation_is_for_those_signed_in(client, cast):
    for path in ("/api/v1/docs", "/api/v1/openapi.json"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/"), path
    client.force_login(cast[Role.POLITICIAN])
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Samverkan API"


def test_the_api_documentation_is_served_without_a_cdn(client, cast):
    client.force_login(cast[Role.POLITICIAN])
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # The page's CSRF token is random letters and digits, and can spell "cdn" by chance.
    html = html.replace(str(page.context["csrf_token"]), "")
    assert "cdn" not in html.lower() and "https://" not in html


def test_an_area_that_names_no_area_is_an_error_not_an_empty_list(client, cast):
    from samverkan.api.services import token_issue
    from samverkan.indicators.models import Indicator

    key = token_issue(user=cast["district_coordinator"], name="test")[1]
    indicator = Indicator.objects.filter(municipality__code="0180").first()
    url = f"/api/v1/indicators/{indicator.pk}/values"
    by_id = client.get(url, {"area": "120"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert by_id.status_code == 404 and "code" in by_id.json()["detail"]
    by_code = client.get(url, {"area": "jarva"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert by_code.status_code == 200
