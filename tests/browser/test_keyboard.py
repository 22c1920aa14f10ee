"""Keyboard only, no pointer: sign in, find the district page, add an
observation there. Every element reached shows where the focus is."""

import pytest
from playwright.sync_api import expect

from samverkan.datasources.models import Observation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_VISIBLE = """(() => { const s = getComputedStyle(document.activeElement);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; })()"""


def tab_to(page, condition: str, limit: int = 120) -> None:
    """Press Tab until the focused element meets the condition (JavaScript on `e`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!({condition}); }})()"):
            assert page.evaluate(FOCUS_VISIBLE), f"no visible focus on {condition}"
            return
    raise AssertionError(f"Tab never reached {condition}")


def link(text: str) -> str:
    return f"e.tagName === 'A' && e.textContent.trim() === {text!r}"


def test_sign_in_find_the_district_and_add_an_observation_by_keyboard(page, live_server, stockholm):
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "e.name === 'username'")
    page.keyboard.type("samordnare")
    tab_to(page, "e.name === 'password'")
    page.keyboard.type("samverkan")
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_visible()

    tab_to(page, "e.tagName === 'SUMMARY' && e.textContent.trim() === 'Läge och data'")
    page.keyboard.press("Enter")  # opens the menu group
    tab_to(page, link("Områden"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stadsdelsområden")
    tab_to(page, link("Norra innerstaden"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Norra innerstaden")
    tab_to(page, link("Ny observation i Norra innerstaden"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny observation i Norra innerstaden")

    tab_to(page, "e.type === 'radio'")
    for _ in range(20):
        if page.evaluate("document.activeElement.labels[0].textContent.trim()") == "Klotter":
            break
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Klotter")).to_be_checked()
    tab_to(page, "e.id === 'observe-map'")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator("#place-status")).to_contain_text("Platsen är markerad")
    tab_to(page, "e.name === 'description'")
    page.keyboard.type("Nytt klotter på elskåpet")
    tab_to(page, "e.tagName === 'BUTTON' && e.type === 'submit'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Tack")

    saved = Observation.objects.get(description="Nytt klotter på elskåpet")
    assert saved.category.name == "Klotter" and saved.longitude is not None
    assert saved.area is not None and saved.area.name == "Norra innerstaden"
