from pathlib import Path

import pytest

from samverkan.datasources import loader
from samverkan.datasources.importers import surveys
from samverkan.datasources.models import ImportBatch, SurveyResult
from samverkan.indicators.models import IndicatorValue
from samverkan.indicators.services import refresh_after_import

FIXTURES = Path(__file__).parent / "fixtures"


def test_shares_counts_and_percentages_are_read():
    result = surveys.parse((FIXTURES / "trygghetsmatning.csv").read_bytes())
    assert result.errors == []
    assert [(r.data["count"], r.data["respondents"]) for r in result.rows] == [
        (300, 1000),
        (350, 1000),
        (120, 300),
        (60, 200),
        (210, 500),
    ]


def test_impossible_shares_are_line_errors():
    data = "område;år;fråga;andel;svarande\nFarsta;2023;Otrygg;140 %;100\nFarsta;2023;Otrygg;;0\n".encode()
    result = surveys.parse(data)
    assert [e.line for e in result.errors] == [2, 3]


@pytest.fixture
def survey(stockholm):
    batch = loader.batch_receive(
        municipality=stockholm,
        kind="survey",
        filename="t.csv",
        data=(FIXTURES / "trygghetsmatning.csv").read_bytes(),
        user=None,
    )
    loader.batch_apply(batch)
    refresh_after_import(batch)
    return batch


def test_survey_shares_get_wilson_intervals_and_roll_up_across_reorganisations(survey):
    assert SurveyResult.objects.count() == 5
    jarva_2021 = IndicatorValue.objects.get(indicator__code="otrygg-kvall", area__code="jarva", label="2021")
    assert (jarva_2021.count, jarva_2021.respondents) == (180, 500)  # Rinkeby-Kista + Spånga-Tensta
    assert jarva_2021.value == pytest.approx(36.0)
    assert (jarva_2021.low, jarva_2021.high) == pytest.approx((31.93, 40.28), abs=0.02)


def test_a_survey_change_is_tested_against_the_year_before(survey):
    whole = {v.label: v for v in IndicatorValue.objects.filter(indicator__code="otrygg-kvall", area=None)}
    assert whole["2023"].change_p is None  # no 2022 survey: no comparison
    jarva_2024 = IndicatorValue.objects.get(indicator__code="otrygg-kvall", area__code="jarva", label="2024")
    assert jarva_2024.change_p is None


def test_a_repeated_line_is_an_error(stockholm):
    data = (
        FIXTURES / "trygghetsmatning.csv"
    ).read_bytes() + "Järva;2024;Otrygg ute sent en kväll i området;0,40;;500\n".encode()
    batch = loader.batch_receive(
        municipality=stockholm, kind="survey", filename="t.csv", data=data, user=None
    )
    assert batch.status == ImportBatch.Status.REJECTED and batch.report["errors"][0]["line"] == 7


def test_a_year_pooled_from_merged_areas_shows_its_parts_and_is_not_tested_against_the_merged_year(
    stockholm, client
):
    from django.urls import reverse

    from samverkan.accounts.models import User

    lines = [
        "område;år;fråga;andel;antal;svarande",
        "Rinkeby-Kista;2021;Otrygg ute sent en kväll i området;;120;300",
        "Spånga-Tensta;2021;Otrygg ute sent en kväll i området;;60;200",
        "Järva;2022;Otrygg ute sent en kväll i området;;100;500",
        "Järva;2023;Otrygg ute sent en kväll i området;;150;500",
    ]
    batch = loader.batch_receive(
        municipality=stockholm, kind="survey", filename="t.csv", data="\n".join(lines).encode(), user=None
    )
    loader.batch_apply(batch)
    refresh_after_import(batch)
    jarva = {
        v.label: v for v in IndicatorValue.objects.filter(indicator__code="otrygg-kvall", area__code="jarva")
    }
    assert jarva["2021"].made_up_of == "Rinkeby-Kista 120 / 300 + Spånga-Tensta 60 / 200"
    # 36 % pooled from two samples, then 20 % from one: not a change that can be tested.
    assert jarva["2022"].change_p is None and not jarva["2022"].significant_change
    assert jarva["2022"].parts == []
    assert jarva["2023"].change_p is not None and jarva["2023"].significant_change  # 20 % → 30 %
    client.force_login(User.objects.get(username="samordnare"))
    area = jarva["2021"].area
    page = client.get(reverse("areas:detail", args=[area.pk])).content.decode()
    assert "= Rinkeby-Kista 120 / 300 + Spånga-Tensta 60 / 200" in page
    csv = client.get(reverse("areas:indicator_csv", args=[area.pk, "otrygg-kvall"])).content.decode(
        "utf-8-sig"
    )
    assert "svarande" in csv.splitlines()[0] and "Järva;2021;180;;500;" in csv
