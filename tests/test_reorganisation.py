"""A reorganised year in BRÅ's databasfil: ceased areas under every name BRÅ
gives them, the new area with zeros before it existed, and the sums that
must reconcile to the unit (fixture bra_omorganisation.txt, written by hand:
Rinkeby-Kista and Spånga-Tensta ceased 2024-01-01 into Järva, Älvsjö ceased
2021-01-01; 2024 is preliminary)."""

from pathlib import Path

from django.db.models import Sum

from samverkan.audit.models import AuditEvent
from samverkan.datasources import loader, services
from samverkan.datasources.models import ImportBatch, RegionAlias, ReportedCrimeCount
from samverkan.datasources.regions import normalise
from samverkan.indicators.compute import indicator_refresh
from samverkan.indicators.models import Indicator, IndicatorValue

FIXTURE = Path(__file__).parent / "fixtures" / "bra_omorganisation.txt"
CRIME = "3-7 kap. Brott mot person"

# The fixture's monthly values, summed by hand.
RINKEBY_KISTA_2023 = sum(100 + m for m in range(1, 13))  # 1278
SPANGA_TENSTA_2023 = sum(60 + m for m in range(1, 13))  # 798
SODERMALM_2023 = sum(80 + m for m in range(1, 13))  # 1038
HAGERSTEN_ALVSJO_2023 = sum(70 + m for m in range(1, 13))  # 918
STOCKHOLM_2023 = RINKEBY_KISTA_2023 + SPANGA_TENSTA_2023 + SODERMALM_2023 + HAGERSTEN_ALVSJO_2023
SOLNA_2023 = sum(30 + m for m in range(1, 13))  # 438
ALVSJO_AFTER_CEASING = 12  # 1 a month in 2023, two years after Älvsjö ceased


def imported(stockholm):
    batch = loader.batch_receive(
        municipality=stockholm, kind="bra", filename=FIXTURE.name, data=FIXTURE.read_bytes(), user=None
    )
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.report["errors"]
    return loader.batch_apply(batch)


def yearly(code, year):
    indicator = Indicator.objects.get(code="brott-mot-person")
    indicator_refresh(indicator)
    return IndicatorValue.objects.get(indicator=indicator, area__code=code, label=str(year))


def test_every_form_of_a_district_name_finds_its_area():
    forms = [
        "Stadsdelsområde Rinkeby-Kista (Sthlm)",
        "Stadsdelsområde Rinkeby-Kista (upphörde 2024-01-01)",
        "Rinkeby-Kista stadsdel (upphörde 2024-01-01)",
        "Rinkeby - Kista stadsdelsområde",
        "rinkeby–kista",
    ]
    assert {normalise(name) for name in forms} == {"rinkeby-kista"}
    assert normalise("Älvsjö stadsdel (upphörde 2021-01-01)") == "älvsjö"


def test_ceased_districts_count_for_their_successor_and_the_year_reconciles_to_the_unit(stockholm):
    batch = imported(stockholm)
    rows = {(r["crime"], r["year"]): r for r in batch.report["reconciliation"]}
    year = rows[(CRIME, 2023)]
    assert year == {
        "crime": CRIME,
        "year": 2023,
        "file": 2 * STOCKHOLM_2023 + SOLNA_2023 + ALVSJO_AFTER_CEASING,
        "districts": STOCKHOLM_2023,
        "municipality": STOCKHOLM_2023,
        "elsewhere": SOLNA_2023,
        "not_counted": ALVSJO_AFTER_CEASING,
        "landed": 2 * STOCKHOLM_2023 + SOLNA_2023 + ALVSJO_AFTER_CEASING,
        "ok": True,
    }
    assert all(r["ok"] for r in batch.report["reconciliation"])
    assert batch.report["unmapped"] == {} and batch.report["elsewhere"] == {"Solna kommun": 15}

    # District by district, the districts of 2023 add up to the municipality's own row.
    districts_2023 = sum(
        yearly(code, 2023).count
        for code in ("rinkeby-kista", "spanga-tensta", "sodermalm", "hagersten-alvsjo")
    )
    assert (
        districts_2023
        == STOCKHOLM_2023
        == IndicatorValue.objects.get(indicator__code="brott-mot-person", area=None, label="2023").count
    )
    # Järva, which began in 2024, shows 2023 as its predecessors' sum, with where it came from.
    jarva = yearly("jarva", 2023)
    assert jarva.count == RINKEBY_KISTA_2023 + SPANGA_TENSTA_2023 and not jarva.incomplete
    assert jarva.parts == [
        {"area": "Rinkeby-Kista", "count": RINKEBY_KISTA_2023},
        {"area": "Spånga-Tensta", "count": SPANGA_TENSTA_2023},
    ]
    assert yearly("sodermalm", 2023).parts == []  # its own value only


