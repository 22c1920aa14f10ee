"""Action plans, follow-up and the yearly cycle: adoption rules, frozen
reports, the roll-up with its logged override, honest verdicts, the yearly
compilation and its documents, the årshjul and its reminders, joint
communication and the CSV/XLSX round trip."""

import datetime as dt
import io
import subprocess
import tomllib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.models import Role
from samverkan.agreements.models import Agreement
from samverkan.calendar import registry
from samverkan.calendar.services import reminders_send
from samverkan.datasources import loader
from samverkan.governance.models import Body
from samverkan.notifications.models import Notification
from samverkan.plans import figures, roundtrip, selectors, services
from samverkan.plans.demo import load_example_plans
from samverkan.plans.models import (
    ActionPlan,
    AnnualReport,
    Communication,
    Measure,
    MeasureKind,
    MeasureStatus,
    PlanDecision,
    ReportStatus,
)
from samverkan.plans.rollup import roll_up
from samverkan.situations.demo import load_example_pictures
from samverkan.situations.models import Cause, SituationPicture
from tests.conftest import deliver_mail, stockholm_now, undone_after_the_module

CONFIG = Path(__file__).parent.parent / "samverkan/configurations/stockholm"
EXAMPLE_PICTURES = tomllib.loads((CONFIG / "situations.toml").read_text())
EXAMPLE_PLANS = tomllib.loads((CONFIG / "plans.toml").read_text())
PLACES = "Otrygga och brottsutsatta platser"


@pytest.fixture(scope="module")
def _worked_example(django_db_setup, django_db_blocker):
    """The example pictures and plans, loaded once for the module (a second each)."""
    with undone_after_the_module(django_db_blocker):
        stockholm = stockholm_now()
        picture = load_example_pictures(EXAMPLE_PICTURES, municipality=stockholm)[0]
        plans = load_example_plans(EXAMPLE_PLANS, municipality=stockholm)
        yield picture.pk, [plan.pk for plan in plans]


@pytest.fixture
def picture(stockholm, _worked_example):
    return SituationPicture.objects.get(pk=_worked_example[0])


@pytest.fixture
def plans(picture, _worked_example):
    return [ActionPlan.objects.get(pk=pk) for pk in _worked_example[1]]


@pytest.fixture
def places_plan(plans):
    return next(p for p in plans if p.priority_area.name == PLACES)


def text_of_pdf(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def render_pages(pdf: Path, tmp_path: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def office_to_pdf(document: Path, tmp_path: Path) -> Path:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(document)],
        check=True,
        capture_output=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=180,
    )
    return document.with_suffix(".pdf")


# --- the catalogue and the worked example ------------------------------------------


def test_the_forms_of_joint_work_are_a_configured_catalogue(stockholm):
    kinds = {k.code: k.name for k in MeasureKind.objects.filter(municipality=stockholm)}
    for code in ("trygghetsvandring", "platssamverkan", "kamerabevakning", "sociala-insatsgrupper"):
        assert code in kinds
    assert len(kinds) >= 8


def test_the_example_district_has_adopted_plans_with_two_tertial_follow_ups(stockholm, plans):
    assert len(plans) == 2 and all(p.status == "adopted" and p.is_example for p in plans)
    for plan in plans:
        assert plan.decisions.count() == 1
        submitted = plan.reports.filter(status=ReportStatus.SUBMITTED).order_by("tertial")
        assert [r.tertial for r in submitted] == [1, 2]
        assert plan.follow_up_plan.exists()
    annual = AnnualReport.objects.get(municipality=stockholm, year=2025)
    assert annual.status == AnnualReport.Status.SENT
    # Loading again changes nothing.
    again = load_example_plans(EXAMPLE_PLANS, municipality=stockholm)
    assert [p.pk for p in again] == [p.pk for p in plans]
    assert Measure.objects.filter(plan__in=plans).count() == 5
    assert Communication.objects.filter(agreement__municipality=stockholm).count() == 2


# --- adoption --------------------------------------------------------------------------


@pytest.fixture
def draft(picture):
    agreement = Agreement.objects.get(area__code="norra-innerstaden")
    area = agreement.versions.get(valid_from__year=2024).priority_areas.get(name=PLACES)
    return services.plan_create(
        agreement=agreement,
        priority_area=area,
        year=2026,
        title="Åtgärdsplan 2026",
        goals=list(area.goals.all()[:1]),
        analysis=picture.joint,
    )


def new_measure(plan, title, problem=None, **fields):
    return Measure(plan=plan, title=title, problem=problem, area=plan.agreement.area, **fields)


