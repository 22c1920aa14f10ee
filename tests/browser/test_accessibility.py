"""axe-core on every page of the foundation: no serious or critical violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from samverkan.agreements.models import AgreementVersion
from samverkan.governance.models import Body
from samverkan.organisations.models import Area
from tests.browser.conftest import settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious(page):
    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def serious_on(page, live_server, paths) -> dict:
    """The serious and critical violations on each of the paths that has any."""
    found = {}
    for path in paths:
        page.goto(live_server.url + path)
        settled(page)
        violations = serious(page)
        if violations:
            found[path] = violations
    return found


def test_the_sign_in_page_is_accessible(page, live_server, stockholm):
    page.goto(f"{live_server.url}/accounts/login/")
    assert serious(page) == []


def test_the_sign_in_page_with_single_sign_on_is_accessible(page, live_server, stockholm, settings):
    from tests.test_oidc import SSO

    for name, value in SSO.items():
        setattr(settings, name, value)
    page.goto(f"{live_server.url}/accounts/login/?sso=failed")
    assert page.get_by_role("link", name="Logga in med Stockholms stad").is_visible()
    assert "lyckades inte" in page.get_by_role("alert").inner_text()
    assert serious(page) == []


def test_the_main_pages_are_accessible(signed_in, live_server):
    page = signed_in("admin")
    local = AgreementVersion.objects.get(agreement__area__code="norra-innerstaden")
    paths = [
        "/agreements/",
        "/agreements/compliance/",
        f"/agreements/{local.agreement_id}/",
        f"/agreements/versions/{local.pk}/",
        f"/agreements/versions/{AgreementVersion.objects.get(case_number='KS 2023/740').pk}/",
        "/areas/",
        f"/areas/{Area.objects.get(code='jarva').pk}/",
        "/bodies/",
        f"/bodies/{Body.objects.get(name='Central styrgrupp').pk}/",
        "/audit/",
        "/imports/",
        "/observations/new/",
        f"/observations/new/?area={Area.objects.get(code='norra-innerstaden').pk}",
        "/plans/law/",
        *(
            f"/setup/{step}"
            for step in (
                "",
                "municipality/",
                "boundary/",
                "areas/",
                "organisations/",
                "people/",
                "bodies/",
                "coordination/",
                "agreement/",
            )
        ),
    ]
    assert serious_on(page, live_server, paths) == {}
