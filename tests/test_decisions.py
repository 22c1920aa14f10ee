"""The joint analysis's decision is dated by the life cycle, the latest recorded one is
the one shown, and the decided order is offered, kept and explained as what it is."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.models import Role
from samverkan.governance.models import Body
from samverkan.situations import selectors, services
from samverkan.situations.models import PrioritisationDecision
from tests.test_plans import _worked_example, picture  # noqa: F401 - fixtures


def _decide(analysis, cast, decided_on, problems=None):
    return services.decision_record(
        analysis=analysis,
        body=analysis.adopted_decision.body,
        decided_on=decided_on,
        minutes_reference="§ 9",
        problems=problems or [r.problem for r in selectors.ranking(analysis)][:2],
        user=cast[Role.STEERING_GROUP_MEMBER],
    )


@pytest.mark.parametrize(
    "decided_on",
    [timezone.localdate() + dt.timedelta(days=1), dt.date(1850, 1, 1), dt.date(2024, 12, 31)],
)
def test_a_decision_dated_in_the_future_or_before_its_picture_is_refused(client, cast, picture, decided_on):  # noqa: F811
    analysis = picture.joint
    before = PrioritisationDecision.objects.filter(analysis=analysis).count()
    with pytest.raises(ValidationError) as refused:
        _decide(analysis, cast, decided_on)
    assert "decided_on" in refused.value.message_dict
    # The form says so on its field, and keeps the rest.
    client.force_login(cast[Role.STEERING_GROUP_MEMBER])
    answer = client.post(
        reverse("situations:decision", args=[analysis.pk]),
        {
            "body": analysis.adopted_decision.body.pk,
            "decided_on": decided_on.isoformat(),
            "minutes_reference": "§ 9",
            "problems": [r.problem.pk for r in selectors.ranking(analysis)][:2],
        },
    )
    assert answer.status_code == 400
    assert answer.context["forms"]["decision"].errors["decided_on"]
    assert PrioritisationDecision.objects.filter(analysis=analysis).count() == before


def test_the_latest_recorded_decision_is_the_one_shown_whatever_its_date(client, cast, picture):  # noqa: F811
    analysis = picture.joint
    first = analysis.adopted_decision
    later = _decide(analysis, cast, first.decided_on - dt.timedelta(days=10))
    assert analysis.adopted_decision == later
    client.force_login(cast[Role.STEERING_GROUP_MEMBER])
    page = client.get(reverse("situations:joint", args=[analysis.pk]), {"step": "decision"}).content.decode()
    assert f"{later.decided_on:%Y-%m-%d}" in page or later.decided_on.strftime("%-d %B %Y") in page


def test_the_decision_form_offers_the_problems_in_the_order_it_ranks_them(client, cast, picture):  # noqa: F811
    analysis = picture.joint
    client.force_login(cast[Role.STEERING_GROUP_MEMBER])
    page = client.get(reverse("situations:joint", args=[analysis.pk]), {"step": "decision"})
    offered = [pk for pk, _label in page.context["forms"]["decision"].fields["problems"].choices]
    assert [int(str(pk)) for pk in offered] == [r.problem.pk for r in selectors.ranking(analysis)]


def test_the_documents_explain_a_decided_order_that_differs_from_the_scores(client, cast, picture):  # noqa: F811
    from docx import Document

    analysis = picture.joint
    by_score = [r.problem for r in selectors.ranking(analysis) if r.total > 0]
    assert len(by_score) >= 2
    _decide(analysis, cast, timezone.localdate(), problems=list(reversed(by_score[:2])))
    client.force_login(cast[Role.STEERING_GROUP_MEMBER])
    answer = client.get(reverse("situations:export", args=[analysis.pk, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert "Ordningen är styrgruppens beslut" in text
    # It names the order the scores would give, with each total.
    first, second = [r for r in selectors.ranking(analysis) if r.total > 0][:2]
    assert f"1. {first.problem.title} ({first.total}); 2. {second.problem.title} ({second.total})" in text
    assert Body.objects.filter(pk=analysis.adopted_decision.body_id).exists()


def test_the_form_records_an_order_other_than_the_scores_when_each_is_given_its_place(client, cast, picture):  # noqa: F811
    analysis = picture.joint
    first, second, third = [r.problem for r in selectors.ranking(analysis)][:3]
    client.force_login(cast[Role.STEERING_GROUP_MEMBER])
    url = reverse("situations:decision", args=[analysis.pk])
    base = {
        "body": analysis.adopted_decision.body.pk,
        "decided_on": timezone.localdate().isoformat(),
        "minutes_reference": "§ 12",
        "problems": [first.pk, second.pk, third.pk],
    }
    before = PrioritisationDecision.objects.filter(analysis=analysis).count()
    for places, said in [
        ({first.pk: 1, second.pk: 1, third.pk: 2}, "samma plats"),
        ({first.pk: 2, second.pk: 1}, "Ge varje ikryssat"),
    ]:
        answer = client.post(url, base | {f"place_{pk}": n for pk, n in places.items()})
        assert answer.status_code == 400 and said in answer.content.decode()
    gap = client.post(
        url, base | {"problems": [first.pk, second.pk], f"place_{first.pk}": 1, f"place_{second.pk}": 3}
    )
    assert gap.status_code == 400 and "platserna 1 till 2" in gap.content.decode()
    unticked = client.post(url, base | {"problems": [first.pk], f"place_{second.pk}": 1})
    assert unticked.status_code == 400 and "Kryssa i problemet" in unticked.content.decode()
    assert PrioritisationDecision.objects.filter(analysis=analysis).count() == before

    answer = client.post(
        url, base | {f"place_{third.pk}": 1, f"place_{first.pk}": 2, f"place_{second.pk}": 3}
    )
    assert answer.status_code == 302
    assert [r["problem"] for r in analysis.adopted_decision.ranking] == [third.pk, first.pk, second.pk]
    third.refresh_from_db()
    assert third.rank == 1
    # Without places, the scores decide.
    assert client.post(url, base).status_code == 302
    assert [r["problem"] for r in analysis.adopted_decision.ranking] == [first.pk, second.pk, third.pk]