def test_a_local_plan_is_adopted_only_with_measures_grounded_in_the_cause_analysis(draft, cast, picture):
    steering = Body.objects.get(name="Lokal styrgrupp Norra innerstaden")
    coordinator = cast[Role.DISTRICT_COORDINATOR]
    adopt = dict(plan=draft, body=steering, decided_on=dt.date(2026, 3, 1), minutes_reference="§ 4")
    with pytest.raises(ValidationError, match="minst en åtgärd|at least one measure"):
        services.plan_adopt(**adopt, user=coordinator)

    problem = picture.joint.problems.get(title="Otrygghet och öppen narkotikahandel på Plattan")
    city = coordinator.organisation
    measure = services.measure_save(
        measure=new_measure(draft, "Trygghetsvandring vid Plattan", problem), owners=[city]
    )
    with pytest.raises(ValidationError, match="Trygghetsvandring vid Plattan"):
        services.plan_adopt(**adopt, user=coordinator)

    cause = Cause.objects.filter(problem=problem).first()
    services.measure_save(measure=measure, owners=[city], causes=[cause])
    decision = services.plan_adopt(**adopt, user=coordinator)
    draft.refresh_from_db()
    assert draft.status == "adopted" and draft.adopted_decision() == decision
    assert decision.content["measures"][0]["title"] == "Trygghetsvandring vid Plattan"
    assert decision.content["measures"][0]["causes"] == [cause.text]

    # Adopted means locked; reopening keeps the decision on record, unchanged.
    measure.title = "Ändrad"
    with pytest.raises(ValidationError):
        services.measure_save(measure=measure, owners=[city], causes=[cause])
    services.plan_reopen(plan=draft)
    services.measure_save(measure=measure, owners=[city], causes=[cause])
    decision.refresh_from_db()
    assert decision.content["measures"][0]["title"] == "Trygghetsvandring vid Plattan"
    with pytest.raises(ValueError):  # a decision is never edited in place
        decision.minutes_reference = "§ 5"
        decision.save()
    assert PlanDecision.objects.filter(plan=draft).count() == 1


def test_the_city_wide_action_plan_covers_every_area_and_is_adopted_by_the_central_steering_group(
    stockholm, cast
):
    from samverkan.plans.selectors import deciding_body

    central = Agreement.objects.get(municipality=stockholm, scope="central")
    local_area = Agreement.objects.get(area__code="norra-innerstaden").versions.first().priority_areas.first()
    with pytest.raises(ValidationError):
        services.plan_create(agreement=central, priority_area=local_area, year=2026, title="Fel")
    plan = services.plan_create(agreement=central, priority_area=None, year=2026, title="Handlingsplan 2026")
    assert plan.is_central and deciding_body(central).name == "Central styrgrupp"
    slk = next(o for o in central.versions.last().parties.all() if not o.is_police)
    services.measure_save(measure=Measure(plan=plan, title="Gemensam lägesbild varje tertial"), owners=[slk])
    # A central measure needs no cause analysis; the decision is the central steering group's.
    decision = services.plan_adopt(
        plan=plan,
        body=deciding_body(central),
        decided_on=dt.date(2026, 2, 1),
        minutes_reference="§ 3",
        user=cast[Role.PREPARATION_GROUP],
    )
    assert decision.content["priority_area"] == "" and plan.status == "adopted"
    with pytest.raises(ValidationError):  # one city-wide plan a year
        services.plan_create(agreement=central, priority_area=None, year=2026, title="Till")


def test_a_measure_needs_an_owner_and_causes_of_its_own_problem(draft, cast, picture):
    city = cast[Role.DISTRICT_COORDINATOR].organisation
    plattan, fraud = (
        picture.joint.problems.get(title="Otrygghet och öppen narkotikahandel på Plattan"),
        picture.joint.problems.get(title="Bedrägerier mot äldre i bostadsområden"),
    )
    with pytest.raises(ValidationError, match="ansvarig organisation|responsible organisation"):
        services.measure_save(measure=new_measure(draft, "Utan ägare", plattan), owners=[])
    with pytest.raises(ValidationError):
        services.measure_save(
            measure=new_measure(draft, "Fel orsak", plattan),
            owners=[city],
            causes=list(Cause.objects.filter(problem=fraud)[:1]),
        )
    with pytest.raises(ValidationError, match="personnummer|identity number"):
        services.measure_save(measure=new_measure(draft, "Ring 811228-9874", plattan), owners=[city])
    assert not draft.measures.exists()


def test_an_indicator_baseline_is_the_last_complete_year_before_the_plan(draft, cast, stockholm):
    from samverkan.indicators.models import Indicator, IndicatorValue, PeriodKind

    city = cast[Role.DISTRICT_COORDINATOR].organisation
    measure = services.measure_save(measure=new_measure(draft, "Kameror"), owners=[city])
    indicator = Indicator.objects.get(municipality=stockholm, code="misshandel")
    area = draft.agreement.area
    with pytest.raises(ValidationError, match="ge utgångsvärdet|give the baseline"):
        services.measure_indicator_add(
            measure=measure, indicator=indicator, area=area, target=5, direction="decrease"
        )
    for year, value, incomplete in [(2024, 7.5, False), (2025, 6.0, True)]:
        IndicatorValue.objects.create(
            indicator=indicator,
            area=area,
            period_kind=PeriodKind.YEAR,
            period_start=dt.date(year, 1, 1),
            value=value,
            incomplete=incomplete,
        )
    link = services.measure_indicator_add(
        measure=measure, indicator=indicator, area=area, target=5, direction="decrease"
    )
    assert link.baseline == 7.5 and "2024" in link.baseline_period  # 2025 is incomplete


# --- follow-up, roll-up and verdicts ------------------------------------------------------


