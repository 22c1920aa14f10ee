"""A municipality compared with its chosen group and the country, from one
BRÅ file of all 290 municipalities loaded once for the installation."""

import pytest
from django.urls import reverse

from samverkan.configurations.models import MunicipalitySetup
from samverkan.datasources import loader
from samverkan.datasources.register import code_for, known_municipalities
from samverkan.indicators.national import comparisons

# How BRÅ writes some names in its municipality table.
AS_BRA_WRITES = {"2023": "Malung–Sälens kommun", "0687": "Tranås kommun ", "2080": "Falu kommun"}


def national_file() -> tuple[bytes, dict[str, tuple[int, int]]]:
    """Every municipality with a count and a rate per 100,000 (whole numbers, as BRÅ gives them)."""
    lines, truth = ["name;numCrimes;crimesRelative"], {}
    for i, municipality in enumerate(known_municipalities()):
        population = 20_000 + 997 * i
        count = 1_000 + 37 * i
        if municipality.code == "1280":  # Malmö: clearly above the rest
            population, count = 360_000, 50_000
        truth[municipality.code] = (count, population)
        name = AS_BRA_WRITES.get(municipality.code, municipality.name)
        lines.append(f"{name};{count};{round(count / population * 100_000)}")
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"), truth


def test_sources_names_of_municipalities_find_their_codes():
    assert code_for("Malung–Sälens kommun") == "2023"
    assert code_for("Tranås kommun ") == "0687"
    assert code_for("Stockholms stad") == code_for("Stockholm") == "0180"
    assert code_for("Falu kommun") == "2080" and code_for("Region Gotland") == "0980"
    assert code_for("Stadsdelsområde Bromma (Sthlm)") is None


def test_the_country_file_loaded_by_one_municipality_compares_another(
    client, stockholm, other_municipality_admin
):
    data, truth = national_file()
    batch = loader.batch_receive(
        municipality=stockholm, kind="bra", filename="bra_kommuner_2023.csv", data=data, user=None
    )
    loader.batch_apply(batch)

    client.force_login(other_municipality_admin)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("setup:municipality"),
        {"action": "comparison", "comparison-municipalities": "Lund, Helsingborg\nNowhere"},
    )
    assert response.status_code == 400 and "Not a Swedish municipality: Nowhere" in response.content.decode()
    response = client.post(
        reverse("setup:municipality"),
        {"action": "comparison", "comparison-municipalities": "Lund, Helsingborg, 1280"},
    )
    assert response.status_code == 302
    malmo = other_municipality_admin.organisation.municipality
    assert MunicipalitySetup.objects.get(municipality=malmo).comparison_group == ["1281", "1283"]

    [comparison] = comparisons(malmo)
    assert comparison.year == 2023
    assert comparison.country.municipalities == 290
    count, population = truth["1280"]
    assert comparison.own.count == count
    assert comparison.own.value == pytest.approx(count / population * 100_000, rel=1e-3)
    assert comparison.own.low < comparison.own.value < comparison.own.high
    group = [truth["1281"], truth["1283"]]
    assert comparison.group.count == sum(c for c, _p in group)
    assert comparison.group.value == pytest.approx(
        sum(c for c, _p in group) / sum(p for _c, p in group) * 100_000, rel=1e-3
    )
    total_count = sum(c for c, _p in truth.values())
    total_population = sum(p for _c, p in truth.values())
    assert comparison.country.value == pytest.approx(total_count / total_population * 100_000, rel=1e-3)
    assert comparison.reading == "above"
    assert [m.label for m in comparison.members] == ["Lund", "Helsingborg"]

    page = client.get(reverse("areas:list")).content.decode()
    assert f"{round(comparison.own.value)}" in page and "Lund" in page and "Helsingborg" in page


def test_a_file_of_a_few_municipalities_is_no_picture_of_the_country(stockholm, other_municipality_admin):
    data = "name;numCrimes;crimesRelative\nMalmö;50000;13889\nLund;4000;3200\n".encode()
    batch = loader.batch_receive(
        municipality=stockholm, kind="bra", filename="bra_kommuner_2023.csv", data=data, user=None
    )
    loader.batch_apply(batch)
    assert comparisons(other_municipality_admin.organisation.municipality) == []
