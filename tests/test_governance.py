import datetime as dt

from samverkan.governance.models import Body, Frequency, ReportingDuty
from samverkan.governance.selectors import body_findings


def test_the_central_steering_group_lacks_district_representation(stockholm):
    findings = body_findings(Body.objects.get(name="Central styrgrupp"))
    assert findings == ["Stadsdelarna är inte representerade."]


def test_the_preparation_group_has_districts_and_a_schedule(stockholm):
    assert body_findings(Body.objects.get(name="Stadsövergripande beredningsgrupp")) == []


def test_a_body_without_mandate_or_schedule_is_flagged(stockholm):
    body = Body.objects.create(municipality=stockholm, kind="preparation_group", name="Ny grupp")
    findings = body_findings(body)
    assert len(findings) == 3


def test_reports_fall_due_on_the_schedule(stockholm):
    duty = ReportingDuty.objects.get(body__name="Central styrgrupp")
    assert duty.frequency == Frequency.TERTIAL
    assert duty.next_due(dt.date(2024, 5, 1)) == dt.date(2024, 5, 15)
    assert duty.next_due(dt.date(2024, 5, 16)) == dt.date(2024, 9, 15)
    assert duty.next_due(dt.date(2025, 1, 16)) == dt.date(2025, 5, 15)


def test_month_ends_are_kept_when_months_are_shorter(stockholm):
    body = Body.objects.get(name="Central styrgrupp")
    committee = ReportingDuty.objects.get(body=body).committee
    duty = ReportingDuty(
        body=body,
        committee=committee,
        frequency=Frequency.MONTHLY,
        first_due=dt.date(2024, 1, 31),
        subject="x",
    )
    assert duty.next_due(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert duty.next_due(dt.date(2024, 3, 1)) == dt.date(2024, 3, 31)


def test_the_bodies_page_shows_mandates_and_findings(client, cast):
    client.force_login(cast["politician"])
    page = client.get("/bodies/").content.decode()
    assert "Central styrgrupp" in page and "Stadsdelarna är inte representerade." in page
