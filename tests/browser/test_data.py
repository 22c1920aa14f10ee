import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from samverkan.organisations.models import Area
from tests.browser.menu import go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_a_coordinator_checks_and_imports_a_bra_file_and_sees_it_on_the_district_page(signed_in, live_server):
    page = signed_in("beredning")
    go(page, "Dataimport")
    page.get_by_label("Källa").select_option("bra")
    page.locator("#id_file").set_input_files(str(FIXTURES / "bra_databasfil.txt"))
    page.get_by_role("button", name="Kontrollera filen").click()

    expect(page.locator("#status")).to_have_text("Kontrollerad, inte importerad")
    expect(page.locator("#count-new")).to_have_text("24")
    expect(page.get_by_text("Solna kommun (6)")).to_be_visible()
    page.get_by_role("button", name="Importera").click()
    expect(page.locator("#status")).to_have_text("Importerad")
    expect(page.get_by_role("status")).to_contain_text("24 nya rader")

    # The refresh task runs in the worker; here it is run directly.
    from samverkan.datasources.models import ImportBatch
    from samverkan.indicators.services import refresh_after_import

    refresh_after_import(ImportBatch.objects.get(status="imported"))
    area = Area.objects.get(code="rinkeby-kista")
    page.goto(f"{live_server.url}/areas/{area.pk}/?period=month")
    panel = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=re.compile("brott mot person"))
    )
    expect(panel.locator("canvas")).to_have_attribute("data-drawn", "3")
    expect(panel.get_by_role("table")).to_contain_text("2023-01")
    # The year of three months is a part period: drawn apart, and said so under the chart.
    page.goto(f"{live_server.url}/areas/{area.pk}/?period=year")
    year_panel = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=re.compile("brott mot person"))
    )
    expect(year_panel.locator("canvas")).to_have_attribute("data-incomplete", "1")
    expect(year_panel).to_contain_text("ofylld fyrkant")
    page.goto(f"{live_server.url}/areas/{area.pk}/?period=month")
    expect(panel.get_by_role("table")).to_contain_text("Stockholms stad")
    expect(page.locator("#map")).to_have_attribute("data-loaded", re.compile(r"^[1-9]"))
    with page.expect_download() as download:
        panel.get_by_role("link", name="Ladda ned som CSV").click()
    assert download.value.suggested_filename == "rinkeby-kista-brott-mot-person-month.csv"


def test_a_file_with_errors_shows_its_line_numbers_and_cannot_be_imported(signed_in, live_server, tmp_path):
    broken = tmp_path / "trasig.txt"
    broken.write_bytes(
        (FIXTURES / "bra_databasfil.txt").read_bytes().replace(b";Feb;41;", b";Feb;fyrtio;", 1)
    )
    page = signed_in("samordnare")
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("Källa").select_option("bra")
    page.locator("#id_file").set_input_files(str(broken))
    page.get_by_role("button", name="Kontrollera filen").click()
    expect(page.locator("#status")).to_have_text("Avvisad")
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("fyrtio")
    expect(errors.get_by_role("cell", name="4", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Importera")).to_have_count(0)


def test_a_reporter_marks_an_observation_on_the_map_from_a_phone(signed_in, live_server, page):
    from samverkan.datasources.models import Observation

    page.set_viewport_size({"width": 390, "height": 844})
    signed_in("samordnare")
    page.goto(f"{live_server.url}/observations/new/")
    page.get_by_label("Klotter").check()
    field = page.locator("#observe-map")
    field.scroll_into_view_if_needed()  # choosing the category scrolled the page down
    box = field.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(field).to_have_attribute("data-marked", "1")
    expect(page.locator("#place-status")).to_contain_text("Platsen är markerad")
    page.get_by_label("Kort beskrivning").fill("Klotter på elskåpet")
    page.get_by_role("button", name="Spara observationen").click()
    expect(page.get_by_role("status").first).to_contain_text("Tack")
    saved = Observation.objects.get()
    assert 17.7 < saved.longitude < 18.3 and 59.2 < saved.latitude < 59.5
    expect(page.get_by_role("listitem").filter(has_text="Klotter")).to_have_count(1)


def test_the_district_map_shows_observations_and_their_hotspots(signed_in, live_server):
    from django.utils import timezone

    from samverkan.datasources.models import Observation, ObservationCategory
    from samverkan.organisations.models import Organisation

    jarva = Area.objects.get(code="jarva")
    Observation.objects.create(
        municipality=jarva.municipality,
        observed_at=timezone.now(),
        fingerprint="x",
        category=ObservationCategory.objects.get(name="Klotter"),
        longitude=17.925,
        latitude=59.388,
        area=jarva,
        organisation=Organisation.objects.get(name="Järva stadsdelsförvaltning"),
    )
    page = signed_in("samordnare")  # who records observations sees each one
    page.goto(f"{live_server.url}/areas/{jarva.pk}/")
    expect(page.locator("#map")).to_have_attribute("data-observations", "1")
    expect(page.locator("#map")).to_have_attribute("data-hotspots", "1")
    expect(page.locator(".leaflet-control-layers")).to_contain_text("Brännpunkter")


def test_a_preliminary_year_says_so_until_the_final_figures_replace_it(signed_in, live_server, tmp_path):
    from samverkan.datasources.models import ImportBatch
    from samverkan.indicators.services import refresh_after_import

    def check_and_import(path):
        page.goto(f"{live_server.url}/imports/")
        page.get_by_label("Källa").select_option("bra")
        page.locator("#id_file").set_input_files(str(path))
        page.get_by_role("button", name="Kontrollera filen").click()
        expect(page.locator("#status")).to_have_text("Kontrollerad, inte importerad")

    def imported_and_refreshed():
        page.get_by_role("button", name="Importera").click()
        expect(page.locator("#status")).to_have_text("Importerad")
        # The refresh task runs in the worker; here it is run directly.
        refresh_after_import(ImportBatch.objects.filter(status="imported").latest("pk"))

    def yearly_panel():
        page.goto(f"{live_server.url}/areas/{area.pk}/?period=year")
        return page.get_by_role("article").filter(
            has=page.get_by_role("heading", name=re.compile("brott mot person"))
        )

    def csv_of(panel) -> str:
        with page.expect_download() as download:
            panel.get_by_role("link", name="Ladda ned som CSV").click()
        return Path(download.value.path()).read_text(encoding="utf-8-sig")

    page = signed_in("beredning")
    area = Area.objects.get(code="sodermalm")
    preliminary = FIXTURES / "bra_omorganisation.txt"
    check_and_import(preliminary)
    imported_and_refreshed()

    panel = yearly_panel()
    expect(panel.get_by_role("table")).to_contain_text("2024 prel.")
    expect(panel.locator("canvas")).to_have_attribute("data-drawn", re.compile(r"^[1-9]"))
    assert "Södermalm;2024 prel.;" in csv_of(panel)

    final = tmp_path / "bra_slutlig.txt"
    final.write_bytes(preliminary.read_bytes().replace(b"2024 prel.", b"2024"))
    check_and_import(final)
    expect(page.get_by_text(re.compile(r"\d+ preliminära värden blir slutliga"))).to_be_visible()
    imported_and_refreshed()

    panel = yearly_panel()
    expect(panel.get_by_role("table")).not_to_contain_text("prel.")
    expect(panel.get_by_role("table")).to_contain_text("2024")
    csv = csv_of(panel)
    assert "Södermalm;2024;" in csv and "prel." not in csv
