"""Every view against every role. A new route without an entry here fails
test_every_route_has_an_expected_access_entry."""

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from samverkan.accounts.models import Role, User
from samverkan.agreements.compliance import agreement_compliance
from samverkan.agreements.models import AgreementVersion, VersionStatus
from samverkan.governance.models import Body
from samverkan.organisations.models import Area, Municipality, Organisation, OrganisationKind
from tests.conftest import stockholm_now, undone_after_the_module

ROLES = [
    Role.ADMINISTRATOR,
    Role.PREPARATION_GROUP,
    Role.DISTRICT_COORDINATOR,
    Role.POLICE_CONTACT,
    Role.STEERING_GROUP_MEMBER,
    Role.POLITICIAN,
    "other_coordinator",
    "anonymous",
]
EVERYONE = {role: 200 for role in ROLES} | {"anonymous": 302}
WRITERS = [
    Role.ADMINISTRATOR,
    Role.PREPARATION_GROUP,
    Role.DISTRICT_COORDINATOR,
    Role.POLICE_CONTACT,
    "other_coordinator",
]


def only(*allowed, otherwise=403, allowed_status=200):
    return {role: (allowed_status if role in allowed else otherwise) for role in ROLES} | {"anonymous": 302}


@pytest.fixture(scope="module")
def shared_objects(django_db_setup, django_db_blocker):
    """The objects every route is tried on, built once for the module."""
    with undone_after_the_module(django_db_blocker):
        yield _build_objects(stockholm_now())


@pytest.fixture
def objects(db, shared_objects):
    return shared_objects


def _draft_2028(version: AgreementVersion) -> AgreementVersion:
    draft = AgreementVersion.objects.create(
        agreement=version.agreement,
        label="Utkast 2028",
        status=VersionStatus.DRAFT,
        valid_from=dt.date(2028, 1, 1),
    )
    draft.parties.set(version.parties.all())
    return draft


def _build_objects(stockholm) -> dict:
    inner = AgreementVersion.objects.get(agreement__area__code="norra-innerstaden")
    draft = _draft_2028(inner)
    sodermalm_draft = _draft_2028(
        AgreementVersion.objects.get(agreement__area__code="sodermalm", status=VersionStatus.ADOPTED)
    )
    from samverkan.datasources.loader import batch_receive

    batch = batch_receive(
        municipality=stockholm,
        kind="bra",
        filename="liten.txt",
        user=None,
        data="Region;Brott;År;Period;Antal\nStockholm kommun;Rån;2022;Jan;5\n".encode(),
    )
    from samverkan.situations.demo import load_example_pictures
    from samverkan.situations.services import party_picture_start

    picture = load_example_pictures(EXAMPLE_PICTURES, municipality=stockholm)[0]
    city_draft = party_picture_start(picture=picture, organisation=picture.joint.city_picture.organisation)
    joint_problem = picture.joint.problems.filter(causes__isnull=False).first()
    from samverkan.est import services as est
    from samverkan.est.models import EstGroup
    from tests.test_est import WEEK, observe

    group = EstGroup.objects.get(name="EST Norra innerstaden")
    coordinator = User.objects.get(username="samordnare")
    observation = observe(coordinator, WEEK)
    week = est.weekly_picture_compile(group=group, week_start=WEEK)
    meeting = est.meeting_record(
        picture=week, held_on=WEEK, focus="Plattan", hotspots="", notes="", user=coordinator
    )
    measure = est.quick_measure_add(
        meeting=meeting, text="Sanera klotter", place="", owner=coordinator.organisation, due=WEEK
    )
    plan_objects = _plan_objects(stockholm, coordinator, inner)
    return (
        plan_objects
        | _consultation_objects(stockholm, coordinator)
        | {
            "coordinator_district": inner.agreement.area,
            "est_group": group,
            "week": week,
            "measure": measure,
            "observation": observation,
            "picture": picture,
            "submitted": picture.joint.police_picture,
            "draft_picture": city_draft,
            "draft_problem": city_draft.problems.first(),
            "joint": picture.joint,
            "joint_problem": joint_problem,
            "cause": joint_problem.causes.first(),
            "batch": batch,
            "central": AgreementVersion.objects.get(case_number="KS 2023/740"),
            "inner": inner,
            "draft": draft,
            "sodermalm_draft": sodermalm_draft,
            "sodermalm": AgreementVersion.objects.get(
                agreement__area__code="sodermalm", status=VersionStatus.ADOPTED
            ),
            "area": Area.objects.get(code="jarva"),
            "body": Body.objects.get(name="Central styrgrupp"),
        }
    )


def _plan_objects(stockholm, coordinator, inner) -> dict:
    """The example plans (adopted, followed up, compiled and sent), a draft
    plan with a measure, a draft report and an unpublished message."""
    from samverkan.plans import services as plans
    from samverkan.plans.demo import load_example_plans
    from samverkan.plans.models import AnnualReport, Communication, Measure

    adopted = load_example_plans(EXAMPLE_PLANS, municipality=stockholm)[0]
    area = inner.priority_areas.get(name="Unga i riskzon för destruktivt beteende")
    draft = plans.plan_create(agreement=inner.agreement, priority_area=area, year=2026, title="Utkast unga")
    measure = plans.measure_save(
        measure=Measure(plan=draft, title="Fritidsgård öppen fredagar"), owners=[coordinator.organisation]
    )
    return {
        "plan": adopted,
        "draft_plan": draft,
        "draft_measure": measure,
        "report": adopted.reports.get(tertial=2),
        "draft_report": plans.report_create(plan=adopted, year=2025, tertial=3),
        "annual": AnnualReport.objects.get(year=2025),
        "promise": Communication.objects.get(kind="promise"),
        "message": Communication.objects.get(kind="message"),
    }


