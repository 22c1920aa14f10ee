"""Walking through the app as its people do: signing in and out, and checking
every page shown (no picker shows a label twice; every link opens for the
reader)."""

import datetime as dt
import re
from urllib.parse import urlsplit

from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.menu import go

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


# --- steps of the yearly cycle that every walk takes the same way --------------------


def create_picture(page, *, agreement: str, title: str, year: int) -> str:
    """A situation picture of a year under an agreement, made on the list page; its address."""
    page.get_by_label(re.compile(r"^(Lokal )?överenskommelse:?$", re.IGNORECASE)).select_option(
        label=agreement
    )
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Period från").fill(f"{year}-01-01")
    page.get_by_label("Period till").fill(f"{year}-12-31")
    page.get_by_role("button", name="Skapa").click()
    return page.url


def add_problem(page, *, title: str, place: str, priority_area: str, area: str | None = None) -> None:
    """On a party's own picture: a problem at a place (and area), under a priority area."""
    page.get_by_role("textbox", name=re.compile("^Problem")).fill(title)
    page.get_by_role("textbox", name=re.compile("^Var\\b")).fill(place)
    if area is not None:
        page.get_by_label(re.compile("^Område")).select_option(label=area)
    page.get_by_role("group", name=re.compile("samverkansområden", re.I)).get_by_label(priority_area).check()
    page.get_by_role("button", name="Lägg till problem").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def record_priorities(page, *, body: str, problem: str, minutes: str, on: dt.date) -> None:
    """On the joint analysis's decision step: the body adopts the prioritised problem."""
    decision = page.locator("section[aria-labelledby=decision-heading]")
    decision.get_by_label("Beslutat av").select_option(label=body)
    decision.get_by_label("Beslutsdatum").fill(on.isoformat())
    decision.get_by_label("Protokollhänvisning").fill(minutes)
    decision.get_by_role("group", name="Prioriterade problem").get_by_label(problem).check()
    decision.get_by_role("button", name="Registrera beslut").click()
    expect(page.get_by_text("Beslutet registrerades.")).to_be_visible()


def adopt_plan(page, *, body: str, on: dt.date) -> None:
    """On an action plan's page: the body adopts it."""
    adopt = page.locator("section[aria-labelledby=adopt-heading]")
    adopt.get_by_label("Beslutat av").select_option(label=body)
    adopt.get_by_label("Beslutsdatum").fill(on.isoformat())
    adopt.get_by_role("button", name="Anta planen").click()
    expect(page.get_by_text("Beslutet att anta planen registrerades.")).to_be_visible()


def submit_follow_up(page, *, year: int, measure: str, progress: int, narrative: str) -> None:
    """On an action plan's page: a first-tertial follow-up of one measure, submitted."""
    start = page.locator("section[aria-labelledby=report-heading]")
    start.get_by_label(re.compile(r"^År:?$")).fill(str(year))
    start.get_by_label("Tertial").select_option("1")
    start.get_by_role("button", name="Påbörja uppföljningen").click()
    line = page.get_by_role("group", name=re.compile(measure))
    line.get_by_label("Status").select_option(label="Pågår")
    line.get_by_label("Framsteg (%)").fill(str(progress))
    page.get_by_label("Redogörelse").fill(narrative)
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.get_by_role("button", name="Lämna in uppföljningen").click()
    expect(page.get_by_text(re.compile("Uppföljningen lämnades till"))).to_be_visible()


def compile_year(page, year: int) -> None:
    """The yearly compilation asked for, made by the worker, and opened."""
    go(page, "Åtgärdsplaner")
    page.get_by_role("link", name="Årssammanställningar").click()
    page.get_by_label(re.compile(r"^År:?$")).fill(str(year))
    page.get_by_role("button", name="Ta fram").click()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    expect(page.locator("#annual-status")).to_contain_text("Sammanställningen är klar.", timeout=15_000)
    page.get_by_role("link", name="Visa den").click()
