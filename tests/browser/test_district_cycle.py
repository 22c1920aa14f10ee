"""A district that is not the demo's worked example (Södermalm) walked
through the whole yearly cycle in Chromium, by forms only, each step by
the role that owns it: the administrator sets up the district's people and
local steering group; the invited people choose their passwords; both
parties draw and submit their pictures; the joint analysis is scored, its
causes drawn and its priorities adopted by the district's own steering
group; an action plan is made from it, adopted and followed up; the local
agreement goes through a consultation round, minutes and adoption; the
årshjul is narrowed to the district; the preparation group compiles the
year. On every page visited, every link is followed as that reader (none
may answer 4xx or 5xx) and no picker may show a label twice. The admin
site is never opened."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from samverkan.agreements.models import AgreementVersion
from samverkan.notifications.models import Notification
from samverkan.plans.models import ActionPlan
from tests.browser.menu import go
from tests.browser.walk import (
    Walk,
    add_problem,
    adopt_plan,
    compile_year,
    create_picture,
    invitation,
    record_priorities,
    submit_follow_up,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()
NEXT_YEAR = dt.date(TODAY.year + 1, 1, 1)


def test_a_district_goes_through_the_whole_cycle_by_forms(page, live_server, stockholm):
    walk = Walk(page, live_server)
    police = "Lokalpolisområde Södermalm"

    # --- the administrator sets up Södermalm's people and steering group ---------
    walk.sign_in("admin")
    go(page, "Organ")
    walk.check()
    page.get_by_role("link", name=re.compile("Sätt upp en stadsdel")).click()
    page.get_by_role("link", name="Södermalm", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Södermalm")
    walk.check()
    links = {}
    person = page.locator("form").filter(has=page.locator("input[name=action][value=person]"))
    for username, first, organisation, role in [
        ("sod.samordnare", "Sam", "Södermalms stadsdelsförvaltning", "Trygghetssamordnare (stadsdel)"),
        ("sod.polis", "Pia", police, "Kommunpolis"),
        ("sod.styrgrupp", "Stig", "Södermalms stadsdelsförvaltning", "Styrgruppsledamot"),
    ]:
        page.get_by_text("Lägg till en person").click()
        person.get_by_label("Förnamn").fill(first)
        person.get_by_label("Efternamn").fill("Södermalm")
        person.get_by_label("Användarnamn").fill(username)
        person.get_by_label("Organisation").select_option(label=organisation)
        person.get_by_label("Roll").select_option(label=role)
        person.get_by_role("button", name="Lägg till").click()
        links[username] = invitation(page)
    page.get_by_role("button", name="Bilda gruppen").click()
    expect(page.get_by_role("status")).to_contain_text("Den lokala styrgruppen bildades.")
    seat = page.locator("form").filter(has=page.locator("input[name=action][value=seat]"))
    for organisation, role, chair in [
        ("Södermalms stadsdelsförvaltning", "Stadsdelsdirektör", True),
        (police, "Lokalpolisområdeschef", False),
    ]:
        page.get_by_text("Lägg till en plats").click()
        seat.get_by_label("Organisation").select_option(label=organisation)
        seat.get_by_label("Roll").fill(role)
        if chair:
            seat.get_by_label("Ordförande").check()
        seat.get_by_role("button", name="Lägg till platsen").click()
        expect(page.get_by_role("status")).to_contain_text("Platsen lades till.")
    walk.check()
    page.get_by_role("button", name="Logga ut").click()
    walk.who = ""

    # --- the invited people choose their passwords ------------------------------
    for link in links.values():
        walk.accept(link)

    # --- both parties draw their pictures ---------------------------------------
    walk.sign_in("sod.samordnare")
    go(page, "Lägesbilder")
    walk.check()
    picture_url = create_picture(
        page,
        agreement="Lokal samverkansöverenskommelse Södermalm",
        title=f"Lägesbild Södermalm {TODAY.year}",
        year=TODAY.year,
    )

    def draw(title, place, area):
        page.goto(picture_url)
        page.get_by_role("button", name="Starta vår lägesbild").click()
        walk.check()
        add_problem(
            page, title=title, place=place, priority_area="Otrygga och brottsutsatta platser", area=area
        )
        walk.check()
        page.get_by_role("button", name="Lämna in vår lägesbild").click()

    draw("Otrygghet kring Medborgarplatsen", "Medborgarplatsen", "Södermalm (stadsdel)")
    walk.sign_in("sod.polis")
    draw("Narkotikahandel vid Slussen", "Slussen", "Södermalm (stadsdelsområde)")
    page.get_by_role("link", name="Öppna den gemensamma analysen").click()
    joint_url = page.url
    walk.check()

    # --- the joint analysis: matrix, causes, the steering group's decision ------
    walk.sign_in("sod.samordnare")
    page.goto(joint_url)
    steps = page.get_by_role("navigation", name="Den gemensamma analysens steg")
    steps.get_by_role("link", name="3. Prioritering").click()
    page.get_by_label("Frekvens: Otrygghet kring Medborgarplatsen").select_option("3")
    page.get_by_label("Trend: Otrygghet kring Medborgarplatsen").select_option("2")
    page.get_by_role("button", name="Spara poäng").click()
    walk.check()
    steps.get_by_role("link", name="4. Orsaker").click()
    page.get_by_role("link", name=re.compile("Orsaksanalys")).first.click()
    page.get_by_role("combobox", name=re.compile("^Gren")).select_option(index=0)
    page.get_by_role("textbox", name="Orsak:").fill("Dålig belysning på kvällstid")
    page.get_by_role("button", name="Lägg till orsak").click()
    walk.check()

    walk.sign_in("sod.styrgrupp")
    page.goto(joint_url)
    steps.get_by_role("link", name="5. Beslut och versioner").click()
    decision = page.locator("section[aria-labelledby=decision-heading]")
    options = decision.get_by_label("Beslutat av").locator("option").all_inner_texts()
    assert [o for o in options if o.strip() and "Välj" not in o] == ["Lokal styrgrupp Södermalm"]
    record_priorities(
        page,
        body="Lokal styrgrupp Södermalm",
        problem="Otrygghet kring Medborgarplatsen",
        minutes="§ 4",
        on=TODAY,
    )
    walk.check()

    # --- from the analysis to an adopted action plan and its follow-up ----------
    walk.sign_in("sod.samordnare")
    page.goto(joint_url)
    page.get_by_role("link", name=re.compile("Skapa åtgärdsplan")).first.click()
    walk.check()
    page.locator("form").filter(has=page.get_by_role("button", name="Skapa")).get_by_role(
        "button", name="Skapa"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Åtgärdsplan")
    plan_url = page.url
    new = page.locator("section[aria-labelledby=measure-new]")
    new.get_by_label(re.compile(r"^Åtgärd:?$")).fill("Belysning och trygghetsvandring vid Medborgarplatsen")
    new.get_by_label("Prioriterat problem").select_option(label="Otrygghet kring Medborgarplatsen")
    new.get_by_label(re.compile("Dålig belysning på kvällstid")).check()
    new.get_by_role("button", name="Lägg till åtgärden").click()
    expect(page.get_by_text("Åtgärden lades till.")).to_be_visible()
    walk.check()

    walk.sign_in("sod.styrgrupp")
    page.goto(plan_url)
    adopt_plan(page, body="Lokal styrgrupp Södermalm", on=TODAY)
    walk.check()

    walk.sign_in("sod.samordnare")
    page.goto(plan_url)
    submit_follow_up(
        page,
        year=TODAY.year + 1,
        measure="Belysning och trygghetsvandring",
        progress=30,
        narrative="Belysningen är beställd.",
    )
    walk.check()
    plan = ActionPlan.objects.get(agreement__area__code="sodermalm")
    report = plan.reports.get()
    assert Notification.objects.filter(
        user__username="sod.polis", key=f"report-submitted:{report.pk}"
    ).exists()

    # --- the årshjul, narrowed to the district ----------------------------------
    page.get_by_role("link", name="Årshjul").click()
    page.get_by_label("Stadsdel", exact=True).select_option(label="Södermalm")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_label("Stadsdel", exact=True)).to_have_value(str(plan.agreement.area_id))
    walk.check()

    # --- the local agreement through consultation, minutes and adoption ---------
    local = AgreementVersion.objects.get(agreement__area__code="sodermalm", status="adopted")
    page.goto(f"{live_server.url}/agreements/versions/{local.pk}/")
    walk.check()
    page.get_by_text("Ta fram ett revideringsutkast av den här versionen").click()
    page.get_by_label("Utkastets namn").fill("Lokal överenskommelse Södermalm (revidering)")
    page.get_by_label("Diarienummer").fill("SÖD 2026/900")
    page.get_by_role("button", name="Ta fram utkastet").click()
    draft_url = page.url
    walk.check()

    walk.sign_in("beredning")
    page.goto(draft_url)
    page.get_by_role("link", name="Skicka på remiss").click()
    page.get_by_label(re.compile(r"^Titel:?$")).fill("Remiss av Södermalms lokala överenskommelse")
    page.get_by_label(re.compile(r"^Diarienummer:?$")).fill("SÖD 2026/900")
    page.get_by_label(re.compile(r"^Remitterad av:?$")).select_option(index=1)
    page.get_by_label(re.compile(r"^Utskickad:?$")).fill(TODAY.isoformat())
    page.get_by_label(re.compile(r"^Sista svarsdag:?$")).fill((TODAY + dt.timedelta(days=30)).isoformat())
    page.get_by_label("Södermalms stadsdelsnämnd").check()
    page.get_by_role("button", name="Skicka ut").click()
    round_url = page.url
    walk.check()

    walk.sign_in("sod.samordnare")
    page.goto(round_url)
    page.get_by_role("link", name=re.compile("Skriv remissvaret")).click()
    page.get_by_label(re.compile(r"^Förslag till beslut:?$")).fill("Nämnden överlämnar svaret.")
    page.get_by_label(re.compile(r"^Sammanfattning:?$")).fill("Förvaltningen tillstyrker revideringen.")
    page.get_by_role("button", name="Spara utkastet till remissvar").click()
    page.get_by_role("button", name="Lämna in").click()
    expect(page.get_by_text("Remissvaret skickades in.")).to_be_visible()
    walk.check()
    page.get_by_role("link", name="Registrera nämndens protokollsparagraf").click()
    page.locator("#id_meeting_date").fill(TODAY.isoformat())
    page.locator("#id_paragraph").fill("§ 12")
    page.locator("#id_decision").fill("Nämnden överlämnar förvaltningens tjänsteutlåtande.")
    page.locator("#id_p-0-label").fill("Förvaltningens förslag")
    page.locator("#id_p-0-adopted").check()
    page.get_by_role("button", name="Registrera", exact=True).click()
    expect(page.get_by_text("Protokollsparagrafen registrerades.")).to_be_visible()
    walk.check()

    page.goto(draft_url)
    page.get_by_role("link", name="Registrera beslutet").click()
    page.get_by_label("Beslutat av").select_option(label="Södermalms stadsdelsnämnd")
    page.get_by_label("Beslutsdatum").fill(TODAY.isoformat())
    page.get_by_label(re.compile(r"^Gäller från:?$")).fill(NEXT_YEAR.isoformat())
    page.get_by_role("button", name="Anta versionen").click()
    expect(page.get_by_text("Versionen antogs.")).to_be_visible()
    walk.check()
    local.refresh_from_db()
    assert local.valid_to == NEXT_YEAR - dt.timedelta(days=1)
    page.goto(round_url)
    expect(page.get_by_role("status")).to_contain_text("Remissen är stängd")
    walk.check()

    # --- the preparation group compiles the year --------------------------------
    walk.sign_in("beredning")
    compile_year(page, TODAY.year)
    expect(page.get_by_text(re.compile("Preliminär"))).to_be_visible()
    expect(page.get_by_role("heading", name="Södermalm")).to_be_visible()
    walk.check()
    assert walk.pages >= 25 and len(walk.seen) > 100
