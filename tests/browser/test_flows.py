import re

import pytest
from playwright.sync_api import expect

from samverkan.agreements.models import AgreementVersion
from tests.browser.menu import go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_sees_norrmalms_missing_areas_and_switches_language(signed_in, live_server):
    page = signed_in("samordnare")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")  # the start page
    go(page, "Överenskommelser")
    expect(page.get_by_role("heading", level=1)).to_have_text("Samverkansöverenskommelser – Stockholms stad")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    norrmalm = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile("^Norrmalm")))
    expect(norrmalm).to_contain_text("Avhopparverksamhet för kriminella")
    expect(norrmalm).to_contain_text("Otillåten påverkan")
    expect(norrmalm).to_contain_text("upphört")

    def version_row(case_number):
        return page.get_by_role("row").filter(has=page.get_by_role("cell", name=case_number, exact=True))

    expect(version_row("KS 2023/740")).to_contain_text("Gäller")
    expect(version_row("KS 2019/656")).to_contain_text("Ersatt av KS 2023/740")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Collaboration agreements – Stockholms stad")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(norrmalm).to_contain_text("ceased")

    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_a_coordinator_adds_a_local_priority_and_closes_the_gap(signed_in, live_server):
    page = signed_in("samordnare")
    version = AgreementVersion.objects.get(agreement__area__code="norra-innerstaden")
    page.goto(f"{live_server.url}/agreements/versions/{version.pk}/")
    missing = page.locator("#compliance ul.missing")
    expect(missing).to_contain_text("Systemhotande brottslighet")
    # The adopted version is not changed without a decision: the priority goes into a revision.
    expect(page.get_by_label("Den lokala prioriteringens namn")).to_have_count(0)
    page.get_by_text("Ta fram ett revideringsutkast av den här versionen").click()
    page.get_by_label("Utkastets namn").fill("Revidering 2027")
    page.get_by_role("button", name="Ta fram utkastet").click()
    page.get_by_role("link", name="Kontrollera utkastet mot den övergripande överenskommelsen").click()
    expect(missing).to_contain_text("Systemhotande brottslighet")

    page.get_by_label("Den lokala prioriteringens namn").fill("Välfärdsbrott i city")
    page.get_by_label("Beskrivning").fill("Gäller 811228-9874")
    page.get_by_role("group", name="berör övergripande områden").get_by_label(
        "Systemhotande brottslighet"
    ).check()
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator(".field .error")).to_contain_text("personnummer")
    expect(page.locator(".field .error")).to_contain_text("811228-****")

    page.get_by_label("Beskrivning").fill("Samordnade kontroller av bidrag och tillstånd.")
    page.get_by_role("group", name="berör övergripande områden").get_by_label(
        "Systemhotande brottslighet"
    ).check()
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Den lokala prioriteringen har lagts till.")
    expect(page.locator("#compliance")).to_contain_text("Alla prioriterade samverkansområden")
    expect(page.locator("#compliance ul.missing")).to_have_count(0)


def test_the_district_page_draws_the_area_and_its_history(signed_in, live_server):
    page = signed_in("politiker")
    page.goto(f"{live_server.url}/areas/")
    page.get_by_role("link", name="Rinkeby-Kista").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rinkeby-Kista")
    expect(page.locator("dl.facts")).to_contain_text("Uppgick i")
    expect(page.locator("#map")).to_have_attribute("data-loaded", re.compile(r"^[1-9]"))
    assert page.locator("#map path.leaflet-interactive").count() >= 1
    page.get_by_role("link", name="Järva").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Järva")
    expect(page.locator("dl.facts")).to_contain_text("Spånga-Tensta")


def test_the_audit_log_is_only_in_the_administrators_menu(signed_in, live_server):
    page = signed_in("politiker")
    expect(page.get_by_role("link", name="Händelselogg")).to_have_count(0)
    page.get_by_role("button", name="Logga ut").click()
    page = signed_in("admin")
    go(page, "Händelselogg")
    expect(page.get_by_role("heading", level=1)).to_have_text("Händelselogg")
    expect(page.locator("table.audit tbody tr").first).to_be_visible()