def test_rows_of_a_period_when_the_area_did_not_exist_are_warned_about_with_their_lines(stockholm):
    batch = imported(stockholm)
    warnings = {w["message"].split(" av ")[1].split(" är ")[0]: w for w in batch.report["warnings"]}
    assert set(warnings) == {
        "Stadsdelsområde Järva (Sthlm)",  # zeros before it began
        "Älvsjö stadsdel (upphörde 2021-01-01)",  # after it ceased
        "Rinkeby-Kista stadsdel (upphörde 2024-01-01)",
        "Spånga-Tensta stadsdel (upphörde 2024-01-01)",
    }
    älvsjö = warnings["Älvsjö stadsdel (upphörde 2021-01-01)"]
    assert älvsjö["line"] == 74 and älvsjö["message"].startswith("12 värden")
    assert "74, 75, 76" in älvsjö["message"] and warnings["Stadsdelsområde Järva (Sthlm)"]["line"] == 38
    # Kept as they came, but they count in no series.
    assert ReportedCrimeCount.objects.filter(region__startswith="Älvsjö", area__code="alvsjo").count() == 12
    assert yearly("hagersten-alvsjo", 2023).count == HAGERSTEN_ALVSJO_2023


def test_a_person_choosing_an_area_for_a_name_moves_the_stored_rows_with_an_audit_entry(stockholm):
    data = FIXTURE.read_bytes().replace(b"Solna kommun", "Sthlm okänd stadsdel".encode("iso-8859-1"))
    batch = loader.batch_receive(
        municipality=stockholm, kind="bra", filename="okand.txt", data=data, user=None
    )
    loader.batch_apply(batch)
    assert batch.report["unmapped"] == {"Sthlm okänd stadsdel": 15}
    assert yearly("sodermalm", 2023).count == SODERMALM_2023

    alias = RegionAlias.objects.get(name="Sthlm okänd stadsdel")
    assert alias.automatic and alias.area is None
    moved = services.region_alias_choose(
        alias=alias, area=stockholm.areas.get(code="sodermalm"), is_municipality=False
    )
    assert moved == 15
    assert yearly("sodermalm", 2023).count == SODERMALM_2023 + SOLNA_2023
    audited = AuditEvent.objects.filter(model="datasources.ReportedCrimeCount", action="update")
    assert audited.count() == 15 and all("area" in e.changes for e in audited)
    # Matching again changes nothing more, and the person's choice outlives automatic matching.
    assert services.rows_rematch(municipality=stockholm) == 0
    alias.refresh_from_db()
    assert not alias.automatic and alias.area.code == "sodermalm"


def test_an_improved_automatic_match_reaches_rows_stored_before(stockholm):
    imported(stockholm)
    rows = ReportedCrimeCount.objects.filter(region__startswith="Rinkeby-Kista stadsdel")
    # As the earlier matching left them: not matched, remembered as such.
    rows.update(area=None)
    RegionAlias.objects.filter(name__startswith="Rinkeby-Kista stadsdel").update(area=None)
    assert services.rows_rematch(municipality=stockholm) == 15
    assert set(rows.values_list("area__code", flat=True)) == {"rinkeby-kista"}
    assert rows.filter(year=2023).aggregate(total=Sum("count"))["total"] == RINKEBY_KISTA_2023


def test_the_error_heading_counts_the_errors(client, cast, stockholm):
    from django.urls import reverse

    from samverkan.accounts.models import Role

    bad = FIXTURE.read_bytes().replace(b";Jan;314;", b";Jan;31x;").replace(b";Feb;318;", b";Feb;;")
    batch = loader.batch_receive(municipality=stockholm, kind="bra", filename="fel.txt", data=bad, user=None)
    assert batch.status == ImportBatch.Status.REJECTED and batch.report["error_count"] == 2
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "2 fel: inget kan importeras" in page


def test_import_file_prints_the_lists_the_page_shows(stockholm, capsys):
    from django.core.management import call_command

    call_command("import_file", "bra", str(FIXTURE))
    out = capsys.readouterr().out
    assert "Other municipalities: Solna kommun (15)" in out
    assert f"2023: file 8514 = districts {STOCKHOLM_2023} + municipality {STOCKHOLM_2023}" in out
    assert "warning, line 74: 12 värden av Älvsjö" in out


