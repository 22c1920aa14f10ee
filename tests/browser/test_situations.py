"""The situation-picture flow in Chromium: both parties draft and submit,
the joint analysis shows what only one party saw, the steering group adopts
the priorities, and the PDF opens."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from samverkan.agreements.models import Agreement
from samverkan.governance.models import Body
from samverkan.organisations.models import Municipality
from samverkan.situations.demo import load_example_pictures
from tests.browser.menu import go
from tests.browser.test_accessibility import serious, serious_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="Logga ut").click()


def draft_and_submit(page, live_server, picture_url, title, place):
    page.goto(picture_url)
    page.get_by_role("button", name="Starta vår lägesbild").click()
    expect(page.get_by_text("Endast din egen organisation kan se detta utkast.")).to_be_visible()
    page.get_by_role("textbox", name=re.compile("^Problem")).fill(title)
    page.get_by_role("textbox", name=re.compile("^Var\\b")).fill(place)
    page.get_by_role("button", name="Lägg till problem").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.get_by_role("button", name="Lämna in vår lägesbild").click()


def test_both_parties_submit_and_the_steering_group_adopts_the_priorities(signed_in, live_server, tmp_path):
    agreement = Agreement.objects.get(area__code="norra-innerstaden")
    page = signed_in("samordnare")
    go(page, "Lägesbilder")
    page.get_by_label("Lokal överenskommelse").select_option(str(agreement.pk))
    page.get_by_label("Titel").fill("Lägesbild Norra innerstaden 2026")
    page.get_by_label("Period från").fill("2026-01-01")
    page.get_by_label("Period till").fill("2026-12-31")
    page.get_by_role("button", name="Skapa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lägesbild Norra innerstaden 2026")
    picture_url = page.url

    draft_and_submit(
        page, live_server, picture_url, "Mörka gångtunnlar vid Odenplan", "Gångtunnlarna vid Odenplan"
    )
    expect(page.get_by_text("Den andra parten ser den när den också har lämnat in.")).to_be_visible()
    sign_out(page)

    page = signed_in("polis")
    draft_and_submit(page, live_server, picture_url, "Narkotikahandel vid T-Centralen", "T-Centralen")
    expect(page.get_by_text("den gemensamma analysen är öppnad")).to_be_visible()
    page.get_by_role("link", name="Öppna den gemensamma analysen").click()
    expect(page.locator("#coverage-heading")).to_be_visible()  # the overview opens first
    page.get_by_role("navigation", name="Den gemensamma analysens steg").get_by_role(
        "link", name="2. Gemensamma problem"
    ).click()
    tunnels = page.locator("article.problem").filter(has_text="Mörka gångtunnlar vid Odenplan")
    expect(tunnels).to_contain_text("Endast staden såg detta problem.")
    joint_url = page.url
    sign_out(page)

    page = signed_in("styrgrupp")
    page.goto(joint_url)
    page.get_by_role("navigation", name="Den gemensamma analysens steg").get_by_role(
        "link", name="5. Beslut och versioner"
    ).click()
    body = Body.objects.get(name="Lokal styrgrupp Norra innerstaden")
    page.get_by_label("Beslutat av").select_option(str(body.pk))
    page.get_by_label("Beslutsdatum").fill("2026-03-12")
    page.get_by_label("Protokollhänvisning").fill("§ 5")
    page.get_by_role("group", name="Prioriterade problem").get_by_label(
        "Mörka gångtunnlar vid Odenplan"
    ).check()
    page.get_by_role("button", name="Registrera beslut").click()
    expect(page.get_by_text("Beslutet registrerades.")).to_be_visible()
    page.get_by_role("navigation", name="Den gemensamma analysens steg").get_by_role(
        "link", name="2. Gemensamma problem"
    ).click()
    expect(tunnels.get_by_role("heading")).to_contain_text("Prioritet 1")

    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ned PDF").click()
    pdf = tmp_path / "lagesbild.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) >= 1
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "1. Mörka gångtunnlar vid Odenplan" in text and "Lokal styrgrupp Norra innerstaden" in text


def test_the_situation_pages_are_accessible(signed_in, live_server):
    example = tomllib.loads(
        (Path(__file__).parents[2] / "samverkan/configurations/stockholm/situations.toml").read_text()
    )
    picture = load_example_pictures(example, municipality=Municipality.objects.get(code="0180"))[0]
    joint = picture.joint
    problem = joint.problems.filter(causes__isnull=False).first()
    page = signed_in("samordnare")
    paths = [
        "/pictures/",
        f"/pictures/{picture.pk}/",
        f"/pictures/party/{joint.city_picture.pk}/",
        *(
            f"/pictures/joint/{joint.pk}/?step={step}"
            for step in ("read", "pictures", "problems", "prioritisation", "causes", "decision")
        ),
        f"/pictures/problems/{problem.pk}/causes/",
        f"/pictures/joint/{joint.pk}/diff/?from=1&to=current",
    ]
    assert serious_on(page, live_server, paths) == {}
    # A draft of the city, opened to edit: its forms too.
    page.goto(f"{live_server.url}/pictures/{picture.pk}/")
    page.get_by_role("button", name="Starta en ny version").click()
    assert serious(page) == []


def test_the_weekly_pages_are_accessible_and_the_meeting_is_recorded(signed_in, live_server):
    from samverkan.accounts.models import User
    from samverkan.est import services as est
    from samverkan.est.models import EstGroup
    from tests.test_est import WEEK, observe

    group = EstGroup.objects.get(name="EST Norra innerstaden")
    observe(User.objects.get(username="samordnare"), WEEK)
    week = est.weekly_picture_compile(group=group, week_start=WEEK)
    page = signed_in("polis")
    page.goto(f"{live_server.url}/est/weeks/{week.pk}/")
    page.get_by_label("Hölls").fill("2025-03-11")
    page.get_by_label("Fokusområden för kommande vecka").fill("Plattan kvällstid")
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_text("Mötet registrerades.")).to_be_visible()
    paths = [
        "/est/",
        f"/est/{group.pk}/",
        f"/est/weeks/{week.pk}/",
        f"/est/{group.pk}/summary/?year=2025&n=3",
        "/est/mine/",
    ]
    assert serious_on(page, live_server, paths) == {}