def test_progress_rolls_up_weighted_and_cancelled_measures_do_not_count():
    measures = [
        {"area_id": 1, "area": "A", "goal_id": 10, "goal": "G1", "weight": 2, "percent": 60},
        {"area_id": 1, "area": "A", "goal_id": 10, "goal": "G1", "weight": 1, "percent": 0},
        {"area_id": 1, "area": "A", "goal_id": 11, "goal": "G2", "weight": 1, "percent": 100},
        {"area_id": 1, "area": "A", "goal_id": 11, "goal": "G2", "weight": 5, "percent": None},
    ]
    [area] = roll_up(measures, {}, {})
    g1, g2 = area.children
    assert g1.percent == pytest.approx(40) and g2.percent == 100
    assert area.percent == pytest.approx((40 * 3 + 100 * 1) / 4)
    [area] = roll_up(measures, {10: {"percent": 70, "reason": "r"}}, {})
    assert area.children[0].percent == 70 and area.children[0].computed == pytest.approx(40)
    assert area.percent == pytest.approx((70 * 3 + 100) / 4)
    [area] = roll_up(measures, {}, {1: {"percent": 10, "reason": "r"}})
    assert area.percent == 10 and area.computed == pytest.approx(55)


def test_the_submitted_report_keeps_its_figures_and_the_logged_override(places_plan):
    report = places_plan.reports.get(tertial=2)
    assert report.status == ReportStatus.SUBMITTED
    [area] = report.content["rollup"]
    goal = next(g for g in area["goals"] if g["override"])
    # Weighted: platssamverkan 60 % × 2, fältarbete 50 % × 1.
    assert goal["computed"] == pytest.approx((60 * 2 + 50) / 3)
    assert goal["percent"] == 50 and "Fältarbetet kom igång först i juni" in goal["override"]["reason"]
    assert goal["override"]["by"]
    assert {b for b in report.content["recipients"]} == {
        "Lokal styrgrupp Norra innerstaden",
        "Stadsövergripande beredningsgrupp",
    }
    # Frozen: the report shows what was submitted even when the plan changes later.
    measure = places_plan.measures.get(title="Platssamverkan Sergels torg")
    Measure.objects.filter(pk=measure.pk).update(title="Nytt namn")
    report.refresh_from_db()
    assert any(m["title"] == "Platssamverkan Sergels torg" for m in report.content["measures"])
    with pytest.raises(ValidationError):
        services.progress_set(progress=report.progress.first(), status="ongoing", percent=90, comment="")
    # The completed measure carried its status into the plan.
    assert places_plan.measures.get(title="Belysning och översyn av uppgångarna").status == "completed"


def test_a_new_report_carries_over_progress_and_submitting_tells_both_bodies(places_plan, cast):
    deliver_mail().clear()  # what came before goes out first
    report = services.report_create(plan=places_plan, year=2025, tertial=3)
    percents = {p.measure.title: p.percent for p in report.progress.select_related("measure")}
    assert percents["Platssamverkan Sergels torg"] == 60
    assert report.recipients.count() == 2 and report.content == {}
    line = report.progress.get(measure__title="Förstärkt fältarbete fredagskvällar")
    services.progress_set(
        progress=line, status=MeasureStatus.COMPLETED, percent=70, comment="Klart i oktober"
    )
    line.refresh_from_db()
    assert line.percent == 100  # completed is complete
    services.report_submit(report=report, user=cast[Role.DISTRICT_COORDINATOR])
    told = Notification.objects.filter(key=f"report-submitted:{report.pk}")
    roles = {n.user.role for n in told}
    assert Role.STEERING_GROUP_MEMBER in roles and Role.PREPARATION_GROUP in roles
    assert Role.POLITICIAN not in roles
    # The police party, responsible for measures of the plan, hears of it; the submitter does not.
    assert Role.POLICE_CONTACT in roles
    assert not told.filter(user=cast[Role.DISTRICT_COORDINATOR]).exists()
    assert all(n.text.startswith("Uppföljning inlämnad") for n in told)
    assert len(deliver_mail()) == told.exclude(user__email="").count() > 0
    with pytest.raises(ValidationError):
        services.report_create(plan=places_plan, year=2025, tertial=3)


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        (None, "no_data"),
        ({"value": 7.0, "low": 6.0, "high": 8.0}, "reached"),  # interval leaves out 10
        ({"value": 7.0, "low": 4.0, "high": 11.0}, "reached_uncertain"),  # at target, but chance
        ({"value": 8.5, "low": 8.0, "high": 9.0}, "better"),
        ({"value": 9.0, "low": 7.0, "high": 11.0}, "unchanged"),
        ({"value": 12.0, "low": 11.0, "high": 13.0}, "worse"),
        ({"value": 7.0, "low": None, "high": None}, "reached_uncertain"),  # no interval: no claim
    ],
)
def test_a_verdict_claims_a_change_only_when_the_interval_leaves_out_the_baseline(latest, expected):
    assert figures.verdict(latest, baseline=10, target=7.5, direction="decrease")[0] == expected


def test_an_increase_target_is_read_the_other_way():
    assert figures.verdict({"value": 40, "low": 36, "high": 44}, 30, 40, "increase")[0] == "reached"
    assert figures.verdict({"value": 25, "low": 22, "high": 28}, 30, 40, "increase")[0] == "worse"


def test_an_override_needs_a_reason(places_plan, cast):
    report = services.report_create(plan=places_plan, year=2025, tertial=3)
    with pytest.raises(ValidationError):
        services.override_record(
            report=report,
            percent=80,
            reason="  ",
            user=cast[Role.DISTRICT_COORDINATOR],
            priority_area=places_plan.priority_area,
        )


# --- the yearly compilation ------------------------------------------------------------


