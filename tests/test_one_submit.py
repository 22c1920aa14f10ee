"""One submit, one effect: submitting a picture, adopting a plan, recording
a prioritisation and applying an import, fired several times at once (as a
double click or a second tab does), take effect once, on SQLite and on
PostgreSQL alike."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from samverkan.accounts.models import Role
from samverkan.agreements.models import Agreement
from samverkan.datasources import loader
from samverkan.datasources.models import ImportBatch, Observation
from samverkan.governance.models import Body
from samverkan.plans import services as plans
from samverkan.plans.models import PlanDecision
from samverkan.situations import services as situations
from samverkan.situations.demo import load_example_pictures
from samverkan.situations.models import JointAnalysis, PartyPicture, PrioritisationDecision, Problem
from samverkan.situations.selectors import picture_parties
from tests.test_plans import EXAMPLE_PICTURES, PLACES, new_measure
from tests.test_situations import picture  # noqa: F401 - the fixture: Norra innerstaden's 2026 picture

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(times: int, work) -> list:
    """Run `work()` in `times` threads released together; each outcome or error."""
    barrier = threading.Barrier(times)
    outcomes: list = [None] * times

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = work()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test reads
            outcomes[index] = error
        finally:
            connection.close()  # the thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def drafted(situation_picture, organisation, title):
    draft = situations.party_picture_start(picture=situation_picture, organisation=organisation)
    situations.problem_add(owner=draft, title=title)
    return draft


def test_four_submits_of_a_picture_at_once_copy_its_problem_once(cast, picture):  # noqa: F811
    city, police = sorted(picture_parties(picture), key=lambda o: o.is_police)
    situations.party_picture_submit(
        party_picture=drafted(picture, city, "Klotter vid torget"), user=cast[Role.DISTRICT_COORDINATOR]
    )
    draft = drafted(picture, police, "Narkotikahandel vid Plattan")

    def submit():
        return situations.party_picture_submit(
            party_picture=PartyPicture.objects.get(pk=draft.pk), user=cast[Role.POLICE_CONTACT]
        )

    outcomes = at_once(4, submit)
    assert sum(isinstance(o, JointAnalysis) for o in outcomes) == 1, outcomes
    assert all(isinstance(o, JointAnalysis | ValidationError) for o in outcomes), outcomes
    assert JointAnalysis.objects.filter(picture=picture).count() == 1
    titles = sorted(Problem.objects.filter(analysis__picture=picture).values_list("title", flat=True))
    assert titles == ["Klotter vid torget", "Narkotikahandel vid Plattan"]


def test_both_parties_submitting_at_once_open_one_joint_analysis(cast, picture):  # noqa: F811
    city, police = sorted(picture_parties(picture), key=lambda o: o.is_police)
    drafts = {
        city: (drafted(picture, city, "Klotter vid torget"), cast[Role.DISTRICT_COORDINATOR]),
        police: (drafted(picture, police, "Narkotikahandel vid Plattan"), cast[Role.POLICE_CONTACT]),
    }
    order = iter(drafts.values())
    lock = threading.Lock()

    def submit():
        with lock:
            draft, user = next(order)
        return situations.party_picture_submit(party_picture=PartyPicture.objects.get(pk=draft.pk), user=user)

    outcomes = at_once(2, submit)
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert JointAnalysis.objects.filter(picture=picture).count() == 1
    assert Problem.objects.filter(analysis__picture=picture).count() == 2


def test_two_adoptions_of_a_plan_at_once_record_one_decision(cast, stockholm):
    example = load_example_pictures(EXAMPLE_PICTURES, municipality=stockholm)[0]
    agreement = Agreement.objects.get(area__code="norra-innerstaden")
    area = agreement.versions.get(valid_from__year=2024).priority_areas.get(name=PLACES)
    plan = plans.plan_create(
        agreement=agreement,
        priority_area=area,
        year=2026,
        title="Åtgärdsplan 2026",
        goals=list(area.goals.all()[:1]),
        analysis=example.joint,
    )
    problem = example.joint.problems.get(title="Otrygghet och öppen narkotikahandel på Plattan")
    coordinator = cast[Role.DISTRICT_COORDINATOR]
    plans.measure_save(
        measure=new_measure(plan, "Trygghetsvandring vid Plattan", problem),
        owners=[coordinator.organisation],
        causes=[problem.causes.first()],
    )
    steering = Body.objects.get(name="Lokal styrgrupp Norra innerstaden")

    def adopt():
        return plans.plan_adopt(
            plan=type(plan).objects.get(pk=plan.pk),
            body=steering,
            decided_on=dt.date(2026, 3, 1),
            minutes_reference="§ 4",
            user=coordinator,
        )

    outcomes = at_once(2, adopt)
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert PlanDecision.objects.filter(plan=plan).count() == 1
    assert outcomes[0].pk == outcomes[1].pk


def test_two_identical_prioritisations_at_once_record_one_decision(cast, stockholm):
    joint = load_example_pictures(EXAMPLE_PICTURES, municipality=stockholm)[0].joint
    body = Body.objects.get(name="Lokal styrgrupp Norra innerstaden")
    problems = list(joint.problems.order_by("pk")[:2])
    before = PrioritisationDecision.objects.filter(analysis=joint).count()

    def decide():
        return situations.decision_record(
            analysis=type(joint).objects.get(pk=joint.pk),
            body=body,
            decided_on=dt.date(2026, 9, 1),
            minutes_reference="§ 9",
            problems=problems,
            user=cast[Role.STEERING_GROUP_MEMBER],
        )

    outcomes = at_once(2, decide)
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert PrioritisationDecision.objects.filter(analysis=joint).count() == before + 1


def test_three_applies_of_an_import_at_once_import_it_once_and_keep_its_report(cast, stockholm):
    data = (
        "tid;kategori;beskrivning;longitud;latitud;adress;organisation\n"
        "2024-05-03 21:30;Klotter;Vid tunneln;18.07;59.33;;Norra innerstadens stadsdelsförvaltning\n"
    ).encode()
    batch = loader.batch_receive(
        municipality=stockholm,
        kind="observations",
        filename="obs.csv",
        data=data,
        user=cast[Role.DISTRICT_COORDINATOR],
    )
    assert batch.status == ImportBatch.Status.PREVIEWED

    outcomes = at_once(3, lambda: loader.batch_apply(ImportBatch.objects.get(pk=batch.pk)))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert batch.report["applied"]["new"] == 1
    assert Observation.objects.count() == 1
    # Applying it again later is no error and changes nothing.
    again = loader.batch_apply(ImportBatch.objects.get(pk=batch.pk))
    assert again.report["applied"]["new"] == 1 and Observation.objects.count() == 1