def _consultation_objects(stockholm, coordinator) -> dict:
    """The replayed rounds (closed: their drafts were adopted), and the
    example revision draft of the overarching agreement that is out for
    consultation, with Norra innerstaden's response to it still a draft
    (with an attachment)."""
    from samverkan.consultations import services
    from samverkan.consultations.demo import load_example_consultations
    from samverkan.consultations.models import ConsultationRound, Statement

    load_example_consultations(EXAMPLE_CONSULTATIONS, municipality=stockholm)
    round = ConsultationRound.objects.get(case_number="KS 2023/740")
    open_round = ConsultationRound.objects.get(case_number="KS 2026/512")
    draft_statement = services.statement_save(
        statement=Statement(
            recipient=open_round.recipients.get(organisation__name__startswith="Norra"),
            proposed_decision="Nämnden överlämnar förvaltningens svar.",
            summary="Utkast.",
        )
    )
    services.attachment_add(
        statement=draft_statement, title="Bilaga", name="bilaga.txt", data=b"Synpunkter.", user=coordinator
    )
    sodermalm = Statement.objects.get(case_number="SÖD 2023/713")
    proposal = sodermalm.proposals.first()
    central_draft = AgreementVersion.objects.get(case_number="KS 2026/512")  # the example draft under way
    return {
        "round": round,
        "open_round": open_round,
        "sodermalm_statement": sodermalm,
        "draft_statement": draft_statement,
        "waiting_recipient": open_round.recipients.get(organisation__name="Idrottsnämnden"),
        "attachment": draft_statement.attachments.get(),
        "proposal": proposal,
        "outcome": proposal.current_outcome,
        "central_draft": central_draft,
        "draft_area": central_draft.priority_areas.first(),
        "old_central": AgreementVersion.objects.get(case_number="KS 2019/656"),
    }


EXAMPLE_CONSULTATIONS = tomllib.loads(
    (Path(__file__).parent.parent / "samverkan/configurations/stockholm/consultations.toml").read_text()
)
EXAMPLE_PLANS = tomllib.loads(
    (Path(__file__).parent.parent / "samverkan/configurations/stockholm/plans.toml").read_text()
)
EXAMPLE_PICTURES = tomllib.loads(
    (Path(__file__).parent.parent / "samverkan/configurations/stockholm/situations.toml").read_text()
)
# Who sees a submitted picture: the parties, the preparation group, administrators.
PICTURE_READERS = only(
    Role.ADMINISTRATOR,
    Role.PREPARATION_GROUP,
    Role.DISTRICT_COORDINATOR,
    Role.POLICE_CONTACT,
    Role.STEERING_GROUP_MEMBER,
)
# The joint analysis, once priorities are adopted, is read by politicians too.
JOINT_READERS = PICTURE_READERS | {Role.POLITICIAN: 200}
JOINT_EDITORS = [Role.ADMINISTRATOR, Role.PREPARATION_GROUP, Role.DISTRICT_COORDINATOR, Role.POLICE_CONTACT]
# The city's draft: only its own organisation (coordinator and steering-group
# member of the district administration); not the police, not the centre.
OWN_DRAFT = only(Role.DISTRICT_COORDINATOR, Role.STEERING_GROUP_MEMBER)

# EST: the recipient organisations (Norra innerstaden's administration and
# LPO Norrmalm), the preparation group and administrators.
EST_READERS = PICTURE_READERS
EST_WRITERS = JOINT_EDITORS

# Consultations: rounds, submitted responses and comparisons are read by
# all; a response being drafted by its recipient's people, the preparation
# group and administrators; rounds and revisions of the overarching
# agreement are run by the preparation group and administrators.
OVERSEERS = [Role.ADMINISTRATOR, Role.PREPARATION_GROUP]
DRAFT_RESPONSE_READERS = only(*OVERSEERS, Role.DISTRICT_COORDINATOR, Role.STEERING_GROUP_MEMBER)
INNER_WRITERS = [*OVERSEERS, Role.DISTRICT_COORDINATOR]  # Norra innerstaden's administration answers
SODERMALM_WRITERS = [*OVERSEERS, "other_coordinator"]  # Södermalm's administration answers


def _compare(o, fmt=None):
    agreement = o["round"].version.agreement_id
    url = reverse("consultations:compare_export", args=[agreement, fmt]) if fmt else None
    url = url or reverse("consultations:compare", args=[agreement])
    return f"{url}?old={o['old_central'].pk}&new={o['round'].version_id}"


# The read API answers 401 to anyone without a token or a session; with a
# session it keeps the pages' permissions (tokens are tested in test_api.py).
API = {role: 200 for role in ROLES} | {"anonymous": 401}


def _indicator(o):
    from samverkan.indicators.models import Indicator

    return Indicator.objects.filter(municipality__code="0180").first().pk


def _setup_url(name):
    return lambda o: reverse(f"setup:{name}")


