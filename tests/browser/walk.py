"""Walking through the app as its people do: signing in and out, and checking
every page shown (no picker shows a label twice; every link opens for the
reader)."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

PASSWORD = "Södermalm-Trygg-2026"  # of the people invited during a walk; the demo's own use "samverkan"
SKIPPED = ("/accounts/logout/", "/i18n/", "/admin/", "/static/", "/media/")
DUPLICATES = """() => {
  const found = [];
  for (const select of document.querySelectorAll('select')) {
    const labels = [...select.options].filter(o => o.value !== '').map(o => o.textContent.trim());
    const twice = labels.filter((label, i) => labels.indexOf(label) !== i);
    if (twice.length) found.push(`${select.name}: ${twice.join(', ')}`);
  }
  for (const group of document.querySelectorAll('fieldset')) {
    const labels = [...group.querySelectorAll('input[type=checkbox], input[type=radio]')]
      .map(input => input.labels.length ? input.labels[0].textContent.trim() : '');
    const twice = labels.filter((label, i) => label && labels.indexOf(label) !== i);
    if (twice.length) found.push(`fieldset: ${twice.join(', ')}`);
  }
  return found;
}"""


class Walk:
    """Signs people in and out, and checks every page it is shown."""

    def __init__(self, page, live_server):
        self.page, self.url, self.who = page, live_server.url, ""
        self.seen: set[tuple[str, str]] = set()
        self.pages = 0

    def sign_in(self, username: str):
        if self.who:
            self.page.get_by_role("button", name="Logga ut").click()
        self.page.goto(f"{self.url}/accounts/login/")
        self.page.get_by_label("Användarnamn").fill(username)
        self.page.get_by_label("Lösenord").fill(PASSWORD if "." in username else "samverkan")
        self.page.get_by_role("button", name="Logga in").click()
        expect(self.page.get_by_role("button", name="Logga ut")).to_be_visible()
        self.who = username
        return self.page

    def accept(self, link: str) -> None:
        """An invited person opens their link and chooses their password."""
        self.page.goto(f"{self.url}{link}")
        self.page.locator("#id_new_password1").fill(PASSWORD)
        self.page.locator("#id_new_password2").fill(PASSWORD)
        self.page.get_by_role("button", name="Spara lösenordet").click()
        expect(self.page.get_by_label("Användarnamn")).to_be_visible()

    def check(self):
        """No picker shows a label twice; every link here opens for this reader."""
        page = self.page
        page.wait_for_load_state()
        assert "/admin/" not in page.url
        assert page.evaluate(DUPLICATES) == [], page.url
        here = urlsplit(page.url)
        for href in page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"):
            parts = urlsplit(href)
            if parts.netloc != here.netloc or parts.path.startswith(SKIPPED):
                continue
            key = (self.who, parts.path + (f"?{parts.query}" if parts.query else ""))
            if key in self.seen:
                continue
            self.seen.add(key)
            status = page.request.get(href).status
            assert status < 400, f"{page.url} links {href}: {status} for {self.who}"
        self.pages += 1


def invitation(page) -> str:
    text = page.get_by_role("status").inner_text()
    return re.search(r"/accounts/invitation/\S+/", text).group(0)
