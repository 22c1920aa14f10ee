"""Going somewhere through the main menu, as a person does: open the group, follow the link."""

from playwright.sync_api import Page

GROUPS = {
    "Överenskommelser": "Överenskommelser",
    "Stadsdelsöversikt": "Överenskommelser",
    "Remisser": "Överenskommelser",
    "Områden": "Läge och data",
    "Lägesbilder": "Läge och data",
    "Veckolägesbilder": "Läge och data",
    "Dataimport": "Läge och data",
    "Åtgärdsplaner": "Planer och organ",
    "Organ": "Planer och organ",
    "Lagkrav": "Planer och organ",
    "Uppsättning": "Administration",
    "Händelselogg": "Administration",
}


def go(page: Page, name: str) -> None:
    menu = page.get_by_role("navigation", name="Huvudmeny")
    if name in GROUPS:
        menu.locator("summary", has_text=GROUPS[name]).click()
    menu.get_by_role("link", name=name, exact=True).click()
