"""Situation pictures: confidentiality of drafts, freezing on submit, the
joint analysis with provenance, prioritisation, causes, versions, exports."""

import datetime as dt
import html
import io
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from samverkan.accounts.models import Role
from samverkan.agreements.models import Agreement
from samverkan.governance.models import Body
from samverkan.indicators.models import Indicator, IndicatorValue
from samverkan.organisations.models import Area
from samverkan.situations import services, snapshots
from samverkan.situations.demo import load_example_pictures
from samverkan.situations.models import Branch, Cause, PartyPicture, PrioritisationDecision, Problem
from samverkan.situations.selectors import joint_coverage, picture_parties, problem_parties, ranking

EXAMPLE = tomllib.loads(
    (Path(__file__).parent.parent / "samverkan/configurations/stockholm/situations.toml").read_text()
)


@pytest.fixture
def picture(stockholm):
    agreement = Agreement.objects.get(area__code="norra-innerstaden")
    return services.picture_create(
        agreement=agreement,
        title="Lägesbild 2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )


@pytest.fixture
def parties(picture):
    city, police = sorted(picture_parties(picture), key=lambda o: o.is_police)
    return city, police


def draft_with_problem(picture, organisation, title, **fields):
    party_picture = services.party_picture_start(picture=picture, organisation=organisation)
    services.problem_add(owner=party_picture, title=title, **fields)
    return party_picture


@pytest.fixture
def example(stockholm):
    return load_example_pictures(EXAMPLE, municipality=stockholm)[0]


def test_the_parties_are_the_district_administration_and_the_local_police_area(parties):
    city, police = parties
    assert city.name == "Norra innerstadens stadsdelsförvaltning" and police.short_name == "LPO Norrmalm"


def test_a_draft_is_hidden_from_the_other_party_until_it_is_submitted(client, cast, picture, parties):
    city, police = parties
    draft = draft_with_problem(picture, city, "Klotter i gångtunneln vid Odenplan")
    url = reverse("situations:party", args=[draft.pk])
    for role, status in [
        (Role.DISTRICT_COORDINATOR, 200),
        (Role.POLICE_CONTACT, 403),
        (Role.PREPARATION_GROUP, 403),
        (Role.ADMINISTRATOR, 403),
    ]:
        client.force_login(cast[role])
        assert client.get(url).status_code == status, role
    # The picture page shows the other party that a draft exists, not what it says.
    client.force_login(cast[Role.POLICE_CONTACT])
    page = client.get(reverse("situations:picture", args=[picture.pk])).content.decode()
    assert "Utkast" in page and url not in page and "gångtunneln" not in page
    services.party_picture_submit(party_picture=draft, user=cast[Role.DISTRICT_COORDINATOR])
    assert client.get(url).status_code == 200


def test_a_submitted_picture_is_frozen_and_a_new_version_carries_its_content(cast, picture, parties):
    city, _police = parties
    draft = draft_with_problem(picture, city, "Otrygghet på Plattan", place="Sergels torg")
    services.party_picture_submit(party_picture=draft, user=cast[Role.DISTRICT_COORDINATOR])
    with pytest.raises(ValidationError):
        services.problem_add(owner=draft, title="Något nytt")
    with pytest.raises(ValidationError):
        services.problem_update(problem=draft.problems.get(), title="Ändrad")
    second = services.party_picture_start(picture=picture, organisation=city)
    assert (second.number, second.supersedes, second.is_draft) == (2, draft, True)
    copied = second.problems.get()
    assert copied.place == "Sergels torg" and list(copied.derived_from.all()) == [draft.problems.get()]
    assert draft.problems.get().title == "Otrygghet på Plattan"


def test_an_empty_picture_cannot_be_submitted(cast, picture, parties):
    draft = services.party_picture_start(picture=picture, organisation=parties[0])
    with pytest.raises(ValidationError, match="minst ett problem"):
        services.party_picture_submit(party_picture=draft, user=cast[Role.DISTRICT_COORDINATOR])


def test_the_joint_analysis_opens_when_both_have_submitted_and_keeps_provenance(cast, picture, parties):
    city, police = parties
    city_draft = draft_with_problem(picture, city, "Otrygghet på Plattan")
    draft_with_problem(picture, city, "Mörka gångtunnlar")  # the same draft, a second problem
    assert services.party_picture_submit(party_picture=city_draft, user=None) is None
    police_draft = draft_with_problem(picture, police, "Narkotikahandel vid T-Centralen")
    analysis = services.party_picture_submit(party_picture=police_draft, user=None)
    assert analysis is not None and analysis.problems.count() == 3
    by_title = {p.title: p for p in analysis.problems.all()}
    merged = services.joint_problems_merge(
        keep=by_title["Otrygghet på Plattan"], other=by_title["Narkotikahandel vid T-Centralen"]
    )
    assert problem_parties(merged) == {"city", "police"}
    assert problem_parties(analysis.problems.get(title="Mörka gångtunnlar")) == {"city"}
    assert analysis.problems.count() == 2


def test_two_problems_of_the_same_party_are_not_merged(client, cast, picture, parties):
    city, police = parties
    city_draft = draft_with_problem(picture, city, "Otrygghet på Plattan")
    services.problem_add(owner=city_draft, title="Mörka gångtunnlar")
    services.party_picture_submit(party_picture=city_draft, user=None)
    analysis = services.party_picture_submit(
        party_picture=draft_with_problem(picture, police, "Narkotikahandel vid T-Centralen"), user=None
    )
    by_title = {p.title: p for p in analysis.problems.all()}
    with pytest.raises(ValidationError, match="samma parts lägesbild"):
        services.joint_problems_merge(
            keep=by_title["Otrygghet på Plattan"], other=by_title["Mörka gångtunnlar"]
        )
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    url = reverse("situations:merge", args=[analysis.pk])
    refused = client.post(
        url, {"keep": by_title["Otrygghet på Plattan"].pk, "other": by_title["Mörka gångtunnlar"].pk}
    )
    assert refused.status_code == 400 and "samma parts lägesbild" in refused.content.decode()
    assert analysis.problems.count() == 3
    merged = client.post(
        url, {"keep": by_title["Otrygghet på Plattan"].pk, "other": by_title["Narkotikahandel vid T-Centralen"].pk},
        follow=True,
    )  # fmt: skip
    assert "”Otrygghet på Plattan” rymmer nu båda problemens underlag" in merged.content.decode()


def test_a_new_version_submitted_later_joins_the_joint_problem_it_continues(picture, parties):
    city, police = parties
    services.party_picture_submit(party_picture=draft_with_problem(picture, city, "Plattan"), user=None)
    analysis = services.party_picture_submit(
        party_picture=draft_with_problem(picture, police, "T-Centralen"), user=None
    )
    second = services.party_picture_start(picture=picture, organisation=city)
    services.problem_add(owner=second, title="Bedrägerier mot äldre")
    services.party_picture_submit(party_picture=second, user=None)
    analysis.refresh_from_db()
    assert analysis.city_picture == second
    assert sorted(analysis.problems.values_list("title", flat=True)) == [
        "Bedrägerier mot äldre",
        "Plattan",
        "T-Centralen",
    ]
    plattan = analysis.problems.get(title="Plattan")
    assert plattan.derived_from.count() == 2  # version 1 and version 2 of the city's problem


def test_the_joint_page_highlights_a_problem_only_one_party_saw(client, cast, example):
    client.force_login(cast[Role.POLICE_CONTACT])
    page = client.get(
        reverse("situations:joint", args=[example.joint.pk]), {"step": "problems"}
    ).content.decode()
    assert "Endast staden såg detta problem." in page  # the tunnels
    assert "Endast polisen såg detta problem." in page  # fraud against the elderly


def test_coverage_names_the_priority_areas_no_problem_addresses(example):
    coverage = joint_coverage(example.joint)
    assert [a.name for a in coverage.missing_areas] == ["Systemhotande brottslighet"]
    unga = next(a for a in example.joint.problems.first().priority_areas.all() if a.name.startswith("Unga"))
    services.problem_add(owner=example.joint, title="Organiserad brottslighet i city", priority_areas=[])
    assert not joint_coverage(example.joint).ok
    problem = example.joint.problems.get(title="Organiserad brottslighet i city")
    systemhot = coverage.missing_areas[0]
    services.problem_update(problem=problem, priority_areas=[systemhot, unga])
    assert joint_coverage(example.joint).ok


def test_the_ranking_follows_the_scores_and_the_decision_records_it_once(cast, example):
    ranked = ranking(example.joint)
    totals = [r.total for r in ranked]
    assert totals == sorted(totals, reverse=True) and ranked[0].total == 21
    decision = example.joint.adopted_decision
    assert [item["rank"] for item in decision.ranking] == [1, 2, 3]
    ranks = dict(example.joint.problems.values_list("title", "rank"))
    assert ranks["Otrygghet och öppen narkotikahandel på Plattan"] == 1
    assert ranks["Mörka gångtunnlar vid Odenplan"] == 3
    decision.minutes_reference = "ändrad"
    with pytest.raises(ValueError):
        decision.save()
    assert PrioritisationDecision.objects.get(pk=decision.pk).minutes_reference == "Protokoll 2025-03-20, § 4"


def test_the_steering_group_member_records_a_decision_in_the_page(client, cast, example):
    joint = example.joint
    body = Body.objects.get(name="Lokal styrgrupp Norra innerstaden")
    aldre = joint.problems.get(title__startswith="Bedrägerier")
    client.force_login(cast[Role.STEERING_GROUP_MEMBER])
    response = client.post(
        reverse("situations:decision", args=[joint.pk]),
        {"body": body.pk, "decided_on": "2025-09-01", "minutes_reference": "§ 9", "problems": [aldre.pk]},
    )
    assert response.status_code == 302
    assert joint.adopted_decision.minutes_reference == "§ 9"
    assert list(joint.problems.filter(rank__isnull=False).values_list("pk", flat=True)) == [aldre.pk]


def test_a_cause_under_another_takes_its_branch_and_the_fishbone_shows_it(client, cast, example):
    problem = example.joint.problems.get(title__startswith="Bedrägerier")
    root = problem.causes.get(branch=Branch.OFFENDER)
    child = services.cause_add(
        problem=problem, parent=root, branch=Branch.PLACE, text="Nummer <som> förfalskas", confidence="low"
    )
    assert child.branch == Branch.OFFENDER
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    page = client.get(reverse("situations:causes", args=[problem.pk])).content.decode()
    assert "Nummer &lt;som&gt; förfalskas (låg)" in page and "<svg" in page
    other = example.joint.problems.get(title__startswith="Otrygghet")
    with pytest.raises(ValidationError):
        services.cause_add(problem=other, parent=root, branch=Branch.PLACE, text="x", confidence="low")
    assert Cause.objects.filter(text="x").count() == 0


def test_evidence_keeps_the_figures_it_was_attached_with(stockholm, picture, parties):
    indicator = Indicator.objects.get(municipality=stockholm, code="misshandel")
    area = Area.objects.get(code="norra-innerstaden")
    for year, value in [(2024, 4.0), (2025, 5.5)]:
        IndicatorValue.objects.create(
            indicator=indicator,
            area=area,
            period_kind="year",
            period_start=dt.date(year, 1, 1),
            label=str(year),
            count=int(value * 100),
            value=value,
            low=value - 0.5,
            high=value + 0.5,
        )
    draft = draft_with_problem(picture, parties[0], "Misshandel i city", area=area)
    evidence = services.evidence_add(
        problem=draft.problems.get(), source_kind="statistics", text="Ökar", indicator=indicator
    )
    assert [(r["label"], r["value"]) for r in evidence.figures["rows"]] == [("2024", 4.0), ("2025", 5.5)]
    IndicatorValue.objects.filter(indicator=indicator, label="2025").update(value=9.9)
    evidence.refresh_from_db()
    assert evidence.figures["rows"][1]["value"] == 5.5


def test_a_part_period_copied_as_evidence_keeps_its_mark(client, cast, stockholm, picture, parties):
    indicator = Indicator.objects.get(municipality=stockholm, code="misshandel")
    area = Area.objects.get(code="norra-innerstaden")
    for year, value, part in [(2025, 5.5, False), (2026, 4.2, True)]:
        IndicatorValue.objects.create(
            indicator=indicator, area=area, period_kind="year", period_start=dt.date(year, 1, 1),
            label=str(year), count=int(value * 100), value=value, low=value - 0.5, high=value + 0.5,
            incomplete=part, preliminary=part,
        )  # fmt: skip
    draft = draft_with_problem(picture, parties[0], "Misshandel i city", area=area)
    services.evidence_add(
        problem=draft.problems.get(), source_kind="statistics", text="Ökar", indicator=indicator
    )
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    page = client.get(reverse("situations:party", args=[draft.pk])).content.decode()
    rows = re.findall(r"<tr><td>(.*?)</td>", page)
    assert "ofullständig" in next(r for r in rows if r.startswith("2026 prel."))
    assert "ofullständig" not in next(r for r in rows if r.startswith("2025"))
    assert "2026 prel. (delperiod)" in page  # the chart's axis


def test_a_problem_in_a_neighbourhood_gets_its_districts_figures_saying_so(
    client, cast, stockholm, picture, parties
):
    from samverkan.organisations.selectors import neighbourhoods_of

    indicator = Indicator.objects.get(municipality=stockholm, code="misshandel")
    district = Area.objects.get(code="norra-innerstaden")
    vasastan, other = neighbourhoods_of(district, on=dt.date(2026, 12, 31))[:2]
    for area, value in [(district, 5.5), (other, 7.0)]:
        IndicatorValue.objects.create(
            indicator=indicator, area=area, period_kind="year", period_start=dt.date(2025, 1, 1),
            label="2025", count=550, value=value, low=value - 0.5, high=value + 0.5,
        )  # fmt: skip
    draft = services.party_picture_start(picture=picture, organisation=parties[0])
    for place in (vasastan, other):
        problem = services.problem_add(owner=draft, title=f"Misshandel i {place.name}", area=place)
        services.evidence_add(problem=problem, source_kind="statistics", text="Ökar", indicator=indicator)
    here, there = (p.evidence.get() for p in draft.problems.order_by("pk"))
    assert (here.indicator_area, here.figures["rows"][0]["value"]) == (district, 5.5)
    assert here.figures_note == f"Siffrorna gäller Norra innerstaden: källan har inga för {vasastan.name}."
    assert (there.indicator_area, there.figures["rows"][0]["value"], there.figures_note) == (other, 7.0, "")
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    page = client.get(reverse("situations:party", args=[draft.pk])).content.decode()
    assert html.escape(here.figures_note) in page and "importera källan" not in page.lower()


def test_a_personal_identity_number_in_a_problem_is_refused(client, cast, picture, parties):
    draft = services.party_picture_start(picture=picture, organisation=parties[0])
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    response = client.post(
        reverse("situations:problem_add", args=[draft.pk]),
        {"title": "Ungdom 811228-9874 vid torget", "situation": ""},
    )
    assert response.status_code == 400 and "811228-****" in response.content.decode()
    assert not draft.problems.exists()


def test_versions_are_kept_and_their_differences_shown(client, cast, example):
    joint = example.joint
    first, second = joint.versions.order_by("number")
    tunnels = joint.problems.get(title__startswith="Mörka")
    services.evidence_add(problem=tunnels, source_kind="staff", text="Belysningen lagad i oktober")
    changes = snapshots.diff(second.content, snapshots.snapshot(joint))
    assert [(c.kind, c.subject) for c in changes] == [("added", tunnels.title)]
    early = snapshots.diff(first.content, second.content)
    assert ("changed", "Prioriteringsbeslut") not in [(c.kind, c.subject) for c in early]
    assert any(c.subject == "Prioriteringsbeslut" and c.kind == "added" for c in early)
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    page = client.get(reverse("situations:diff", args=[joint.pk]) + "?from=2&to=current").content.decode()
    assert "1 nya underlag" in page
    # A saved version stays as it was.
    assert all(len(p["evidence"]) < 3 for p in second.content["problems"] if p["key"] == tunnels.pk)


def test_the_pdf_renders_its_pages_with_charts_and_fishbones(client, cast, example, tmp_path):
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    response = client.get(reverse("situations:export", args=[example.joint.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "lagesbild.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 2000 for p in pages)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in [
        "Gemensam lägesbild",
        "Otrygghet och öppen narkotikahandel på Plattan",
        "Offer eller mål",
        "Källor som inte använts",
    ]:
        assert expected in text, expected


def test_the_word_document_holds_sources_priorities_and_diagrams(client, cast, example):
    from docx import Document

    client.force_login(cast[Role.POLICE_CONTACT])
    response = client.get(reverse("situations:export", args=[example.joint.pk, "docx"]) + "?version=1")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Källor" in headings and "Prioriteringar" in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Ingen prioritering har antagits ännu." in text  # version 1 was saved before the decision
    current = Document(
        io.BytesIO(client.get(reverse("situations:export", args=[example.joint.pk, "docx"])).content)
    )
    text = "\n".join(p.text for p in current.paragraphs)
    assert "Otrygghet och öppen narkotikahandel på Plattan" in text and "Antagen av Lokal styrgrupp" in text
    assert len(current.inline_shapes) == 2  # the fishbones of the two problems with causes


def test_word_and_pdf_carry_the_same_prioritisation_matrix(client, cast, example, tmp_path):
    from docx import Document

    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    url = reverse("situations:export", args=[example.joint.pk, "docx"])
    document = Document(io.BytesIO(client.get(url).content))
    matrix = next(t for t in document.tables if t.rows[0].cells[0].text == "Problem")
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in list(matrix.rows)[1:]}
    expected = {
        problem.title: sum(score.score for score in problem.scores.all())
        for problem in example.joint.problems.all()
    }
    assert {title.split(". ", 1)[-1]: int(cells[-1]) for title, cells in rows.items()} == expected
    assert any(total > 0 for total in expected.values())
    pdf = tmp_path / "lagesbild.pdf"
    pdf.write_bytes(client.get(reverse("situations:export", args=[example.joint.pk, "pdf"])).content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Prioriteringsmatris" in text
    for cells in rows.values():
        assert " ".join(cells) in " ".join(text.split()) or all(c in text for c in cells)


def test_the_word_document_renders_to_pages(client, cast, example, tmp_path):
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    docx = tmp_path / "lagesbild.docx"
    docx.write_bytes(client.get(reverse("situations:export", args=[example.joint.pk, "docx"])).content)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        check=True,
        capture_output=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(tmp_path / "lagesbild.pdf"), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 2000 for p in pages)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "lagesbild.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Mörka gångtunnlar vid Odenplan" in text


def test_the_worked_example_loads_once(stockholm, example):
    again = load_example_pictures(EXAMPLE, municipality=stockholm)[0]
    assert again.pk == example.pk
    assert PartyPicture.objects.filter(picture=example).count() == 2
    assert Problem.objects.filter(analysis=example.joint).count() == 3
    assert example.is_example and all(p.is_example for p in example.joint.problems.all())


def test_observations_in_an_area_of_the_map_are_counted_as_evidence(client, cast, picture, parties):
    from tests.test_est import observe

    coordinator = cast[Role.DISTRICT_COORDINATOR]
    for day, category in [
        (dt.date(2026, 5, 1), "Klotter"),
        (dt.date(2026, 5, 2), "Klotter"),
        (dt.date(2025, 5, 2), "Klotter"),
    ]:
        observe(coordinator, day, category=category)
    draft = draft_with_problem(picture, parties[0], "Klotter kring Plattan")
    problem = draft.problems.get()
    client.force_login(coordinator)
    prefix = f"evidence-{problem.pk}"
    response = client.post(
        reverse("situations:evidence_add", args=[problem.pk]),
        {
            f"{prefix}-source_kind": "staff",
            f"{prefix}-text": "Fältassistenternas observationer",
            f"{prefix}-observation_area": Area.objects.get(code="norra-innerstaden").pk,
            f"{prefix}-period_kind": "year",
        },
    )
    assert response.status_code == 302
    evidence = problem.evidence.get()
    # The 2025 one is outside the period; 2 is below the limit, so neither it nor the total is shown.
    assert evidence.figures == {"observations": {"Klotter": None}, "total": None}
    page = client.get(reverse("situations:party", args=[draft.pk])).content.decode()
    assert "Observationer i det valda området: Klotter .." in page


def test_map_selection_counts_follow_the_disclosure_rule(stockholm, cast):
    """Klotter 7 + Nedskräpning 2 + Skadegörelse 12 = 21: the 2 is hidden, and so is the 7
    (the total less the others would give the 2 away); the 12 and the total are shown."""
    from samverkan.situations.selectors import selection_figures
    from tests.test_est import observe

    coordinator = cast[Role.DISTRICT_COORDINATOR]
    for category, count in (("Klotter", 7), ("Nedskräpning", 2), ("Skadegörelse", 12)):
        for n in range(count):
            observe(coordinator, dt.date(2026, 3, 1 + n), category=category)
    figures = selection_figures(
        Area.objects.get(code="norra-innerstaden").geometry,
        municipality=stockholm,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
    )
    assert figures == {
        "observations": {"Klotter": None, "Nedskräpning": None, "Skadegörelse": 12},
        "total": 21,
    }
