"""Maps with ground: the configured tile server under the app's layers,
and a clear note when its tiles cannot be loaded."""

import re

import pytest
from playwright.sync_api import expect

from samverkan.organisations.models import Area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_district(live_server, signed_in):
    page = signed_in("samordnare")
    page.goto(f"{live_server.url}/areas/{Area.objects.get(code='norra-innerstaden').pk}/")
    return page


def test_the_district_map_lies_on_the_configured_tiles(signed_in, live_server, settings):
    settings.SAMVERKAN_MAP_TILES = (
        f"{live_server.url}/static/vendor/leaflet/images/layers.png?{{z}}/{{x}}/{{y}}"
    )
    settings.SAMVERKAN_MAP_ATTRIBUTION = "Testkarta"
    page = open_district(live_server, signed_in)
    expect(page.locator("#map")).to_have_attribute("data-ground", "tiles")
    assert page.locator("#map img.leaflet-tile").count() > 0
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Testkarta")
    expect(page.locator(".map-note")).to_have_text("")


def test_without_tiles_the_map_says_so(signed_in, live_server, settings):
    settings.SAMVERKAN_MAP_TILES = f"{live_server.url}/no-such-tiles/{{z}}/{{x}}/{{y}}.png"
    page = open_district(live_server, signed_in)
    expect(page.locator("#map")).to_have_attribute("data-ground", "missing")
    expect(page.locator(".map-note")).to_contain_text(re.compile("Bakgrundskartan kunde inte laddas"))
    expect(page.locator("#map")).to_have_attribute(
        "data-loaded", re.compile(r"^[1-9]")
    )  # the areas still draw


def test_the_shaded_layer_has_a_legend_with_its_counts(signed_in, live_server):
    import datetime as dt

    from django.utils import timezone

    from samverkan.accounts.models import User
    from tests.test_est import observe

    coordinator = User.objects.get(username="samordnare")
    for days in (3, 5):
        observe(coordinator, timezone.localdate() - dt.timedelta(days=days))
    page = open_district(live_server, signed_in)
    expect(page.locator("#map")).to_have_attribute("data-legend", "1")
    expect(page.locator(".map-legend")).to_contain_text(re.compile(r"senaste 12 månaderna: 1–2"))


def test_the_city_map_shades_every_district_by_a_key_figure_with_a_legend(signed_in, live_server):
    import datetime as dt

    from django.utils import timezone

    from samverkan.indicators.models import Indicator, IndicatorValue

    indicator = Indicator.objects.get(code="misshandel")
    year = timezone.localdate().year - 1
    for code, value in [("jarva", 10.5), ("sodermalm", 6.2), ("farsta", 8.0)]:
        IndicatorValue.objects.create(
            indicator=indicator,
            area=Area.objects.get(code=code),
            period_kind="year",
            period_start=dt.date(year, 1, 1),
            label=str(year),
            value=value,
        )
    page = signed_in("politiker")
    page.goto(f"{live_server.url}/areas/")
    city = page.locator("#city-map")
    expect(city).to_have_attribute("data-loaded", re.compile(r"^[1-9]"))
    expect(city).to_have_attribute("data-shaded", "misshandel")
    expect(page.locator(".map-legend")).to_contain_text(f"{indicator.name}, {year}")
    expect(page.locator(".map-legend")).to_contain_text("6,2–10,5")
    # The same figures stand in the table under the map.
    expect(page.get_by_role("row", name=re.compile("Södermalm"))).to_contain_text("6,2")
    page.get_by_label("Skugga stadsdelarna efter").select_option("")
    expect(city).to_have_attribute("data-legend", "0")


def test_the_observation_map_opens_at_street_level_inside_the_reporters_district(
    signed_in, live_server, settings
):
    settings.SAMVERKAN_MAP_TILES = (
        f"{live_server.url}/static/vendor/leaflet/images/layers.png?{{z}}/{{x}}/{{y}}"
    )
    page = signed_in("samordnare")
    page.goto(f"{live_server.url}/observations/new/")
    observe = page.locator("#observe-map")
    expect(observe).to_have_attribute("data-ground", "tiles")
    expect(observe).to_have_attribute("data-view", "street")
    assert page.evaluate("document.querySelector('#observe-map path') !== null")  # the district's outline
    assert page.locator("#observe-map img.leaflet-tile").first.get_attribute("src").count("?15/") == 1


def test_without_tiles_the_observation_map_shows_the_whole_district(signed_in, live_server, settings):
    settings.SAMVERKAN_MAP_TILES = f"{live_server.url}/no-such-tiles/{{z}}/{{x}}/{{y}}.png"
    page = signed_in("samordnare")
    page.goto(f"{live_server.url}/observations/new/")
    expect(page.locator("#observe-map")).to_have_attribute("data-ground", "missing")
    expect(page.locator("#observe-map")).to_have_attribute("data-view", "whole")


def test_an_area_name_is_shown_as_text_in_the_map_tooltips(signed_in, live_server):
    """A name from a boundary file or a set-up document is text, never markup."""
    name = '<img src="/static/none.png" id="injected">Norra innerstaden'
    Area.objects.filter(code="norra-innerstaden").update(name=name)
    page = open_district(live_server, signed_in)
    expect(page.locator("#map")).to_have_attribute("data-loaded", re.compile(r"^[1-9]"))
    page.locator("#map path.leaflet-interactive").first.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip").first
    expect(tooltip).to_contain_text('<img src="/static/none.png" id="injected">')
    assert page.locator("#injected").count() == 0
    page.goto(f"{live_server.url}/areas/")
    expect(page.locator("#city-map path.leaflet-interactive").first).to_be_visible()
    for path in page.locator("#city-map path.leaflet-interactive").all():
        path.hover(force=True)
        if "<img" in (page.locator(".leaflet-tooltip").first.text_content() or ""):
            break
    assert page.locator("#injected").count() == 0
    expect(page.locator(".leaflet-tooltip").first).to_contain_text("<img")