# name → (how to build the URL from the objects, expected status per role)
GET_ROUTES = {
    "start": (lambda o: reverse("start"), EVERYONE),
    # The API's description and documentation: for those signed in, as the pages are.
    "api:openapi-json": (lambda o: reverse("api:openapi-json"), EVERYONE),
    "api:openapi-view": (lambda o: reverse("api:openapi-view"), EVERYONE),
    "api:api-root": (lambda o: reverse("api:api-root"), {role: 404 for role in ROLES}),
    "api:agreements": (lambda o: reverse("api:agreements"), API),
    "api:agreement": (lambda o: reverse("api:agreement", args=[o["central"].agreement_id]), API),
    "api:version": (lambda o: reverse("api:version", args=[o["central"].pk]), API),
    "api:version (draft)": (
        lambda o: reverse("api:version", args=[o["draft"].pk]),
        only(*OVERSEERS, Role.DISTRICT_COORDINATOR, Role.POLICE_CONTACT, Role.STEERING_GROUP_MEMBER)
        | {"anonymous": 401},
    ),
    "api:areas": (lambda o: reverse("api:areas"), API),
    "api:indicators": (lambda o: reverse("api:indicators"), API),
    "api:indicator_values": (lambda o: reverse("api:indicator_values", args=[_indicator(o)]), API),
    "api:plans": (lambda o: reverse("api:plans"), API),
    "api:plan": (lambda o: reverse("api:plan", args=[o["plan"].pk]), API),
    "api:plan (draft)": (
        lambda o: reverse("api:plan", args=[o["draft_plan"].pk]),
        PICTURE_READERS | {"anonymous": 401},
    ),
    "api:reports": (lambda o: reverse("api:reports", args=[o["plan"].pk]), API),
    "consultations:list": (lambda o: reverse("consultations:list"), EVERYONE),
    "consultations:round": (lambda o: reverse("consultations:round", args=[o["round"].pk]), EVERYONE),
    "consultations:compilation": (
        lambda o: reverse("consultations:compilation", args=[o["round"].pk]),
        EVERYONE,
    ),
    "consultations:compilation_export": (
        lambda o: reverse("consultations:compilation_export", args=[o["round"].pk, "docx"]),
        EVERYONE,
    ),
    "consultations:statement": (
        lambda o: reverse("consultations:statement", args=[o["sodermalm_statement"].pk]),
        EVERYONE,
    ),
    "consultations:former_statement": (
        lambda o: f"/consultations/responses/{o['sodermalm_statement'].pk}/minutes/",
        {role: 301 for role in ROLES} | {"anonymous": 302},
    ),
    "consultations:statement (draft)": (
        lambda o: reverse("consultations:statement", args=[o["draft_statement"].pk]),
        DRAFT_RESPONSE_READERS,
    ),
    "consultations:statement_edit": (
        lambda o: reverse("consultations:statement_edit", args=[o["draft_statement"].recipient_id]),
        only(*INNER_WRITERS),
    ),
    "consultations:statement_edit (submitted)": (
        lambda o: reverse("consultations:statement_edit", args=[o["sodermalm_statement"].recipient_id]),
        only(*SODERMALM_WRITERS, allowed_status=302),
    ),
    "consultations:minutes": (
        lambda o: reverse("consultations:minutes", args=[o["sodermalm_statement"].pk]),
        only(*SODERMALM_WRITERS),
    ),
    "consultations:attachment": (
        lambda o: reverse("consultations:attachment", args=[o["attachment"].pk]),
        DRAFT_RESPONSE_READERS,
    ),
    "consultations:proposal": (
        lambda o: reverse("consultations:proposal", args=[o["proposal"].pk]),
        EVERYONE,
    ),
    "consultations:draft": (
        lambda o: reverse("consultations:draft", args=[o["central_draft"].pk]),
        only(*OVERSEERS),
    ),
    "consultations:round_create": (
        lambda o: reverse("consultations:round_create", args=[o["central_draft"].pk]),
        only(*OVERSEERS),
    ),
    "consultations:adopt": (
        lambda o: reverse("consultations:adopt", args=[o["central_draft"].pk]),
        only(*OVERSEERS),
    ),
    "consultations:compare": (_compare, EVERYONE),
    "consultations:compare_export": (lambda o: _compare(o, "docx"), EVERYONE),
    "home": (lambda o: reverse("home"), EVERYONE | {r: 302 for r in ROLES}),
    "agreements:overview": (lambda o: reverse("agreements:overview"), EVERYONE),
    "agreements:compliance": (lambda o: reverse("agreements:compliance"), EVERYONE),
    "agreements:agreement": (
        lambda o: reverse("agreements:agreement", args=[o["central"].agreement_id]),
        EVERYONE,
    ),
    "agreements:version": (lambda o: reverse("agreements:version", args=[o["central"].pk]), EVERYONE),
    "agreements:version (draft)": (
        lambda o: reverse("agreements:version", args=[o["draft"].pk]),
        only(
            Role.ADMINISTRATOR,
            Role.PREPARATION_GROUP,
            Role.DISTRICT_COORDINATOR,
            Role.POLICE_CONTACT,
            Role.STEERING_GROUP_MEMBER,
        ),
    ),
    "areas:list": (lambda o: reverse("areas:list"), EVERYONE),
    "areas:city": (lambda o: reverse("areas:city"), EVERYONE),
    "areas:detail": (lambda o: reverse("areas:detail", args=[o["area"].pk]), EVERYONE),
    "areas:geometry": (lambda o: reverse("areas:geometry", args=[o["area"].pk]), EVERYONE),
    "areas:indicator_csv": (
        lambda o: reverse("areas:indicator_csv", args=[o["area"].pk, "brott-mot-person"]),
        EVERYONE,
    ),
    "areas:lookup": (lambda o: reverse("areas:lookup") + "?lon=17.925&lat=59.388&date=2023-06-01", EVERYONE),
    "bodies:list": (lambda o: reverse("bodies:list"), EVERYONE),
    "bodies:detail": (lambda o: reverse("bodies:detail", args=[o["body"].pk]), EVERYONE),
    # The coordinator is sent on to the own district; other readers may set up none.
    "bodies:districts": (
        lambda o: reverse("bodies:districts"),
        # A police contact sets up the police's people of their police area's district.
        only(*OVERSEERS)
        | {Role.DISTRICT_COORDINATOR: 302, "other_coordinator": 302, Role.POLICE_CONTACT: 302},
    ),
    "bodies:district": (
        lambda o: reverse("bodies:district", args=[o["coordinator_district"].pk]),
        only(*OVERSEERS, Role.DISTRICT_COORDINATOR, Role.POLICE_CONTACT),
    ),
    # Reached without signing in: an unknown token says the link is not valid.
    "invitation": (
        lambda o: reverse("invitation", args=["MQ", "not-a-token"]),
        {role: 200 for role in ROLES} | {"anonymous": 200},
    ),
    "audit:log": (lambda o: reverse("audit:log"), only(Role.ADMINISTRATOR)),
    **{
        f"setup:{name}": (_setup_url(name), only(Role.ADMINISTRATOR))
        for name in (
            "progress",
            "municipality",
            "boundary",
            "areas",
            "organisations",
            "people",
            "bodies",
            "coordination",
            "agreement",
            "export",
        )
    },
    # Adding a municipality and loading a set-up file are posted only.
    "setup:municipality_add": (lambda o: reverse("setup:municipality_add"), only(otherwise=405)),
    "setup:import": (lambda o: reverse("setup:import"), only(otherwise=405)),
    "plans:law": (lambda o: reverse("plans:law"), EVERYONE),
    "imports:list": (lambda o: reverse("imports:list"), only(*WRITERS)),
    "imports:detail": (lambda o: reverse("imports:detail", args=[o["batch"].pk]), only(*WRITERS)),
    "imports:original": (lambda o: reverse("imports:original", args=[o["batch"].pk]), only(*WRITERS)),
    "imports:progress": (lambda o: reverse("imports:progress", args=[o["batch"].pk]), only(*WRITERS)),
    "observations:new": (lambda o: reverse("observations:new"), only(*WRITERS)),
    "situations:list": (lambda o: reverse("situations:list"), EVERYONE),
    "situations:picture": (lambda o: reverse("situations:picture", args=[o["picture"].pk]), PICTURE_READERS),
    "situations:party": (lambda o: reverse("situations:party", args=[o["submitted"].pk]), PICTURE_READERS),
    "situations:party (draft)": (
        lambda o: reverse("situations:party", args=[o["draft_picture"].pk]),
        OWN_DRAFT,
    ),
    "situations:joint": (lambda o: reverse("situations:joint", args=[o["joint"].pk]), JOINT_READERS),
    "situations:diff": (lambda o: reverse("situations:diff", args=[o["joint"].pk]), JOINT_READERS),
    "situations:causes": (
        lambda o: reverse("situations:causes", args=[o["joint_problem"].pk]),
        JOINT_READERS,
    ),
    "situations:export": (
        lambda o: reverse("situations:export", args=[o["joint"].pk, "docx"]),
        JOINT_READERS,
    ),
    "situations:export (pdf)": (
        lambda o: reverse("situations:export", args=[o["joint"].pk, "pdf"]),
        JOINT_READERS,
    ),
    "est:list": (lambda o: reverse("est:list"), EVERYONE),
    "est:mine": (lambda o: reverse("est:mine"), EVERYONE),
    "est:group": (lambda o: reverse("est:group", args=[o["est_group"].pk]), EST_READERS),
    "est:summary": (
        lambda o: reverse("est:summary", args=[o["est_group"].pk]) + "?year=2025&n=3",
        EST_READERS,
    ),
    "est:week": (lambda o: reverse("est:week", args=[o["week"].pk]), EST_READERS),
    "plans:list": (lambda o: reverse("plans:list"), EVERYONE),
    "plans:detail": (lambda o: reverse("plans:detail", args=[o["plan"].pk]), EVERYONE),
    "plans:detail (draft)": (lambda o: reverse("plans:detail", args=[o["draft_plan"].pk]), PICTURE_READERS),
    "plans:export": (lambda o: reverse("plans:export", args=[o["plan"].pk, "xlsx"]), EVERYONE),
    "plans:export (draft)": (
        lambda o: reverse("plans:export", args=[o["draft_plan"].pk, "csv"]),
        PICTURE_READERS,
    ),
    "plans:measure_edit": (
        lambda o: reverse("plans:measure_edit", args=[o["draft_measure"].pk]),
        only(*JOINT_EDITORS),
    ),
    "plans:report": (lambda o: reverse("plans:report", args=[o["report"].pk]), EVERYONE),
    "plans:report (draft)": (lambda o: reverse("plans:report", args=[o["draft_report"].pk]), PICTURE_READERS),
    "plans:report_export": (lambda o: reverse("plans:report_export", args=[o["report"].pk, "csv"]), EVERYONE),
    "plans:report_export (draft)": (
        lambda o: reverse("plans:report_export", args=[o["draft_report"].pk, "xlsx"]),
        PICTURE_READERS,
    ),
    "plans:annual_list": (lambda o: reverse("plans:annual_list"), EVERYONE),
    "plans:annual": (lambda o: reverse("plans:annual", args=[o["annual"].pk]), EVERYONE),
    "plans:annual_export": (
        lambda o: reverse("plans:annual_export", args=[o["annual"].pk, "xlsx"]),
        EVERYONE,
    ),
    "calendar:year": (lambda o: reverse("calendar:year") + "?year=2025&est=1", EVERYONE),
    "plans:communications": (lambda o: reverse("plans:communications"), EVERYONE),
    "plans:communication": (lambda o: reverse("plans:communication", args=[o["promise"].pk]), EVERYONE),
    "plans:communication (unpublished)": (
        lambda o: reverse("plans:communication", args=[o["message"].pk]),
        PICTURE_READERS,
    ),
    "notifications": (lambda o: reverse("notifications"), EVERYONE),
    "mail_outbox": (lambda o: reverse("mail_outbox"), only(Role.ADMINISTRATOR)),
    "public:municipality": (lambda o: reverse("public:municipality", args=["0180"]), {r: 200 for r in ROLES}),
    "public:district": (
        lambda o: reverse("public:district", args=["0180", "norra-innerstaden"]),
        {r: 200 for r in ROLES},
    ),
    "login": (lambda o: reverse("login"), {r: 302 for r in ROLES} | {"anonymous": 200}),
    "health": (lambda o: reverse("health"), {r: 200 for r in ROLES}),
    # Single sign-on is off unless configured (tests/test_oidc.py switches it on).
    "oidc:start": (lambda o: reverse("oidc:start"), {r: 404 for r in ROLES}),
    "oidc:callback": (lambda o: reverse("oidc:callback") + "?code=c&state=s", {r: 404 for r in ROLES}),
}
POST_ROUTES = {
    "agreements:local_priority_add": (
        lambda o: reverse("agreements:local_priority_add", args=[o["draft"].pk]),
        only(
            Role.ADMINISTRATOR,
            Role.PREPARATION_GROUP,
            Role.DISTRICT_COORDINATOR,
            Role.POLICE_CONTACT,
            allowed_status=302,
        ),
    ),
    "agreements:local_priority_add (other district)": (
        lambda o: reverse("agreements:local_priority_add", args=[o["sodermalm_draft"].pk]),
        only(Role.ADMINISTRATOR, Role.PREPARATION_GROUP, "other_coordinator", allowed_status=302),
    ),
    "imports:apply": (
        lambda o: reverse("imports:apply", args=[o["batch"].pk]),
        only(*WRITERS, "other_coordinator", allowed_status=302),
    ),
    "imports:fields": (
        lambda o: reverse("imports:fields", args=[o["batch"].pk]),
        only(*WRITERS, "other_coordinator", allowed_status=302),
    ),
    "imports:rematch": (lambda o: reverse("imports:rematch"), only(*WRITERS, allowed_status=302)),
    "situations:list": (
        lambda o: reverse("situations:list"),
        only(*WRITERS, allowed_status=400),
    ),
    "situations:start": (
        lambda o: reverse("situations:start", args=[o["picture"].pk]),
        only(Role.DISTRICT_COORDINATOR, Role.POLICE_CONTACT, allowed_status=302),
    ),
    "situations:party_update": (
        lambda o: reverse("situations:party_update", args=[o["draft_picture"].pk]),
        only(Role.DISTRICT_COORDINATOR, allowed_status=302),
    ),
    "situations:problem_add": (
        lambda o: reverse("situations:problem_add", args=[o["draft_picture"].pk]),
        only(Role.DISTRICT_COORDINATOR, allowed_status=400),
    ),
    "situations:evidence_add": (
        lambda o: reverse("situations:evidence_add", args=[o["draft_problem"].pk]),
        only(Role.DISTRICT_COORDINATOR, allowed_status=400),
    ),
    "situations:problem_delete": (
        lambda o: reverse("situations:problem_delete", args=[o["draft_problem"].pk]),
        only(Role.DISTRICT_COORDINATOR, allowed_status=302),
    ),
    "situations:submit": (
        lambda o: reverse("situations:submit", args=[o["draft_picture"].pk]),
        only(Role.DISTRICT_COORDINATOR, allowed_status=302),
    ),
    "situations:causes": (
        lambda o: reverse("situations:causes", args=[o["joint_problem"].pk]),
        only(*JOINT_EDITORS, allowed_status=400),
    ),
    "situations:cause_delete": (
        lambda o: reverse("situations:cause_delete", args=[o["cause"].pk]),
        only(*JOINT_EDITORS, allowed_status=302),
    ),
    "situations:merge": (
        lambda o: reverse("situations:merge", args=[o["joint"].pk]),
        only(*JOINT_EDITORS, allowed_status=400),
    ),
    "situations:scores": (
        lambda o: reverse("situations:scores", args=[o["joint"].pk]),
        only(*JOINT_EDITORS, allowed_status=400),
    ),
    "situations:decision": (
        lambda o: reverse("situations:decision", args=[o["joint"].pk]),
        only(*JOINT_EDITORS, Role.STEERING_GROUP_MEMBER, allowed_status=400),
    ),
    "situations:version_save": (
        lambda o: reverse("situations:version_save", args=[o["joint"].pk]),
        only(*JOINT_EDITORS, allowed_status=302),
    ),
    "est:group": (
        lambda o: reverse("est:group", args=[o["est_group"].pk]),
        only(*EST_WRITERS, allowed_status=400),
    ),
    "est:send": (lambda o: reverse("est:send", args=[o["week"].pk]), only(*EST_WRITERS, allowed_status=302)),
    "est:meeting": (
        lambda o: reverse("est:meeting", args=[o["week"].pk]),
        only(*EST_WRITERS, allowed_status=400),
    ),
    "est:measure_add": (
        lambda o: reverse("est:measure_add", args=[o["week"].pk]),
        only(*EST_WRITERS, allowed_status=400),
    ),
    "est:measure_status": (
        lambda o: reverse("est:measure_status", args=[o["measure"].pk]),
        only(*EST_WRITERS, allowed_status=302),
    ),
    "est:feedback": (
        lambda o: reverse("est:feedback", args=[o["week"].pk, o["observation"].pk]),
        only(*EST_WRITERS, allowed_status=400),
    ),
    "plans:list": (lambda o: reverse("plans:list"), only(*WRITERS, allowed_status=400)),
    "plans:measure_add": (
        lambda o: reverse("plans:measure_add", args=[o["draft_plan"].pk]),
        only(*JOINT_EDITORS, allowed_status=400),
    ),
    "plans:measure_edit": (
        lambda o: reverse("plans:measure_edit", args=[o["draft_measure"].pk]),
        only(*JOINT_EDITORS, allowed_status=400),
    ),
    "plans:measure_delete": (
        lambda o: reverse("plans:measure_delete", args=[o["draft_measure"].pk]),
        only(*JOINT_EDITORS, allowed_status=302),
    ),
    "plans:measure_indicator_add": (
        lambda o: reverse("plans:measure_indicator_add", args=[o["draft_measure"].pk]),
        only(*JOINT_EDITORS, allowed_status=400),
    ),
    "plans:duty_add": (
        lambda o: reverse("plans:duty_add", args=[o["draft_plan"].pk]),
        only(*JOINT_EDITORS, allowed_status=400),
    ),
    "plans:adopt": (
        lambda o: reverse("plans:adopt", args=[o["draft_plan"].pk]),
        only(*JOINT_EDITORS, Role.STEERING_GROUP_MEMBER, allowed_status=400),
    ),
    "plans:reopen": (
        lambda o: reverse("plans:reopen", args=[o["plan"].pk]),
        only(*JOINT_EDITORS, allowed_status=302),
    ),
    "plans:report_create": (
        lambda o: reverse("plans:report_create", args=[o["plan"].pk]),
        only(*JOINT_EDITORS, allowed_status=400),
    ),
    "plans:report": (
        lambda o: reverse("plans:report", args=[o["draft_report"].pk]),
        only(*JOINT_EDITORS, allowed_status=400),
    ),
    "plans:report (submitted)": (
        lambda o: reverse("plans:report", args=[o["report"].pk]),
        only(otherwise=403) | {"anonymous": 302},
    ),
    "plans:report_submit": (
        lambda o: reverse("plans:report_submit", args=[o["draft_report"].pk]),
        only(*JOINT_EDITORS, allowed_status=302),
    ),
    "plans:override_add": (
        lambda o: reverse("plans:override_add", args=[o["draft_report"].pk]),
        only(*JOINT_EDITORS, allowed_status=302),
    ),
    "plans:annual_list": (
        lambda o: reverse("plans:annual_list"),
        only(Role.ADMINISTRATOR, Role.PREPARATION_GROUP, allowed_status=400),
    ),
    "plans:annual_send": (
        lambda o: reverse("plans:annual_send", args=[o["annual"].pk]),
        only(Role.ADMINISTRATOR, Role.PREPARATION_GROUP, allowed_status=302),
    ),
    # The set-up pages: only administrators; the posted data is no valid step.
    **{
        f"setup:{name}": (
            _setup_url(name),
            only(Role.ADMINISTRATOR, allowed_status=400),
        )
        for name in ("areas", "organisations", "people", "bodies", "coordination", "agreement")
    },
    "setup:municipality": (
        lambda o: reverse("setup:municipality"),
        only(Role.ADMINISTRATOR, allowed_status=302),
    ),
    "setup:municipality_add": (
        lambda o: reverse("setup:municipality_add"),
        only(Role.ADMINISTRATOR, allowed_status=400),
    ),
    "setup:import": (lambda o: reverse("setup:import"), only(Role.ADMINISTRATOR, allowed_status=302)),
    "plans:communications": (lambda o: reverse("plans:communications"), only(*WRITERS, allowed_status=400)),
    "plans:communication": (
        lambda o: reverse("plans:communication", args=[o["message"].pk]),
        only(*JOINT_EDITORS, allowed_status=400),
    ),
    "plans:communication_approve": (
        lambda o: reverse("plans:communication_approve", args=[o["message"].pk]),
        only(Role.DISTRICT_COORDINATOR, Role.POLICE_CONTACT, allowed_status=302),
    ),
    "consultations:recipient_add": (
        lambda o: reverse("consultations:recipient_add", args=[o["open_round"].pk]),
        only(*OVERSEERS, allowed_status=400),
    ),
    "consultations:remind": (
        lambda o: reverse("consultations:remind", args=[o["open_round"].pk]),
        only(*OVERSEERS, allowed_status=302),
    ),
    "consultations:extension": (
        lambda o: reverse("consultations:extension", args=[o["waiting_recipient"].pk]),
        only(*OVERSEERS, allowed_status=302),
    ),
    "consultations:statement_edit (save)": (
        lambda o: reverse("consultations:statement_edit", args=[o["draft_statement"].recipient_id]),
        only(*INNER_WRITERS, allowed_status=302),
    ),
    "consultations:statement_submit": (
        lambda o: reverse("consultations:statement_submit", args=[o["draft_statement"].pk]),
        only(*INNER_WRITERS, allowed_status=400),
    ),
    "consultations:document_add": (
        lambda o: reverse("consultations:document_add", args=[o["draft_statement"].pk]),
        only(*INNER_WRITERS, allowed_status=400),
    ),
    "consultations:attachment_add": (
        lambda o: reverse("consultations:attachment_add", args=[o["draft_statement"].pk]),
        only(*INNER_WRITERS, allowed_status=400),
    ),
    "consultations:proposal_add": (
        lambda o: reverse("consultations:proposal_add", args=[o["draft_statement"].pk]),
        only(*INNER_WRITERS, allowed_status=400),
    ),
    "consultations:change_add": (
        lambda o: reverse("consultations:change_add", args=[o["proposal"].pk]),
        only(*SODERMALM_WRITERS, allowed_status=400),
    ),
    "consultations:minutes (record)": (
        lambda o: reverse("consultations:minutes", args=[o["sodermalm_statement"].pk]),
        only(*SODERMALM_WRITERS, allowed_status=400),
    ),
    "consultations:outcome_correct": (
        lambda o: reverse("consultations:outcome_correct", args=[o["outcome"].pk]),
        only(*OVERSEERS, allowed_status=302),
    ),
    "consultations:adoption_correct": (
        lambda o: reverse("consultations:adoption_correct", args=[o["outcome"].adoption_id]),
        only(*OVERSEERS, allowed_status=302),
    ),
    "consultations:revise": (
        lambda o: reverse("consultations:revise", args=[o["round"].version_id]),
        only(*OVERSEERS, allowed_status=302),
    ),
    "consultations:element_add": (
        lambda o: reverse("consultations:element_add", args=[o["central_draft"].pk, "area"]),
        only(*OVERSEERS, allowed_status=400),
    ),
    "consultations:element_edit": (
        lambda o: reverse("consultations:element_edit", args=["area", o["draft_area"].pk]),
        only(*OVERSEERS, allowed_status=400),
    ),
    "consultations:round_create (send)": (
        lambda o: reverse("consultations:round_create", args=[o["central_draft"].pk]),
        only(*OVERSEERS, allowed_status=400),
    ),
    "consultations:adopt (record)": (
        lambda o: reverse("consultations:adopt", args=[o["central_draft"].pk]),
        only(*OVERSEERS, allowed_status=400),
    ),
    "notifications": (lambda o: reverse("notifications"), {r: 302 for r in ROLES}),
    "mail_outbox": (lambda o: reverse("mail_outbox"), only(Role.ADMINISTRATOR, allowed_status=404)),
    "set_language": (lambda o: reverse("set_language"), {r: 302 for r in ROLES}),
    "logout": (lambda o: reverse("logout"), {r: 302 for r in ROLES}),
}
# Routes tested elsewhere, with the reason.
ELSEWHERE = {
    "admin": "Django's admin: staff only, see test_admin_is_for_administrators",
    "admin_login": "the admin site's sign-in, throttled: tests/test_sign_in.py",
}


