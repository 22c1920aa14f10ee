"""A municipality without districts – Umeå, not Stockholm – set up in
Chromium through the set-up pages only (its boundary from a national file
of all municipalities in SWEREF 99 TM), then through one yearly cycle at
municipality level to the compilation as PDF, while the Lagkrav page turns
green requirement by requirement. The admin site is never opened."""

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from samverkan.organisations.models import Municipality
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

FIXTURES = Path(__file__).parent.parent / "fixtures"
TODAY = dt.date.today()


def law_met(walk: Walk) -> set[str]:
    """The requirements met this year, as the Lagkrav page shows them."""
    page = walk.page
    go(page, "Lagkrav")
    walk.check()
    year = page.locator(f"section[aria-labelledby=law-{TODAY.year}]")
    return set(
        year.locator("li.requirement.met").evaluate_all("items => items.map(i => i.dataset.requirement)")
    )


class Laps:
    """How long each step took in the browser, printed at the end (pytest -s shows it)."""

    def __init__(self):
        self.started = self.last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.laps.append((step, now - self.last))
        self.last = now

    def print(self) -> None:
        for step, seconds in self.laps:
            print(f"{step:<50} {seconds:6.1f} s")
        print(f"{'in all':<50} {time.perf_counter() - self.started:6.1f} s")


