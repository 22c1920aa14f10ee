"""The revision lifecycle in Chromium: a politician opens the 2019→2024
comparison of the overarching agreement and follows one of Södermalm's
amendment proposals to its outcome; the preparation group drafts a
revision, renames an area and sends it out; Södermalm's administration
answers with a proposal; every page is checked with axe-core."""

import re
import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from samverkan.agreements.models import AgreementVersion
from samverkan.consultations.demo import load_example_consultations
from samverkan.consultations.models import AmendmentProposal, ConsultationRound, Statement
from samverkan.organisations.models import Municipality
from tests.browser.menu import go
from tests.browser.test_accessibility import serious_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIG = Path(__file__).parent.parent.parent / "samverkan/configurations/stockholm"
WITNESSES = "Särskilt utsatta och sårbara brottsoffer och vittnen"


@pytest.fixture
def scenario(stockholm):
    stockholm = Municipality.objects.get(code="0180")
    data = tomllib.loads((CONFIG / "consultations.toml").read_text())
    # Without the example draft under way: the test drafts the next revision itself.
    return load_example_consultations({**data, "drafts": []}, municipality=stockholm)


def test_the_2019_to_2024_diff_leads_to_the_outcome_of_an_amendment_proposal(
    signed_in, live_server, scenario
):
    page = signed_in("politiker")
    go(page, "Remisser")
    page.get_by_role(
        "link", name="Övergripande samverkansöverenskommelse mellan Stockholms stad och Polisregion Stockholm"
    ).click()
    old = AgreementVersion.objects.get(case_number="KS 2019/656")
    page.get_by_label("Från version").select_option(str(old.pk))
    page.get_by_label("Till version").select_option(
        str(AgreementVersion.objects.get(case_number="KS 2023/740").pk)
    )
    page.get_by_role("button", name="Jämför").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jämför versioner: KS 2019/656 → KS 2023/740")
    renamed = page.locator("article.change").filter(has_text="Samverkansområde bytte namn").first
    expect(renamed).to_contain_text("Ung i risk för kriminalitet")
    expect(renamed).to_contain_text("Unga i riskzon för destruktivt beteende")
    expect(page.locator("article.change").filter(has_text="Samverkansområde borttaget")).to_contain_text(
        "Arbetet mot våldsbejakande extremism"
    )
    row = page.locator("tr").filter(has_text=WITNESSES)
    expect(row).to_contain_text("Södermalms stadsdelsnämnd")
    expect(row).to_contain_text("Ej antaget")

    row.get_by_role("link", name=WITNESSES).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(WITNESSES)
    expect(page.locator("#outcome")).to_have_text("Ej antaget")
    expect(page.get_by_text("Byt namn på ett samverkansområde")).to_be_visible()
    expect(
        page.get_by_text("Ingen ändring som gjordes i utkastet efter utskicket besvarar det här förslaget.")
    ).to_be_visible()
    # From the proposal to the response and the committee's minutes item.
    page.get_by_role("navigation", name="Brödsmulor").get_by_role(
        "link", name="Södermalms stadsdelsnämnd"
    ).click()
    minutes = page.locator(
        "article#minutes-" + str(Statement.objects.get(case_number="SÖD 2023/713").current_minutes.pk)
    )
    expect(minutes).to_contain_text("§ 23")
    expect(minutes).to_contain_text("till förmån för Gemensamt förslag till beslut från (C) och (L)")
    expect(minutes).to_contain_text("Erik Ehrs (KD)")