@pytest.fixture
def annual(plans, stockholm):
    return AnnualReport.objects.get(municipality=stockholm, year=2025)


def test_the_compilation_covers_every_district_with_results_and_honest_trends(annual, stockholm):
    content = annual.content
    from samverkan.organisations.models import Area

    existing = Area.objects.overlapping(dt.date(2025, 1, 1), dt.date(2025, 12, 31)).filter(
        municipality=stockholm, kind="district"
    )
    # Every district of the year, with or without an agreement; none that had ceased before it.
    by_name = {d["district"]: d for d in content["districts"]}
    assert set(by_name) == {a.name for a in existing} and content["totals"]["districts"] == len(by_name)
    assert "Norrmalm" not in by_name and by_name["Skärholmen"]["agreement"] == ""
    assert content["totals"]["with_plans"] == 1 and content["totals"]["measures"] == 5
    [district] = [d for d in content["districts"] if d["plans"]]
    assert district["district"] == "Norra innerstaden"
    places = next(p for p in district["plans"] if p["priority_area"] == PLACES)
    assert places["completed"] == ["Belysning och översyn av uppgångarna"]
    assert places["reports"] == 2
    # One row per indicator and area, with the measures that rely on it.
    keys = [(t["indicator"], t["area"], t["baseline"], t["target"]) for t in district["trends"]]
    assert len(keys) == len(set(keys)) == 2
    assert any("Platssamverkan Sergels torg" in t["measures"] for t in district["trends"])
    for trend in district["trends"]:
        assert trend["significant"] is (trend["p"] is not None and trend["p"] < 0.05)
    assert any(a["districts"][0]["district"] == "Norra innerstaden" for a in content["priority_areas"])
    assert "Platssamverkan Sergels torg fortsätter 2026" in annual.next_year_plan


def test_a_year_not_yet_ended_is_compiled_as_preliminary(annual, stockholm):
    from samverkan.plans.annual import annual_docx, compile_year

    assert annual.content["preliminary"] is False  # 2025 has ended
    this_year = timezone.localdate().year
    content = compile_year(stockholm, this_year)
    assert content["preliminary"] is True
    annual.content = content
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(annual_docx(annual))).paragraphs)
    assert f"Preliminär: sammanställd {content['compiled_at'][:10]}" in text