def test_a_municipality_without_districts_is_set_up_in_the_app_and_runs_its_year(
    page, live_server, stockholm
):
    walk = Walk(page, live_server)
    lap = Laps()

    # --- the installation's administrator adds Umeå from the national list --------
    walk.sign_in("admin")
    go(page, "Uppsättning")
    walk.check()
    page.get_by_label(re.compile(r"^Kommun:?$")).select_option(label="2480 Umeå (Västerbottens län)")
    page.get_by_label("Namn i Samverkan").fill("Umeå kommun")
    page.get_by_label("Kommunens förvaltning").fill("Kommunledningskontoret")
    page.get_by_label("Förnamn").fill("Ulla")
    page.get_by_label("Efternamn").fill("Umeå")
    page.get_by_label("Användarnamn").fill("ume.admin")
    page.get_by_role("button", name="Lägg till kommunen").click()
    link = invitation(page)
    umea = Municipality.objects.get(code="2480")
    assert umea.police_region.name == "Polisregion Nord"
    page.get_by_role("button", name="Logga ut").click()
    walk.who = ""
    walk.accept(link)
    lap("add the municipality from the national list")

    # --- Umeå's administrator walks the steps -------------------------------------
    walk.sign_in("ume.admin")
    go(page, "Uppsättning")
    expect(
        page.get_by_text("2 av 8 steg klara.")
    ).to_be_visible()  # the administration and the police region come with it
    walk.check()
    assert law_met(walk) == set()
    lap("its administrator accepts and signs in")

    go(page, "Uppsättning")
    page.get_by_role("link", name="Kommungränsen").click()
    page.get_by_role("link", name="Läs in en gränsfil").click()
    expect(page.get_by_label("Källa")).to_have_value("boundaries")
    page.locator("#id_file").set_input_files(str(FIXTURES / "kommuner_sweref99.geojson"))
    page.get_by_role("button", name="Kontrollera filen").click()
    expect(page.get_by_text(re.compile("Umeå kommun får en gräns"))).to_be_visible()
    page.get_by_role("button", name="Importera").click()
    expect(page.locator("#status")).to_have_text("Importerad")
    umea.refresh_from_db()
    assert umea.geometry is not None
    lap("boundary from the national file")

    go(page, "Uppsättning")
    page.get_by_role("link", name="Delområden").click()
    page.get_by_label("Inga: hela kommunen är ett område").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Sparat.")
    walk.check()

    lap("sub-areas: none")
    page.get_by_role("link", name=re.compile("Nästa: Organisationer")).click()
    for kind, name in [("Kommunstyrelse", "Kommunstyrelsen"), ("Lokalpolisområde", "Lokalpolisområde Umeå")]:
        page.get_by_label("Typ").select_option(label=kind)
        page.get_by_label(re.compile(r"^Namn:?$")).fill(name)
        page.get_by_role("button", name="Lägg till").click()
        expect(page.get_by_role("status")).to_contain_text(f"{name} lades till.")
    walk.check()

    lap("organisations")
    page.get_by_role("link", name=re.compile("Nästa: Personer och roller")).click()
    links = {}
    for username, first, organisation, role in [
        ("ume.samordnare", "Sam", "Kommunledningskontoret", "Central beredningsgrupp"),
        ("ume.polis", "Pia", "Lokalpolisområde Umeå", "Kommunpolis"),
        ("ume.radet", "Rut", "Kommunledningskontoret", "Styrgruppsledamot"),
    ]:
        page.get_by_label("Förnamn").fill(first)
        page.get_by_label("Efternamn").fill("Umeå")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Organisation").select_option(label=organisation)
        page.get_by_label(re.compile(r"^Roll:?$")).select_option(label=role)
        page.get_by_role("button", name="Lägg till").click()
        links[username] = invitation(page)
    walk.check()

    lap("people and roles (three invited)")
    page.get_by_role("link", name=re.compile("Nästa: Organ")).click()
    body = page.locator("form").filter(has=page.locator("input[name=action][value=body]"))
    body.get_by_label("Typ").select_option(label="Brottsförebyggande råd")
    body.get_by_label("Namn").fill("Brottsförebyggande rådet i Umeå")
    body.get_by_role("button", name="Lägg till").click()
    seat = page.locator("form").filter(has=page.locator("input[name=action][value=seat]"))
    for organisation, role, chair in [
        ("Kommunstyrelsen", "Kommunstyrelsens ordförande", True),
        ("Lokalpolisområde Umeå", "Lokalpolisområdeschef", False),
    ]:
        seat.get_by_label("Organisation").select_option(label=organisation)
        seat.get_by_label("Roll").fill(role)
        if chair:
            seat.get_by_label("Ordförande").check()
        seat.get_by_role("button", name="Lägg till platsen").click()
        expect(page.get_by_role("status")).to_contain_text("Platsen lades till.")
    walk.check()

    lap("bodies and seats")
    page.get_by_role("link", name=re.compile("Nästa: Samordningsfunktion")).click()
    page.get_by_label("Organisation med samordningsfunktionen").select_option(label="Kommunledningskontoret")
    page.get_by_label(re.compile(r"^Samordningsfunktion:?$")).fill("Brottsförebyggande samordnare")
    page.get_by_label("Organ som beslutar åtgärdsplanen").select_option(
        label="Brottsförebyggande rådet i Umeå"
    )
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Sparat.")
    walk.check()
    assert law_met(walk) == {"coordination"}

    lap("coordinating function")
    go(page, "Uppsättning")
    page.get_by_role("link", name="Den första överenskommelsen").click()
    page.locator("#id_agreement-title").fill("Samverkansöverenskommelse Umeå")
    page.locator("#id_version-label").fill(f"Överenskommelse {TODAY.year}")
    page.locator("#id_version-valid_from").fill(f"{TODAY.year}-01-01")
    parties = page.get_by_role("group", name="Parter")
    parties.get_by_label("Kommunledningskontoret").check()
    parties.get_by_label("Lokalpolisområde Umeå").check()
    page.locator("#id_areas-0-name").fill("Trygga offentliga miljöer")
    page.locator("#id_areas-0-goals").fill("Ökad trygghet i centrum\nFärre skadegörelsebrott")
    page.get_by_role("button", name="Lägg till överenskommelsen").click()
    expect(page.get_by_role("status")).to_contain_text("Samverkansöverenskommelse Umeå lades till.")
    walk.check()
    go(page, "Uppsättning")
    expect(page.get_by_text("8 av 8 steg klara.")).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()
    walk.who = ""
    for link in links.values():
        walk.accept(link)

    lap("first agreement; the invited choose passwords")
    # --- the situation picture for the whole municipality -------------------------
    walk.sign_in("ume.samordnare")
    go(page, "Lägesbilder")
    walk.check()
    picture_url = create_picture(
        page,
        agreement="Samverkansöverenskommelse Umeå",
        title=f"Lägesbild Umeå {TODAY.year}",
        year=TODAY.year,
    )

    def draw(title, place, evidence):
        page.goto(picture_url)
        page.get_by_role("button", name="Starta vår lägesbild").click()
        add_problem(page, title=title, place=place, priority_area="Trygga offentliga miljöer")
        for kind, text in evidence:
            page.get_by_text("Bifoga underlag").click()
            page.get_by_label("Typ av källa").select_option(label=kind)
            page.get_by_label("Vad det visar").fill(text)
            page.get_by_role("button", name="Bifoga", exact=True).click()
            expect(page.get_by_text(text)).to_be_visible()
        walk.check()
        page.get_by_role("button", name="Lämna in vår lägesbild").click()

    draw(
        "Skadegörelse kring Vasaplan",
        "Vasaplan",
        [("Statistik", "Anmälda skadegörelsebrott har ökat i centrum"),
         ("Trygghetsmätning", "Fler känner sig otrygga vid Vasaplan på kvällen")],
    )  # fmt: skip
    walk.sign_in("ume.polis")
    draw("Ungdomsgrupper vid Rådhustorget", "Rådhustorget", [("Statistik", "Fler ordningsstörningar")])
    page.get_by_role("link", name="Öppna den gemensamma analysen").click()
    joint_url = page.url
    walk.check()

    lap("both parties' pictures with evidence")
    walk.sign_in("ume.samordnare")
    page.goto(joint_url)
    steps = page.get_by_role("navigation", name="Den gemensamma analysens steg")
    steps.get_by_role("link", name="3. Prioritering").click()
    page.get_by_label("Frekvens: Skadegörelse kring Vasaplan").select_option("3")
    page.get_by_role("button", name="Spara poäng").click()
    walk.check()

    walk.sign_in("ume.radet")
    page.goto(joint_url)
    steps.get_by_role("link", name="5. Beslut och versioner").click()
    record_priorities(
        page,
        body="Brottsförebyggande rådet i Umeå",
        problem="Skadegörelse kring Vasaplan",
        minutes="§ 3",
        on=TODAY,
    )
    walk.check()
    assert law_met(walk) == {"coordination", "picture"}

    lap("joint analysis: scores and the council's decision")
    # --- the action plan, decided by the council, and its follow-up ---------------
    walk.sign_in("ume.samordnare")
    page.goto(joint_url)
    page.get_by_role("link", name=re.compile("Skapa åtgärdsplan")).first.click()
    create = page.locator("form").filter(has=page.get_by_role("button", name="Skapa"))
    year = create.get_by_label(re.compile(r"^År:?$"))
    if year.count():
        year.fill(str(TODAY.year))
    create.get_by_role("button", name="Skapa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Åtgärdsplan")
    plan_url = page.url
    new = page.locator("section[aria-labelledby=measure-new]")
    new.get_by_label(re.compile(r"^Åtgärd:?$")).fill("Trygghetsvandringar och belysning vid Vasaplan")
    new.get_by_label("Prioriterat problem").select_option(label="Skadegörelse kring Vasaplan")
    new.get_by_role("button", name="Lägg till åtgärden").click()
    expect(page.get_by_text("Åtgärden lades till.")).to_be_visible()
    walk.check()

    walk.sign_in("ume.radet")
    page.goto(plan_url)
    adopt_plan(page, body="Brottsförebyggande rådet i Umeå", on=TODAY)
    walk.check()
    assert law_met(walk) == {"coordination", "picture", "plan"}

    lap("action plan made and decided")

    # --- a citizen promise, approved by both parties, on the public page ------------
    walk.sign_in("ume.polis")
    go(page, "Åtgärdsplaner")
    page.get_by_role("link", name="Medborgarlöften och gemensam kommunikation").click()
    form = page.locator("form").filter(has=page.get_by_role("button", name="Spara"))
    form.get_by_label(re.compile(r"^Överenskommelse:?$")).select_option(
        label="Samverkansöverenskommelse Umeå"
    )
    form.get_by_label("Typ").select_option(label="Medborgarlöfte")
    form.get_by_label(re.compile(r"^År:?$")).fill(str(TODAY.year))
    form.get_by_label("Titel").fill("Vi finns på Vasaplan varje fredagskväll")
    form.get_by_label(re.compile(r"^Text:?$")).fill(
        "Kommunen och polisen lovar att finnas på Vasaplan varje fredag."
    )
    form.get_by_role("button", name="Spara").click()
    promise_url = page.url
    page.get_by_role("button", name="Godkänn för min organisation").click()
    expect(page.get_by_text("Din organisations godkännande registrerades.")).to_be_visible()
    walk.check()
    walk.sign_in("ume.samordnare")
    page.goto(promise_url)
    page.get_by_role("button", name="Godkänn för min organisation").click()
    expect(page.get_by_text("Alla parter har godkänt texten; den är publicerad.")).to_be_visible()
    walk.check()
    public = page.request.get(f"{live_server.url}/public/2480/").text()
    assert "Vi finns på Vasaplan varje fredagskväll" in public and "Umeå" in public
    lap("citizen promise approved and published")
    walk.sign_in("ume.samordnare")
    page.goto(plan_url)
    submit_follow_up(
        page,
        year=TODAY.year,
        measure="Trygghetsvandringar och belysning",
        progress=40,
        narrative="Två vandringar är gjorda.",
    )
    walk.check()
    assert law_met(walk) == {"coordination", "picture", "plan", "follow_up"}

    lap("follow-up submitted")
    # --- the yearly compilation, as PDF --------------------------------------------
    compile_year(page, TODAY.year)
    expect(page.get_by_text("Samverkansöverenskommelse Umeå").first).to_be_visible()
    walk.check()
    pdf = page.locator("a[href$='export.pdf']").first.get_attribute("href")
    response = page.request.get(f"{live_server.url}{pdf}")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert "Stockholm" not in page.locator("main").inner_text()
    lap("yearly compilation and its PDF")
    lap.print()