def test_import_file_brings_the_indicators_up_to_date_before_it_ends(stockholm):
    """The command tells the indicators (datasources.signals.command_imported)
    instead of importing their refresh: no worker needs to run."""
    from django.core.management import call_command

    IndicatorValue.objects.filter(indicator__code="brott-mot-person").delete()
    call_command("import_file", "bra", str(FIXTURE), "--apply")
    value = IndicatorValue.objects.get(indicator__code="brott-mot-person", area=None, label="2023")
    assert value.count == STOCKHOLM_2023


# --- preliminary figures ----------------------------------------------------------------------


def final_file():
    """The same file once BRÅ has published 2024 as final, with one figure revised."""
    data = FIXTURE.read_bytes().replace(b"2024 prel.", b"2024")
    return data.replace(
        "Södermalm (Sthlm);3-7 kap. Brott mot person;2024;Jan;86;".encode("iso-8859-1"),
        "Södermalm (Sthlm);3-7 kap. Brott mot person;2024;Jan;90;".encode("iso-8859-1"),
    )


def test_preliminary_figures_say_so_on_the_page_in_the_csv_in_the_chart_and_in_the_api(
    client, cast, stockholm
):
    from django.urls import reverse

    from samverkan.accounts.models import Role
    from samverkan.api.services import token_issue

    imported(stockholm)
    jarva = yearly("jarva", 2024)
    assert jarva.preliminary and jarva.shown_label == "2024 prel."
    assert not yearly("jarva", 2023).preliminary
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    area = stockholm.areas.get(code="jarva")
    page = client.get(reverse("areas:detail", args=[area.pk])).content.decode()
    assert "2024 prel." in page and "= Rinkeby-Kista 1278 + Spånga-Tensta 798" in page
    assert '"preliminary": [false, true]' in page  # the chart's marker for each point
    csv = client.get(reverse("areas:indicator_csv", args=[area.pk, "brott-mot-person"])).content.decode()
    assert "Järva;2024 prel.;" in csv and "Rinkeby-Kista 1278 + Spånga-Tensta 798" in csv
    months = client.get(reverse("areas:detail", args=[area.pk]) + "?period=month").content.decode()
    assert "jämfört med preliminär siffra" in months  # 2024-01 against 2023-01
    key = token_issue(user=cast[Role.DISTRICT_COORDINATOR], name="test")[1]
    indicator = Indicator.objects.get(code="brott-mot-person")
    values = client.get(
        f"/api/v1/indicators/{indicator.pk}/values?area=jarva&period_kind=year",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    ).json()
    assert [(v["label"], v["preliminary"]) for v in values] == [("2023", False), ("2024", True)]
    assert values[0]["parts"] == [
        {"area": "Rinkeby-Kista", "count": RINKEBY_KISTA_2023, "respondents": None},
        {"area": "Spånga-Tensta", "count": SPANGA_TENSTA_2023, "respondents": None},
    ]


def test_the_final_figures_replace_the_preliminary_ones_and_say_so(stockholm):
    imported(stockholm)
    batch = loader.batch_receive(
        municipality=stockholm, kind="bra", filename="slutlig.txt", data=final_file(), user=None
    )
    assert "21 preliminära värden blir slutliga" in " ".join(batch.report["notes"])
    assert batch.report["counts"]["changed"] == 21
    loader.batch_apply(batch)
    assert not ReportedCrimeCount.objects.filter(preliminary=True).exists()
    assert AuditEvent.objects.filter(model="datasources.ReportedCrimeCount", action="update").count() == 21
    sodermalm = yearly("sodermalm", 2024)
    assert not sodermalm.preliminary and sodermalm.shown_label == "2024"
    assert sodermalm.count == sum(85 + m for m in range(1, 4)) + 4


def test_a_verdict_on_a_preliminary_figure_says_so():
    from samverkan.plans.figures import verdict

    final = {"value": 10.0, "low": 8.0, "high": 12.0}
    code, label = verdict(final, baseline=20, target=15, direction="decrease")
    assert code == "reached" and "preliminär" not in label
    code, label = verdict(final | {"preliminary": True}, baseline=20, target=15, direction="decrease")
    assert code == "reached" and label.endswith("jämfört med preliminär siffra")