def client_for(client, cast, role):
    if role != "anonymous":
        client.force_login(cast[role])
    return client


@pytest.mark.parametrize("name", GET_ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_get_access(client, cast, objects, name, role):
    build, expected = GET_ROUTES[name]
    response = client_for(client, cast, role).get(build(objects))
    assert response.status_code == expected[role], f"{name} as {role}"


@pytest.mark.parametrize("name", POST_ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_post_access(client, cast, objects, name, role):
    build, expected = POST_ROUTES[name]
    data = {"name": "Trygghet vid Odenplan", "description": "", "language": "sv", "next": "/"}
    response = client_for(client, cast, role).post(build(objects), data)
    assert response.status_code == expected[role], f"{name} as {role}"


def test_every_route_has_an_expected_access_entry():
    def names(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    yield "admin"
                    continue
                yield from names(
                    pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name

    covered = {n.split(" (")[0] for n in GET_ROUTES | POST_ROUTES} | set(ELSEWHERE)
    assert set(names(get_resolver())) <= covered


def test_admin_is_for_administrators(client, cast):
    client.force_login(cast[Role.ADMINISTRATOR])
    assert client.get("/admin/").status_code == 200
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    assert client.get("/admin/").status_code == 302


def test_a_party_writes_its_own_local_agreement_and_it_is_audited(client, cast, objects):
    from samverkan.agreements.services import draft_revision

    revision = draft_revision(version=objects["inner"], label="Revidering 2027")
    revision.valid_from = objects["inner"].valid_from  # under the same overarching agreement
    revision.save()
    # The draft carries what the adopted version addressed, categories included.
    before = agreement_compliance(objects["inner"])
    assert agreement_compliance(revision).missing_count == before.missing_count
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    central = objects["central"].priority_areas.get(name="Systemhotande brottslighet")
    response = client.post(
        reverse("agreements:local_priority_add", args=[revision.pk]),
        {"name": "Välfärdsbrott i city", "description": "", "addresses": [central.pk]},
    )
    assert response.status_code == 302
    assert revision.priority_areas.filter(name="Välfärdsbrott i city", is_local_priority=True).exists()
    page = client.get(reverse("agreements:version", args=[revision.pk]))
    assert "Alla prioriterade samverkansområden och obligatoriska kategorier berörs." in page.content.decode()
    from samverkan.audit.models import AuditEvent

    event = AuditEvent.objects.get(
        model="agreements.PriorityArea", action="create", object_repr="Välfärdsbrott i city"
    )
    assert event.actor == cast[Role.DISTRICT_COORDINATOR]
    assert event.changes["name"] == [None, "Välfärdsbrott i city"]


def test_an_adopted_version_names_no_draft_as_its_successor(client, cast, objects):
    from samverkan.agreements.services import draft_revision

    revision = draft_revision(version=objects["inner"], label="Revidering 2027")
    client.force_login(cast[Role.POLITICIAN])
    page = client.get(reverse("agreements:version", args=[objects["inner"].pk])).content.decode()
    assert f"/agreements/versions/{revision.pk}/" not in page and "Revidering 2027" not in page


def test_an_adopted_version_is_not_changed_without_a_decision(client, cast, objects):
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    adopted = objects["inner"]
    page = client.get(reverse("agreements:version", args=[adopted.pk])).content.decode()
    assert "local-priorities/" not in page  # no form to add one
    response = client.post(
        reverse("agreements:local_priority_add", args=[adopted.pk]),
        {"name": "Välfärdsbrott i city", "description": ""},
    )
    assert response.status_code == 400
    assert "utkast till revidering" in response.content.decode()
    assert not adopted.priority_areas.filter(name="Välfärdsbrott i city").exists()


def test_a_personal_identity_number_is_refused_with_a_clear_message(client, cast, objects):
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    response = client.post(
        reverse("agreements:local_priority_add", args=[objects["draft"].pk]),
        {"name": "Ungdomar", "description": "Gäller 19811228-9874 och hans vänner"},
    )
    assert response.status_code == 400
    assert "personnummer" in response.content.decode()
    assert not objects["draft"].priority_areas.filter(name="Ungdomar").exists()


def test_another_municipality_sees_nothing_of_stockholm(client, objects):
    gothenburg = Municipality.objects.create(code="1480", name="Göteborgs stad")
    office = Organisation.objects.create(
        municipality=gothenburg, kind=OrganisationKind.EXECUTIVE_OFFICE, name="Stadsledningskontoret Göteborg"
    )
    user = User.objects.create_user("gbg", role=Role.PREPARATION_GROUP, organisation=office)
    client.force_login(user)
    for url in [
        reverse("agreements:agreement", args=[objects["central"].agreement_id]),
        reverse("agreements:version", args=[objects["central"].pk]),
        reverse("areas:detail", args=[objects["area"].pk]),
        reverse("areas:geometry", args=[objects["area"].pk]),
        reverse("bodies:detail", args=[objects["body"].pk]),
    ]:
        assert client.get(url).status_code == 403, url
    overview = client.get(reverse("agreements:overview")).content.decode()
    assert "Göteborgs stad" in overview and "KS 2023/740" not in overview


# What marks Stockholm's content: its name, its districts, its police region, its people.
STOCKHOLM_MARKERS = (
    "Stockholms stad",
    "Norra innerstaden",
    "Polisregion Stockholm",
    "Järva",
    "Demo Samordnare",
)
TEXT_TYPES = ("text/", "application/json", "image/svg")


# Public pages are public by design; the API's description names no municipality's data.
NOT_PUBLIC = [
    name
    for name, (_build, expected) in GET_ROUTES.items()
    if expected.get("anonymous") != 200 and not name.startswith(("public:", "api:openapi"))
]


@pytest.mark.parametrize("name", NOT_PUBLIC)
def test_no_route_shows_another_municipality_anything_of_stockholm(
    client, objects, other_municipality_admin, name
):
    """Every page, export and API route that is not public, as the administrator of
    another municipality of the same installation: refused, or without a trace of
    Stockholm."""
    build, _expected = GET_ROUTES[name]
    client.force_login(other_municipality_admin)
    response = client.get(build(objects), follow=True)  # a former address redirects to its page
    assert response.status_code in (200, 400, 403, 404, 405), f"{name}: {response.status_code}"
    if response.status_code != 200:
        return
    content_type = response.get("Content-Type", "")
    assert content_type.startswith(TEXT_TYPES), f"{name} gave Malmö a file: {content_type}"
    body = b"".join(response) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    assert [m for m in STOCKHOLM_MARKERS if m in text] == [], name


def test_notifications_stay_in_their_municipality(client, objects, other_municipality_admin):
    from samverkan.notifications.models import Notification

    stockholm_user = User.objects.get(username="samordnare")
    Notification.objects.create(user=stockholm_user, key="test:1", text="Lägesbild Norra innerstaden")
    client.force_login(other_municipality_admin)
    page = client.get(reverse("notifications")).content.decode()
    assert "Norra innerstaden" not in page
    assert Notification.objects.filter(user=stockholm_user).exists()
