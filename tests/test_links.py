"""No page links a reader to something the reader cannot open: for every
role, the pages people open every week are fetched and every link on them
that stays in the app is followed; none may answer 4xx or 5xx. None of
them names a source by the project's internal seed numbers."""

import re
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from samverkan.accounts.models import Role
from samverkan.agreements.models import AgreementVersion
from samverkan.consultations.demo import load_example_consultations
from samverkan.consultations.models import ConsultationRound
from samverkan.plans.demo import load_example_plans
from samverkan.situations.demo import load_example_pictures
from tests.conftest import stockholm_now, undone_after_the_module

CONFIG = Path(__file__).parent.parent / "samverkan/configurations/stockholm"
HREF = re.compile(r'href="([^"#]+)')
# Links that act rather than show, or leave the pages under test.
SKIPPED = ("/accounts/logout/", "/i18n/", "/static/", "/media/", "/admin/", "/api/")


def example(name):
    return tomllib.loads((CONFIG / name).read_text())


@pytest.fixture(scope="module")
def _worked_example(django_db_setup, django_db_blocker):
    """Loaded once for the module; the tests only read it."""
    with undone_after_the_module(django_db_blocker):
        stockholm = stockholm_now()
        picture = load_example_pictures(example("situations.toml"), municipality=stockholm)[0]
        plans = load_example_plans(example("plans.toml"), municipality=stockholm)
        load_example_consultations(example("consultations.toml"), municipality=stockholm)
        yield picture, plans


@pytest.fixture
def content(stockholm, _worked_example):
    return _worked_example


def start_pages(picture, plans) -> list[str]:
    return [
        reverse("agreements:overview"),
        reverse("situations:list"),
        reverse("situations:picture", args=[picture.pk]),
        reverse("situations:joint", args=[picture.joint.pk]),
        reverse("plans:list"),
        reverse("plans:detail", args=[plans[0].pk]),
        reverse("calendar:year"),
        reverse("consultations:list"),
        reverse("consultations:round", args=[ConsultationRound.objects.get(case_number="KS 2026/512").pk]),
        reverse("agreements:version", args=[AgreementVersion.objects.get(case_number="KS 2023/740").pk]),
        reverse("bodies:list"),
        reverse("notifications"),
    ]


def links(html: str, base: str) -> set[str]:
    found = set()
    for href in HREF.findall(html):
        url = urljoin(base, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or parts.path.startswith(SKIPPED):
            continue
        if re.search(r"\.(pdf|docx|xlsx|csv|geojson|json|zip)$", parts.path):
            continue  # exports: their access is tested per route in test_permissions
        found.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@pytest.mark.parametrize(
    "role",
    [
        Role.POLITICIAN,
        Role.STEERING_GROUP_MEMBER,
        Role.DISTRICT_COORDINATOR,
        Role.POLICE_CONTACT,
        Role.PREPARATION_GROUP,
        "other_coordinator",
    ],
)
def test_no_page_links_a_reader_to_what_they_cannot_open(client, cast, content, role):
    picture, plans = content
    client.force_login(cast[role])
    broken = []
    seen: set[str] = set()
    for page in start_pages(picture, plans):
        answer = client.get(page)
        if answer.status_code != 200:
            continue  # not the reader's page at all; the page itself is not linked for them
        # Sources are named by document and case number, never by the project's seed files.
        assert "Seed 0" not in answer.content.decode() and "seed 0" not in answer.content.decode(), page
        for link in sorted(links(answer.content.decode(), page) - seen):
            seen.add(link)
            status = client.get(link).status_code
            if status >= 400:
                broken.append((page, link, status))
    assert broken == [], "\n".join(map(str, broken))
