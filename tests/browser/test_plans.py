"""The yearly cycle in Chromium: the steering group adopts a plan, the
coordinator reports a tertial, the preparation group has the worker
generate the yearly compilation and sends it back, and a citizen promise
both parties approved is on the public page for anyone signed out."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from samverkan.agreements.models import Agreement
from samverkan.organisations.models import Municipality
from samverkan.plans.demo import load_example_plans
from samverkan.plans.models import ActionPlan, AnnualReport, Communication
from samverkan.situations.demo import load_example_pictures
from samverkan.situations.models import SituationPicture
from tests.browser.menu import go
from tests.browser.test_accessibility import serious, serious_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIG = Path(__file__).parent.parent.parent / "samverkan/configurations/stockholm"
PLACES = "Otrygga och brottsutsatta platser"
YEAR = re.compile(r"^År:?$")


@pytest.fixture
def example(stockholm):
    """The example situation picture and plans, without a compilation of 2025."""
    stockholm = Municipality.objects.get(code="0180")
    load_example_pictures(tomllib.loads((CONFIG / "situations.toml").read_text()), municipality=stockholm)
    data = tomllib.loads((CONFIG / "plans.toml").read_text())
    return load_example_plans({**data, "annual": None}, municipality=stockholm)


def sign_out(page):
    page.get_by_role("button", name="Logga ut").click()


def test_the_steering_group_adopts_a_plan_and_the_coordinator_reports_a_tertial(signed_in, example):
    agreement = Agreement.objects.get(area__code="norra-innerstaden")
    area = agreement.versions.get(valid_from__year=2024).priority_areas.get(name=PLACES)
    picture = SituationPicture.objects.get(agreement=agreement, title="Lägesbild Norra innerstaden 2025")
    page = signed_in("samordnare")
    go(page, "Åtgärdsplaner")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Skapa"))
    form.get_by_label("Överenskommelse").select_option(str(agreement.pk))
    form.get_by_label("Prioriterat samverkansområde").select_option(str(area.pk))
    form.get_by_label(YEAR).fill("2026")
    form.get_by_label("Titel").fill("Åtgärdsplan Plattan")
    form.get_by_label("Gemensam lägesbild").select_option(str(picture.joint.pk))
    form.get_by_role("button", name="Skapa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Åtgärdsplan Plattan")
    plan_url = page.url

    new = page.locator("section[aria-labelledby=measure-new]")
    new.get_by_label(re.compile(r"^Åtgärd:?$")).fill("Trygghetsvandring på Plattan")
    new.get_by_label("Samverkansform").select_option(label="Trygghetsvandring")
    new.get_by_label("Prioriterat problem").select_option(
        label="Otrygghet och öppen narkotikahandel på Plattan"
    )
    new.get_by_label(re.compile("Få vuxna i rörelse efter kontorstid")).check()
    new.get_by_role("button", name="Lägg till åtgärden").click()
    expect(page.get_by_text("Åtgärden lades till.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Trygghetsvandring på Plattan"))).to_be_visible()
    sign_out(page)

    page = signed_in("styrgrupp")
    page.goto(plan_url)
    adopt = page.locator("section[aria-labelledby=adopt-heading]")
    adopt.get_by_label("Beslutat av").select_option(label="Lokal styrgrupp Norra innerstaden")
    adopt.get_by_label("Beslutsdatum").fill("2026-03-12")
    adopt.get_by_label("Protokollhänvisning").fill("§ 9")
    adopt.get_by_role("button", name="Anta planen").click()
    expect(page.get_by_text("Beslutet att anta planen registrerades.")).to_be_visible()
    expect(
        page.get_by_text(re.compile("Antagen av Lokal styrgrupp Norra innerstaden den 2026-03-12"))
    ).to_be_visible()
    sign_out(page)

    page = signed_in("samordnare")
    page.goto(plan_url)
    start = page.locator("section[aria-labelledby=report-heading]")
    start.get_by_label(YEAR).fill("2026")
    start.get_by_label("Tertial").select_option("1")
    start.get_by_role("button", name="Påbörja uppföljningen").click()
    line = page.get_by_role("group", name=re.compile("Trygghetsvandring på Plattan"))
    line.get_by_label("Status").select_option(label="Pågår")
    line.get_by_label("Framsteg (%)").fill("40")
    line.get_by_label("Kommentar").fill("Två vandringar gjorda")
    page.get_by_label("Redogörelse").fill("Vandringarna har börjat.")
    page.get_by_role("button", name="Spara uppföljningen").click()
    expect(page.get_by_text("Uppföljningen sparades.")).to_be_visible()
    page.get_by_role("button", name="Lämna in uppföljningen").click()
    expect(page.get_by_text(re.compile("Uppföljningen lämnades till"))).to_be_visible()
    rollup = page.locator("table").filter(has_text="Prioriterat område / mål")
    expect(rollup).to_contain_text("40")
    expect(page.get_by_role("button", name="Lämna in uppföljningen")).to_have_count(0)
    plan = ActionPlan.objects.get(title="Åtgärdsplan Plattan")
    assert plan.status == "adopted" and plan.reports.get().status == "submitted"


def test_the_preparation_group_generates_and_sends_the_yearly_compilation(signed_in, example, tmp_path):
    page = signed_in("beredning")
    go(page, "Åtgärdsplaner")
    page.get_by_role("link", name="Årssammanställningar").click()
    page.get_by_label(YEAR).fill("2025")
    page.get_by_label("Plan för kommande år").fill("Platssamverkan prövas vid Odenplan.")
    page.get_by_role("button", name="Ta fram").click()
    status = page.locator("#annual-status")
    expect(status).to_contain_text("Sammanställningen tas fram i bakgrunden")
    # The real worker, as `manage.py db_worker` runs it; the page polls until it is done.
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    expect(status).to_contain_text("Sammanställningen är klar.", timeout=15_000)
    page.get_by_role("link", name="Visa den").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025")
    expect(page.get_by_role("heading", name="Norra innerstaden")).to_be_visible()
    expect(page.locator("figure svg").first).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    pdf = tmp_path / "arssammanstallning.pdf"
    download.value.save_as(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "p")], check=True
    )
    assert len(list(tmp_path.glob("p-*.png"))) == 2

    page.get_by_role("button", name="Återkoppla till de lokala organisationerna").click()
    expect(page.get_by_text(re.compile("Sammanställningen återkopplades"))).to_be_visible()
    assert AnnualReport.objects.get(year=2025).status == "sent"
    sign_out(page)

    page = signed_in("polis")  # a local organisation is told
    page.get_by_role("link", name=re.compile("Aviseringar")).click()
    expect(page.get_by_text("Årssammanställningen 2025 har återkopplats")).to_be_visible()


def test_a_promise_both_parties_approve_is_on_the_public_page(signed_in, example, page, live_server):
    title = "Vi finns på Odenplan varje lördag"
    page = signed_in("samordnare")
    go(page, "Åtgärdsplaner")
    page.get_by_role("link", name="Medborgarlöften och gemensam kommunikation").click()
    form = page.locator("form").filter(has=page.get_by_role("button", name="Spara"))
    form.get_by_label("Överenskommelse").select_option(
        str(Agreement.objects.get(area__code="norra-innerstaden").pk)
    )
    form.get_by_label("Typ").select_option(label="Medborgarlöfte")
    form.get_by_label(YEAR).fill("2026")
    form.get_by_label("Titel").fill(title)
    form.get_by_label(re.compile(r"^Text:?$")).fill(
        "Staden och polisen lovar att finnas på plats vid Odenplan varje lördagskväll."
    )
    form.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    detail_url = page.url
    page.get_by_role("button", name="Godkänn för min organisation").click()
    expect(page.get_by_text("Din organisations godkännande registrerades.")).to_be_visible()
    sign_out(page)

    page.goto(f"{live_server.url}/public/0180/")
    expect(page.get_by_role("heading", name=title)).to_have_count(0)  # not yet: the police has not approved

    page = signed_in("polis")
    page.goto(detail_url)
    page.get_by_role("button", name="Godkänn för min organisation").click()
    expect(page.get_by_text("Alla parter har godkänt texten; den är publicerad.")).to_be_visible()
    sign_out(page)

    page.goto(f"{live_server.url}/public/0180/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.get_by_role("link", name="Norra innerstaden").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    assert Communication.objects.get(title=title).is_published
    assert serious(page) == []


def test_the_plan_pages_are_accessible(signed_in, example, live_server):
    page = signed_in("admin")
    plan = example[0]
    report = plan.reports.order_by("tertial").last()
    annual = AnnualReport.objects.create(
        municipality=plan.agreement.municipality, year=2025, requested_by=report.submitted_by
    )
    from samverkan.plans.services import annual_report_generate

    annual_report_generate(annual)
    paths = [
        "/plans/",
        f"/plans/{plan.pk}/",
        f"/plans/measures/{plan.measures.first().pk}/",
        f"/plans/reports/{report.pk}/",
        "/plans/annual/",
        f"/plans/annual/{annual.pk}/",
        "/plans/calendar/?year=2025&est=1",
        "/plans/communications/",
        f"/plans/communications/{Communication.objects.first().pk}/",
        "/notifications/",
        "/public/0180/",
        "/public/0180/norra-innerstaden/",
    ]
    assert serious_on(page, live_server, paths) == {}