def test_the_preparation_group_drafts_sends_and_a_district_answers(signed_in, live_server, scenario):
    central = AgreementVersion.objects.get(case_number="KS 2023/740")
    page = signed_in("beredning")
    page.goto(f"{live_server.url}/agreements/versions/{central.pk}/")
    page.get_by_text("Ta fram ett revideringsutkast av den här versionen").click()
    page.get_by_label("Utkastets namn").fill("Överenskommelse 2028")
    page.get_by_label("Diarienummer").fill("KS 2027/100")
    page.get_by_role("button", name="Ta fram utkastet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revideringsutkast: Överenskommelse 2028")
    draft_url = page.url

    area = page.locator("article.card").filter(
        has=page.get_by_role("heading", name="Otrygga och brottsutsatta platser")
    )
    area.get_by_text("Ändra området").click()
    area.get_by_label(re.compile(r"^Namn:?$")).fill("Otrygga platser")
    area.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", name="Otrygga platser", exact=True)).to_be_visible()

    page.get_by_role("link", name="Skicka på remiss").click()
    page.get_by_label(re.compile(r"^Titel:?$")).fill("Remiss av reviderad överenskommelse")
    page.get_by_label(re.compile(r"^Diarienummer:?$")).fill("KS 2027/100")
    page.get_by_label(re.compile(r"^Remitterad av:?$")).select_option(label="Kommunstyrelsen")
    page.get_by_label(re.compile(r"^Utskickad:?$")).fill("2027-06-01")
    page.get_by_label(re.compile(r"^Sista svarsdag:?$")).fill("2027-09-30")
    page.get_by_label("Södermalms stadsdelsnämnd").check()
    page.get_by_role("button", name="Skicka ut").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KS 2027/100")
    round = ConsultationRound.objects.get(case_number="KS 2027/100")
    assert round.snapshot["areas"][1]["name"] == "Otrygga platser"

    page.get_by_role("button", name="Logga ut").click()
    from samverkan.accounts.models import Role, User
    from samverkan.organisations.models import Organisation

    User.objects.create_user(
        "sodermalm",
        password="samverkan",
        role=Role.DISTRICT_COORDINATOR,
        organisation=Organisation.objects.get(name="Södermalms stadsdelsförvaltning"),
    )
    page = signed_in("sodermalm")
    page.goto(f"{live_server.url}/consultations/{round.pk}/")
    page.get_by_role("link", name=re.compile("Skriv remissvaret")).click()
    page.get_by_label(re.compile(r"^Förslag till beslut:?$")).fill(
        "Stadsdelsnämnden överlämnar förvaltningens tjänsteutlåtande."
    )
    page.get_by_label(re.compile(r"^Sammanfattning:?$")).fill("Förvaltningen ser positivt på förslaget.")
    page.get_by_role("button", name="Spara utkastet till remissvar").click()
    page.get_by_text("Lägg till ett ändringsförslag").click()
    form = page.locator("form").filter(has=page.get_by_role("button", name="Lägg till förslaget"))
    form.get_by_label(re.compile(r"^Rubrik:?$")).fill("Vittnen")
    form.get_by_label(re.compile(r"^Ändring:?$")).select_option(label="Byt namn på ett samverkansområde")
    form.get_by_label(re.compile(r"^Gäller:?$")).select_option(
        label="Särskilt utsatta och sårbara brottsoffer"
    )
    form.get_by_label(re.compile(r"^Föreslagen lydelse:?$")).fill(WITNESSES)
    form.get_by_role("button", name="Lägg till förslaget").click()
    expect(page.locator("#proposals ~ article.card").first).to_contain_text(WITNESSES)
    page.get_by_role("button", name="Lämna in").click()
    expect(page.get_by_text("Remissvaret skickades in.")).to_be_visible()
    assert AmendmentProposal.objects.get(heading="Vittnen").statement.is_submitted

    found = serious_on(page, live_server, [page.url.replace(live_server.url, "")])
    page.get_by_role("button", name="Logga ut").click()
    page = signed_in("beredning")
    paths = [
        "/consultations/",
        f"/consultations/{round.pk}/",
        f"/consultations/{round.pk}/compilation/",
        draft_url.replace(live_server.url, ""),
        f"/consultations/drafts/{round.version_id}/adopt/",
        f"/consultations/agreements/{central.agreement_id}/compare/",
        f"/consultations/proposals/{AmendmentProposal.objects.get(heading='Vittnen').pk}/",
        f"/consultations/statements/{Statement.objects.get(case_number='SÖD 2023/713').pk}/minutes/",
        f"/agreements/versions/{central.pk}/",
    ]
    found |= serious_on(page, live_server, paths)
    assert found == {}