def test_the_compilation_pdf_renders_with_charts(client, cast, annual, tmp_path):
    client.force_login(cast[Role.PREPARATION_GROUP])
    response = client.get(reverse("plans:annual_export", args=[annual.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "arssammanstallning.pdf"
    pdf.write_bytes(response.content)
    pages = render_pages(pdf, tmp_path)
    assert len(pages) >= 2 and all(p.stat().st_size > 2000 for p in pages)
    text = text_of_pdf(pdf)
    for expected in [
        "Årssammanställning 2025",
        "Norra innerstaden",
        "Belysning och översyn av uppgångarna",
        "Platssamverkan Sergels torg fortsätter 2026",
    ]:
        assert expected in text, expected
    # Each priority area has its progress chart, drawn as vector graphics with its title.
    assert text.count("Framsteg:") >= len(annual.content["priority_areas"]) >= 1


def test_the_compilation_word_document_renders_to_pages(client, cast, annual, tmp_path):
    from docx import Document

    client.force_login(cast[Role.DISTRICT_COORDINATOR])  # sent: every local organisation reads it
    response = client.get(reverse("plans:annual_export", args=[annual.pk, "docx"]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    assert len(document.inline_shapes) == len(annual.content["priority_areas"]) >= 1
    docx = tmp_path / "arssammanstallning.docx"
    docx.write_bytes(response.content)
    pdf = office_to_pdf(docx, tmp_path)
    pages = render_pages(pdf, tmp_path)
    assert len(pages) >= 2 and all(p.stat().st_size > 2000 for p in pages)
    assert "Belysning och översyn av uppgångarna" in text_of_pdf(pdf)


def test_the_compilation_workbook_has_its_sheets_and_a_chart_and_renders(client, cast, annual, tmp_path):
    from openpyxl import load_workbook

    client.force_login(cast[Role.STEERING_GROUP_MEMBER])
    response = client.get(reverse("plans:annual_export", args=[annual.pk, "xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) >= 3
    assert sum(len(sheet._charts) for sheet in workbook.worksheets) >= 1
    cells = {str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row}
    assert "Norra innerstaden" in cells and "Belysning och översyn av uppgångarna" in cells
    xlsx = tmp_path / "arssammanstallning.xlsx"
    xlsx.write_bytes(response.content)
    pdf = office_to_pdf(xlsx, tmp_path)
    pages = render_pages(pdf, tmp_path)
    assert pages and all(p.stat().st_size > 1000 for p in pages)
    assert "Norra innerstaden" in text_of_pdf(pdf)


def test_an_unsent_compilation_is_for_the_preparation_group_only(client, cast, stockholm, plans):
    report = AnnualReport.objects.create(
        municipality=stockholm, year=2026, requested_by=cast[Role.PREPARATION_GROUP]
    )
    from samverkan.plans.services import annual_report_generate

    annual_report_generate(report)
    url = reverse("plans:annual_export", args=[report.pk, "pdf"])
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    assert client.get(url).status_code == 403
    client.force_login(cast[Role.PREPARATION_GROUP])
    assert client.get(url).status_code == 200


# --- the årshjul -----------------------------------------------------------------------------


def test_the_calendar_holds_the_cycle_with_what_is_done(stockholm, plans):
    found = registry.items(stockholm, dt.date(2025, 1, 1), dt.date(2026, 12, 31))
    kinds = {i.kind for i in found}
    assert {"est_meeting", "tertial_report", "annual_report", "agreement_end"} <= kinds
    est = [i for i in found if i.kind == "est_meeting" and i.title == "EST Norra innerstaden"]
    assert len(est) >= 100 and all((b.date - a.date).days == 7 for a, b in zip(est, est[1:], strict=False))
    places = [i for i in found if i.kind == "tertial_report" and PLACES in i.title]
    assert [(i.date, i.done) for i in places] == [
        (dt.date(2025, 5, 15), True),
        (dt.date(2025, 9, 15), True),
        (dt.date(2026, 1, 15), False),
    ]
    annual = [i for i in found if i.kind == "annual_report"]
    assert (dt.date(2026, 2, 28), True) in [(i.date, i.done) for i in annual]  # 2025's, sent
    revisions = registry.items(stockholm, dt.date(2027, 1, 1), dt.date(2028, 12, 31), routine=False)
    assert any(i.kind == "revision" and i.date == dt.date(2028, 1, 1) for i in revisions)


def test_the_calendar_reads_a_fixed_number_of_queries_however_many_plans(stockholm, plans):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samverkan.plans.models import ActionPlan, PlanStatus

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            found = registry.items(stockholm, dt.date(2025, 1, 1), dt.date(2026, 12, 31), routine=False)
        return len(captured), sum(i.kind == "tertial_report" for i in found)

    before, reports = queries()
    assert reports > 0
    for plan in ActionPlan.objects.filter(status=PlanStatus.ADOPTED, year=2025):
        ActionPlan.objects.create(
            agreement=plan.agreement,
            priority_area=plan.priority_area,
            year=2026,
            title=f"{plan.title} (2026)",
            status=PlanStatus.ADOPTED,
        )
    after, more_reports = queries()
    assert more_reports > reports
    assert after == before


def test_a_plan_page_reads_the_agreement_versions_once(client, cast, places_plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast[Role.DISTRICT_COORDINATOR])  # a party: the permission checks ask for parties
    for url in (reverse("plans:detail", args=[places_plan.pk]), reverse("plans:list")):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        versions = [q for q in captured if 'FROM "agreements_agreementversion"' in q["sql"]]
        assert len(versions) <= 2, url  # the prefetch, and the successors' reverse lookup


def test_new_plans_are_offered_under_the_agreements_the_user_may_write(client, cast, stockholm):
    from samverkan.plans.permissions import agreements_for_new_plans

    agreements = list(stockholm.agreements.all())
    mine = {a.pk for a in agreements_for_new_plans(cast[Role.DISTRICT_COORDINATOR], agreements)}
    parties = {
        a.pk
        for a in agreements
        if a.versions.filter(parties=cast[Role.DISTRICT_COORDINATOR].organisation).exists()
    }
    assert mine == parties and 0 < len(mine) < len(agreements)
    assert len(agreements_for_new_plans(cast[Role.PREPARATION_GROUP], agreements)) == len(agreements)
    assert agreements_for_new_plans(cast[Role.POLITICIAN], agreements) == []
    assert agreements_for_new_plans(cast[Role.STEERING_GROUP_MEMBER], agreements) == []
    client.force_login(cast["other_coordinator"])
    page = client.get(reverse("plans:list")).content.decode()
    offered = page.split('name="agreement"')[1].split("</select>")[0]
    assert "Södermalm" in offered and "Norra innerstaden" not in offered


def test_reminders_go_out_once_before_the_deadline_and_once_when_overdue(stockholm, plans):
    deliver_mail().clear()  # what came before goes out first
    due = dt.date(2026, 1, 15)  # tertial 3 of 2025
    assert reminders_send(stockholm, due - dt.timedelta(days=20)) == 0  # not a reminder day
    before = reminders_send(stockholm, due - dt.timedelta(days=14))
    notices = Notification.objects.filter(key__startswith="reminder:tertial:")
    assert before > 0 and notices.count() == before
    assert all(n.text.startswith("Förfaller 2026-01-15") for n in notices)
    assert reminders_send(stockholm, due - dt.timedelta(days=14)) == 0  # once
    overdue = reminders_send(stockholm, due + dt.timedelta(days=5))
    assert overdue > 0
    assert Notification.objects.filter(key__startswith="overdue:tertial:").count() == overdue
    assert reminders_send(stockholm, due + dt.timedelta(days=6)) == 0
    assert (
        len(deliver_mail())
        == Notification.objects.exclude(user__email="").filter(key__regex=r"^(reminder|overdue):").count()
    )


def test_the_calendar_page_shows_overdue_items_to_the_responsible(client, cast, plans, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 2, 1))
    late = "Åtgärdsplan Otrygga och brottsutsatta platser, tertial 3"
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    page = client.get(reverse("calendar:year") + "?year=2026").content.decode()
    overdue = page.split('id="overdue-heading"')[1].split("</section>")[0]
    assert late in overdue
    january = page.split('id="month-1"')[1].split("</section>")[0]
    assert "2026-01-15" in january and late in january  # also in the year's own list
    assert "2025-09-15" not in page  # the look-back for overdue items does not leak into the year
    far = client.get(reverse("calendar:year") + "?year=2030").content.decode()
    assert late in far.split('id="overdue-heading"')[1].split("</section>")[0]  # the year far from today
    client.force_login(cast["other_coordinator"])  # Södermalm is not responsible for it
    page = client.get(reverse("calendar:year") + "?year=2026").content.decode()
    assert (
        'id="overdue-heading"' not in page
        or late not in page.split('id="overdue-heading"')[1].split("</section>")[0]
    )


# --- citizen promises and joint communication -------------------------------------------------


def test_an_approval_counts_only_for_the_text_it_approved(plans, cast):
    city, police = cast[Role.DISTRICT_COORDINATOR], cast[Role.POLICE_CONTACT]
    message = Communication.objects.get(title="Ny belysning vid T-Centralens uppgångar")
    assert not message.is_published and set(selectors.communication_approvals(message)) == {
        city.organisation_id
    }
    message.text += " Tack!"
    services.communication_save(communication=message)
    assert selectors.communication_approvals(message) == {}  # the city approved another text
    services.communication_approve(communication=message, user=police)
    message.refresh_from_db()
    assert not message.is_published
    services.communication_approve(communication=message, user=city)
    message.refresh_from_db()
    assert message.is_published
    with pytest.raises(ValidationError):
        services.communication_save(communication=message)
    with pytest.raises(ValidationError):
        services.communication_approve(communication=message, user=cast["other_coordinator"])


def test_only_parties_approve(plans, cast):
    message = Communication.objects.get(title="Ny belysning vid T-Centralens uppgångar")
    with pytest.raises(ValidationError, match="parter|parties"):
        services.communication_approve(communication=message, user=cast["other_coordinator"])


def test_the_public_page_shows_published_promises_without_sign_in(client, plans, stockholm):
    for url in (
        reverse("public:municipality", args=[stockholm.code]),
        reverse("public:district", args=[stockholm.code, "norra-innerstaden"]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Vårt löfte till dig som rör dig kring Sergels torg" in page
        assert "Ny belysning vid T-Centralens uppgångar" not in page  # the police has not approved
    assert client.get(reverse("public:municipality", args=["9999"])).status_code == 404


# --- the round trip --------------------------------------------------------------------------


def receive(stockholm, kind, filename, data, user):
    return loader.batch_receive(municipality=stockholm, kind=kind, filename=filename, data=data, user=user)


def test_an_unchanged_measures_export_imports_as_no_change(client, cast, stockholm, places_plan):
    coordinator = cast[Role.DISTRICT_COORDINATOR]
    client.force_login(coordinator)
    for fmt in ("csv", "xlsx"):
        data = client.get(reverse("plans:export", args=[places_plan.pk, fmt])).content
        batch = receive(stockholm, "measures", f"atgarder.{fmt}", data, coordinator)
        assert batch.status == "previewed", batch.report
        assert batch.report["counts"] == {"rows": 3, "new": 0, "changed": 0, "unchanged": 3}
        loader.batch_apply(batch)
        assert batch.report["applied"]["changed"] == 0


def test_free_text_never_becomes_a_spreadsheet_formula_and_still_round_trips(client, cast, stockholm, draft):
    from io import BytesIO

    from openpyxl import load_workbook

    coordinator = cast[Role.DISTRICT_COORDINATOR]
    titles = ['=HYPERLINK("http://x","klicka")', "+46 trygghet", "'=redan markerad", "-- paus"]
    for title in titles:
        services.measure_save(measure=new_measure(draft, title), owners=[coordinator.organisation])
    client.force_login(coordinator)
    text = client.get(reverse("plans:export", args=[draft.pk, "csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ";'+46 trygghet;" in text and ";''=redan markerad;" in text
    assert ";+46 trygghet;" not in text and ";'-- paus;" in text
    book = load_workbook(BytesIO(client.get(reverse("plans:export", args=[draft.pk, "xlsx"])).content))
    cells = [row[3] for row in book.active.iter_rows(min_row=2)]
    assert {c.value for c in cells} == set(titles)
    assert {c.data_type for c in cells} == {"s"}
    for fmt, data in (("csv", text.encode()), ("xlsx", None)):
        data = data or client.get(reverse("plans:export", args=[draft.pk, fmt])).content
        batch = receive(stockholm, "measures", f"atgarder.{fmt}", data, coordinator)
        assert batch.report["counts"] == {"rows": 4, "new": 0, "changed": 0, "unchanged": 4}, fmt


def test_a_changed_measure_is_applied_and_read_only_columns_are_errors_on_their_line(
    client, cast, stockholm, draft, picture
):
    coordinator = cast[Role.DISTRICT_COORDINATOR]
    city = coordinator.organisation
    first = services.measure_save(measure=new_measure(draft, "Trygghetsvandring"), owners=[city])
    services.measure_save(measure=new_measure(draft, "Kameror vid Plattan"), owners=[city])
    client.force_login(coordinator)
    csv_text = client.get(reverse("plans:export", args=[draft.pk, "csv"])).content.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0].startswith("id;åtgärdsplan;ordning;åtgärd")

    changed = "\n".join(
        [lines[0], lines[1].replace("Trygghetsvandring", "Trygghetsvandring i mars"), lines[2]]
    )
    batch = receive(stockholm, "measures", "atgarder.csv", changed.encode(), coordinator)
    assert batch.report["counts"]["changed"] == 1 and batch.report["counts"]["unchanged"] == 1
    loader.batch_apply(batch)
    first.refresh_from_db()
    assert first.title == "Trygghetsvandring i mars"

    owners = roundtrip.owners_text(first)
    wrong = changed.replace(owners, "Polisen", 1)
    batch = receive(stockholm, "measures", "atgarder2.csv", wrong.encode(), coordinator)
    assert batch.status == "rejected"
    assert batch.report["errors"][0]["line"] == 2 and "ansvariga" in batch.report["errors"][0]["message"]

    new_line = lines[0] + "\n;" + ";".join(lines[1].split(";")[1:])
    batch = receive(stockholm, "measures", "atgarder3.csv", new_line.encode(), coordinator)
    assert batch.status == "rejected" and batch.report["errors"][0]["line"] == 2


def test_an_adopted_plan_is_not_changed_by_import(client, cast, stockholm, places_plan):
    coordinator = cast[Role.DISTRICT_COORDINATOR]
    client.force_login(coordinator)
    text = client.get(reverse("plans:export", args=[places_plan.pk, "csv"])).content.decode("utf-8-sig")
    text = text.replace("Platssamverkan Sergels torg", "Platssamverkan", 1)
    batch = receive(stockholm, "measures", "atgarder.csv", text.encode(), coordinator)
    assert batch.status == "rejected" and "antagen" in batch.report["errors"][0]["message"]
    assert places_plan.measures.filter(title="Platssamverkan Sergels torg").exists()


def test_follow_up_values_round_trip_through_xlsx(client, cast, stockholm, places_plan):
    from openpyxl import load_workbook

    coordinator = cast[Role.DISTRICT_COORDINATOR]
    report = services.report_create(plan=places_plan, year=2025, tertial=3)
    client.force_login(coordinator)
    data = client.get(reverse("plans:report_export", args=[report.pk, "xlsx"])).content
    unchanged = receive(stockholm, "follow_up", "uppfoljning.xlsx", data, coordinator)
    assert unchanged.report["counts"]["unchanged"] == 3 and unchanged.report["counts"]["changed"] == 0

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("åtgärd")].value == "Platssamverkan Sergels torg":
            row[header.index("framsteg (%)")].value = 85
            row[header.index("kommentar")].value = "Fem fastighetsägare till"
    out = io.BytesIO()
    workbook.save(out)
    batch = receive(stockholm, "follow_up", "uppfoljning2.xlsx", out.getvalue(), coordinator)
    assert batch.report["counts"]["changed"] == 1, batch.report
    loader.batch_apply(batch)
    line = report.progress.get(measure__title="Platssamverkan Sergels torg")
    assert (line.percent, line.comment) == (85, "Fem fastighetsägare till")
    assert batch.original.open("rb").read() == out.getvalue()  # the original file is kept

    # A personal identity number in a comment stops the whole file, with its line.
    sheet.cell(row=2, column=header.index("kommentar") + 1).value = "Kontakt 811228-9874"
    out = io.BytesIO()
    workbook.save(out)
    bad = receive(stockholm, "follow_up", "uppfoljning3.xlsx", out.getvalue(), coordinator)
    assert bad.status == "rejected" and bad.report["errors"][0]["line"] == 2

    services.report_submit(report=report, user=coordinator)
    sheet.cell(row=2, column=header.index("kommentar") + 1).value = "Ändrat efteråt"
    out = io.BytesIO()
    workbook.save(out)
    frozen = receive(stockholm, "follow_up", "uppfoljning4.xlsx", out.getvalue(), coordinator)
    assert frozen.status == "rejected" and "inlämnad" in frozen.report["errors"][0]["message"]


def test_percentages_round_half_up_in_charts_and_tables_alike():
    from samverkan.situations.diagrams import progress_bars, to_svg

    assert [figures.percent_text(v) for v in (62.5, 0.4, None)] == ["63 %", "0 %", "–"]
    svg = to_svg(progress_bars([("Norra innerstaden", 62.5)], title="Framsteg", none_label="–"))
    assert "63 %" in svg and "62 %" not in svg


def test_a_measure_is_added_and_edited_through_the_plan_page(client, cast, draft, picture):
    coordinator = cast[Role.DISTRICT_COORDINATOR]
    client.force_login(coordinator)
    problem = picture.joint.problems.get(title="Otrygghet och öppen narkotikahandel på Plattan")
    cause = Cause.objects.filter(problem=problem).first()
    data = {
        "title": "Trygghetsvandring i mars",
        "description": "",
        "problem": problem.pk,
        "causes": [cause.pk],
        "owners": [coordinator.organisation_id],
        "expected_effect": "short",
        "status": "planned",
        "weight": 2,
    }
    response = client.post(reverse("plans:measure_add", args=[draft.pk]), data)
    assert response.status_code == 302
    measure = draft.measures.get()
    assert measure.order == 1 and list(measure.causes.all()) == [cause]
    url = reverse("plans:measure_edit", args=[measure.pk])
    refused = client.post(url, data | {"description": "Kontakt 811228-9874"})
    assert refused.status_code == 400 and "811228-****" in refused.content.decode()
    assert client.post(url, data | {"title": "Trygghetsvandring i april"}).status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Trygghetsvandring i april" and measure.description == ""


def test_the_joint_analysis_leads_to_an_action_plan_per_priority(client, cast, picture):
    analysis = picture.joint
    assert analysis.adopted_decision is not None
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    page = client.get(reverse("situations:joint", args=[analysis.pk]))
    priorities = page.context["plan_priorities"]
    assert priorities, "the adopted priorities offer action plans"
    area, problems = priorities[0]
    link = f"{reverse('plans:list')}?analysis={analysis.pk}&amp;priority_area={area.pk}"
    assert link in page.content.decode()
    form = client.get(reverse("plans:list"), {"analysis": analysis.pk, "priority_area": area.pk}).context[
        "form"
    ]
    assert form.initial["analysis"] == analysis.pk and form.initial["priority_area"] == area.pk
    assert all(p.title in form.initial["purpose"] for p in problems)
    created = client.post(
        reverse("plans:list"),
        {
            "agreement": form.initial["agreement"],
            "priority_area": area.pk,
            "year": form.initial["year"],
            "title": form.initial["title"],
            "purpose": form.initial["purpose"],
            "analysis": analysis.pk,
        },
    )
    assert created.status_code == 302
    plan = ActionPlan.objects.get(pk=created["Location"].rstrip("/").split("/")[-1])
    assert plan.analysis == analysis and plan.priority_area == area
    # The plan's measures can name the analysis's problems and causes.
    measure_form = client.get(created["Location"]).context["measure_form"]
    assert set(measure_form.fields["problem"].queryset) == set(analysis.problems.all())
    # And the analysis lists the plan made from it.
    again = client.get(reverse("situations:joint", args=[analysis.pk])).content.decode()
    assert reverse("plans:detail", args=[plan.pk]) in again
    # A reader who may not create plans is not offered the link.
    client.force_login(cast[Role.POLITICIAN])
    read = client.get(reverse("situations:joint", args=[analysis.pk]))
    if read.status_code == 200:
        assert read.context["plan_priorities"] == []


def test_a_second_follow_up_of_the_same_tertial_is_refused_in_words(client, places_plan, cast):
    if not places_plan.reports.filter(year=2025, tertial=1).exists():
        services.report_create(plan=places_plan, year=2025, tertial=1)
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    answer = client.post(reverse("plans:report_create", args=[places_plan.pk]), {"year": 2025, "tertial": 1})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "redan en uppföljning av tertial 1 2025" in page and "follow_up_unique_tertial" not in page


def test_the_compilation_says_each_trend_the_same_on_page_pdf_word_and_excel(client, cast, annual, tmp_path):
    """One reading (against the year before, with its direction) and one verdict (against
    the baseline) per row, from one function, word for word in every channel."""
    from docx import Document
    from openpyxl import load_workbook

    trends = [t for d in annual.content["districts"] for t in d["trends"]]
    assert trends
    said = {t["reading"] for t in trends} | {t["verdict_label"] for t in trends}
    assert all("året före" in t["reading"] for t in trends), [t["reading"] for t in trends]
    client.force_login(cast[Role.PREPARATION_GROUP])

    def flat(text: str) -> str:
        return " ".join(text.split())

    page = flat(client.get(reverse("plans:annual", args=[annual.pk])).content.decode())
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(client.get(reverse("plans:annual_export", args=[annual.pk, "pdf"])).content)
    document = Document(
        io.BytesIO(client.get(reverse("plans:annual_export", args=[annual.pk, "docx"])).content)
    )
    word = flat(
        " ".join(
            [p.text for p in document.paragraphs]
            + [c.text for t in document.tables for row in t.rows for c in row.cells]
        )
    )
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("plans:annual_export", args=[annual.pk, "xlsx"])).content)
    )
    excel = flat(" ".join(str(c.value) for s in workbook.worksheets for row in s.iter_rows() for c in row))
    pdf_text = flat(
        subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
    )
    for channel, text in {"page": page, "pdf": pdf_text, "word": word, "excel": excel}.items():
        from html import unescape

        missing = [s for s in said if flat(s) not in unescape(text)]
        assert missing == [], (channel, missing)
    # What each verdict is measured against, named beside it (the workbook has its own columns).
    notes = {t["baseline_note"] for t in trends}
    assert all(note.startswith("utgångsvärde ") for note in notes)
    for channel, text in {"page": page, "pdf": pdf_text, "word": word}.items():
        assert [n for n in notes if flat(n) not in unescape(text)] == [], channel


def test_a_measured_baseline_is_compared_by_the_test_the_year_before_uses():
    """A baseline that is a measured year is as uncertain as the latest year: better or
    worse only when the two counts differ beyond chance, as "against the year before" says."""
    latest = {"value": 12.2, "low": 10.13, "high": 14.57, "count": 122, "population": 10_000}
    assert figures.verdict(latest, 15.0, 9.0, "decrease")[0] == "better"  # a typed baseline: the interval
    measured = {"count": 150, "population": 10_000, "per_population": True}
    assert figures.verdict(latest, 15.0, 9.0, "decrease", measured)[0] == "unchanged"  # p ≈ 0,09
    clearer = {**latest, "value": 10.0, "low": 8.14, "high": 12.16, "count": 100}
    assert figures.verdict(clearer, 15.0, 9.0, "decrease", measured)[0] == "better"  # p ≈ 0,002
