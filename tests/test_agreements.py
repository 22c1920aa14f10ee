import datetime as dt

import pytest
from django.db import IntegrityError

from samverkan.agreements.compliance import (
    add_years,
    agreement_compliance,
    agreement_warnings,
    central_versions_in_force,
    revision_due,
)
from samverkan.agreements.models import Agreement, AgreementVersion, PriorityAreaLineage, Scope, VersionStatus
from samverkan.agreements.selectors import district_overview


def version(case_number=None, label=None):
    if case_number:
        return AgreementVersion.objects.get(case_number=case_number)
    return AgreementVersion.objects.get(label=label, agreement__title__endswith="Norrmalm")


def test_ks_2023_740_is_in_force_and_replaces_ks_2019_656(stockholm):
    new, old = version("KS 2023/740"), version("KS 2019/656")
    today = dt.date(2026, 11, 22)
    assert new.is_in_force_on(today) and new.valid_to is None
    assert not old.is_in_force_on(today)
    assert new.supersedes == old
    assert old.effective_end == dt.date(2023, 12, 31)
    assert old.is_in_force_on(dt.date(2023, 12, 31))
    assert not old.is_in_force_on(dt.date(2024, 1, 1))


def test_the_central_agreements_have_their_areas(stockholm):
    assert version("KS 2023/740").priority_areas.count() == 5
    assert version("KS 2019/656").priority_areas.count() == 6
    assert "Otrygga och brottsutsatta platser" in version("KS 2023/740").priority_areas.values_list(
        "name", flat=True
    )


def test_lineage_links_every_continuing_2019_area_to_a_2024_area(stockholm):
    old_areas = version("KS 2019/656").priority_areas.all()
    for area in old_areas:
        assert area.lineage_out.exists() or area.retirement_note, area.name
    split = PriorityAreaLineage.objects.filter(from_area__name__startswith="Riktat arbete")
    assert sorted(split.values_list("to_area__name", flat=True)) == [
        "Kriminella miljöer och livsstilar",
        "Otrygga och brottsutsatta platser",
    ]
    merged = PriorityAreaLineage.objects.filter(to_area__name="Kriminella miljöer och livsstilar")
    assert merged.count() == 2  # merger: two 2019 areas feed one 2024 area


def test_norrmalm_versions_have_their_validity(stockholm):
    versions = AgreementVersion.objects.filter(agreement__title__endswith="Norrmalm").order_by("valid_from")
    assert [v.valid_from for v in versions][:3] == [
        dt.date(2016, 6, 1),
        dt.date(2018, 6, 1),
        dt.date(2019, 2, 1),
    ]
    revised = version(label="Reviderad överenskommelse 2019")
    assert (revised.valid_from, revised.valid_to) == (dt.date(2019, 2, 1), dt.date(2019, 5, 19))
    assert versions[0].effective_end == dt.date(2018, 5, 31)


def test_the_2019_norrmalm_version_is_checked_against_the_2015_framework(stockholm):
    compliance = agreement_compliance(version(label="Reviderad överenskommelse 2019"))
    assert [gap.central.label for gap in compliance.gaps] == ["Samverkansavtal 2015–2019"]
    assert [c.name for c in compliance.gaps[0].missing_categories] == ["organiserad brottslighet"]
    assert not compliance.ok


def test_the_2020_norrmalm_version_misses_two_areas_of_ks_2019_656(stockholm):
    compliance = agreement_compliance(version(label="Överenskommelse 2020–2023"))
    gap = next(g for g in compliance.gaps if g.central.case_number == "KS 2019/656")
    assert sorted(a.name for a in gap.missing_areas) == [
        "Avhopparverksamhet för kriminella",
        "Otillåten påverkan",
    ]


def test_a_version_without_registered_content_is_not_called_compliant(stockholm):
    compliance = agreement_compliance(version(label="Första överenskommelsen"))
    assert not compliance.registered and not compliance.ok


def test_central_versions_in_force_respect_supersession(stockholm):
    local = version(label="Överenskommelse 2020–2023")
    assert [c.case_number for c in central_versions_in_force(local)] == ["KS 2019/656"]


def test_revision_is_due_every_fourth_year(stockholm):
    assert revision_due(version("KS 2019/656")) == dt.date(2023, 11, 1)
    assert revision_due(version("KS 2023/740")) == dt.date(2028, 1, 1)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_it_warns_before_the_revision_is_due(stockholm):
    messages = [w.message for w in agreement_warnings(version("KS 2023/740"), today=dt.date(2027, 6, 1))]
    assert any("2028-01-01" in m for m in messages)
    assert agreement_warnings(version("KS 2023/740"), today=dt.date(2025, 6, 1)) == []


def test_it_flags_a_local_agreement_that_expired_without_successor(stockholm):
    farsta = AgreementVersion.objects.get(agreement__area__code="farsta")
    levels = [w.level for w in agreement_warnings(farsta, today=dt.date(2026, 11, 22))]
    assert "error" in levels
    assert [w.level for w in agreement_warnings(farsta, today=dt.date(2025, 1, 1))] == []


def test_it_warns_when_expiry_is_near(stockholm, settings):
    settings.SAMVERKAN_EXPIRY_WARNING_DAYS = 60
    farsta = AgreementVersion.objects.get(agreement__area__code="farsta")
    assert [w.level for w in agreement_warnings(farsta, today=dt.date(2025, 11, 15))] == ["warning"]


def test_the_district_overview_lists_every_current_district_once(stockholm):
    rows = district_overview(stockholm, today=dt.date(2026, 11, 22))
    names = [row.area.name for row in rows]
    assert len(names) == len(set(names)) == 11
    skarholmen = next(row for row in rows if row.area.code == "skarholmen")
    assert skarholmen.version is None
    with_retired = district_overview(stockholm, today=dt.date(2026, 11, 22), include_retired=True)
    assert "Norrmalm" in [row.area.name for row in with_retired]


def test_the_cached_district_overview_follows_every_change_at_once(client, cast, settings):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samverkan.organisations.models import Area

    client.force_login(cast["politician"])
    url = "/agreements/compliance/"
    with CaptureQueriesContext(connection) as first:
        assert "Skärholmen" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second:
        assert "Skärholmen" in client.get(url).content.decode()
    assert len(second) < len(first) - 5  # served from the cache

    area = Area.objects.get(code="skarholmen")
    area.name = "Skärholmen-Sätra"
    area.save()
    assert "Skärholmen-Sätra" in client.get(url).content.decode()
    version = AgreementVersion.objects.get(agreement__area__code="farsta")
    version.label = "Farsta, reviderad 2027"
    version.save()
    assert "Farsta, reviderad 2027" in client.get(url).content.decode()
    cache.clear()


def test_a_local_agreement_needs_a_district_area(stockholm):
    with pytest.raises(IntegrityError):
        Agreement.objects.create(municipality=stockholm, scope=Scope.LOCAL, title="Utan område")


def test_an_adopted_version_needs_a_start_date(stockholm):
    agreement = Agreement.objects.get(scope=Scope.CENTRAL)
    with pytest.raises(IntegrityError):
        AgreementVersion.objects.create(agreement=agreement, label="Utan datum", status=VersionStatus.ADOPTED)
