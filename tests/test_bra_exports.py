"""BRÅ's search-result export in its three forms, written by hand:

- bra_sok_block.csv (ISO-8859-1): blocks `Anmälda brott;Brottsförebyggande
  rådet`, `;2023;`, a unit line, HTML entities ("41&nbsp;200"), a region on
  a line of its own followed by `crime;value` lines, the block repeated
  inside Farsta's lines, Bromma twice, a block of counts and one of rates.
- bra_sok_rader.csv: `region;value` lines for the block's title, rates per
  100,000 for 2022 and "2023 prel.", `..` and a source line after the data.
- the same content saved from Excel as a legacy .xls.
- bra_kommuner_2023.csv: the municipality table, UTF-8 with a BOM,
  `name;numCrimes;crimesRelative`, the year only in the file name.
"""

import io
from pathlib import Path

import pytest
import xlwt
from django.urls import reverse

from samverkan.accounts.models import Role
from samverkan.datasources import loader
from samverkan.datasources.importers import UnreadableFile, bra
from samverkan.datasources.models import ImportBatch, ReportedCrimeCount
from samverkan.organisations.models import Municipality

FIXTURES = Path(__file__).parent / "fixtures"
BLOCK = FIXTURES / "bra_sok_block.csv"
ROWS = FIXTURES / "bra_sok_rader.csv"
TABLE = FIXTURES / "bra_kommuner_2023.csv"
THEFT = "Stöld och tillgrepp"
BROMMA = "Stadsdelsområde Bromma (Sthlm)"
FARSTA = "Stadsdelsområde Farsta (Sthlm)"

# The block fixture's counts of theft in 2023, by hand.
STOCKHOLM_THEFT = 41_200
DISTRICTS_THEFT = 2_310 + 1_450  # Bromma, Farsta
SOLNA_THEFT = 3_012


def values(result):
    return {(r.data["region"], r.data["crime"], r.data["year"]): r for r in result.rows}


def receive(stockholm, path, data=None, filename=None):
    return loader.batch_receive(
        municipality=stockholm,
        kind="bra",
        filename=filename or path.name,
        data=data if data is not None else path.read_bytes(),
        user=None,
    )


def test_the_block_export_reads_entities_repeated_blocks_and_both_units():
    result = bra.parse(BLOCK.read_bytes(), BLOCK.name)
    assert result.errors == []
    assert result.encoding.startswith("ISO-8859-1")
    found = values(result)
    stockholm_theft = found[("Stockholm kommun", THEFT, 2023)]
    # "41&nbsp;200" is one number, not two fields; the rate of the later block joins the count.
    assert stockholm_theft.data["count"] == STOCKHOLM_THEFT and stockholm_theft.data["rate"] == 4212.3
    assert stockholm_theft.line == 5
    # Misshandel of Farsta comes after the repeated block: still Farsta, not a region of its own.
    assert found[(FARSTA, "Misshandel", 2023)].data["count"] == 88
    assert found[(FARSTA, "Misshandel", 2023)].line == 15
    assert not any(r.data["region"] in {"Misshandel", "Antal"} for r in result.rows)
    # Bromma's suppressed value is never zero, in neither unit.
    bromma_assault = found[(BROMMA, "Misshandel", 2023)].data
    assert bromma_assault["count"] is None and bromma_assault["suppressed"] and bromma_assault["rate"] is None
    # Bromma's second, identical appearance is read once.
    assert len(result.rows) == 8
    assert any("1 exakt likadana rader" in note for note in result.notes)
    assert any("per 100 000 invånare" in note for note in result.notes)


def test_a_region_twice_with_different_values_is_an_error_naming_both_lines():
    lines = BLOCK.read_bytes().split(b"\r\n")
    second_bromma = [
        i for i, line in enumerate(lines, start=1) if line.startswith(b"Stadsdelsomr\xe5de Bromma")
    ][1]
    lines[second_bromma] = b"St\xf6ld och tillgrepp;2&nbsp;311;"
    result = bra.parse(b"\r\n".join(lines), BLOCK.name)
    assert [e.line for e in result.errors] == [second_bromma + 1]
    message = result.errors[0].message
    assert "rad 8" in message and "2310" in message and "2311" in message


def test_values_per_region_line_for_the_blocks_title():
    result = bra.parse(ROWS.read_bytes(), ROWS.name)
    assert result.errors == []
    found = values(result)
    assert {crime for _region, crime, _year in found} == {"Anmälda brott"}
    stockholm_2023 = found[("Stockholm kommun", "Anmälda brott", 2023)].data
    assert stockholm_2023["rate"] == 9356.1 and stockholm_2023["preliminary"]
    assert stockholm_2023["count"] is None and not stockholm_2023["has_count"]
    assert found[(BROMMA, "Anmälda brott", 2023)].data["suppressed"]
    assert found[(FARSTA, "Anmälda brott", 2022)].data["rate"] == 8233.7
    assert len(result.rows) == 6  # the source line after the data is no region


def test_the_block_export_saved_as_legacy_xls_gives_the_same_rows():
    text = BLOCK.read_bytes().decode("iso-8859-1").replace("&nbsp;", "\u00a0")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Anmälda brott")
    for y, line in enumerate(text.split("\r\n")):
        for x, cell in enumerate(line.split(";")):
            number = cell.replace("\u00a0", "").replace(",", ".")
            if number.replace(".", "", 1).isdigit():
                sheet.write(y, x, float(number) if "." in number else int(number))
            else:
                sheet.write(y, x, cell)
    buffer = io.BytesIO()
    book.save(buffer)
    from_xls = bra.parse(buffer.getvalue(), "sokresultat.xls")
    assert from_xls.encoding == "xls" and from_xls.errors == []
    assert [(r.line, r.data) for r in from_xls.rows] == [
        (r.line, r.data) for r in bra.parse(BLOCK.read_bytes(), BLOCK.name).rows
    ]


def test_the_block_export_reconciles_and_keeps_rates_as_rates(stockholm):
    batch = receive(stockholm, BLOCK)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.report["errors"]
    theft = next(r for r in batch.report["reconciliation"] if r["crime"] == THEFT)
    assert theft["file"] == STOCKHOLM_THEFT + DISTRICTS_THEFT + SOLNA_THEFT
    assert (theft["districts"], theft["municipality"], theft["elsewhere"]) == (
        DISTRICTS_THEFT,
        STOCKHOLM_THEFT,
        SOLNA_THEFT,
    )
    assert all(r["ok"] for r in batch.report["reconciliation"])
    assert batch.report["elsewhere"] == {"Solna kommun": 2} and batch.report["unmapped"] == {}
    loader.batch_apply(batch)
    stored = ReportedCrimeCount.objects.get(region="Stockholm kommun", crime=THEFT)
    assert (stored.count, stored.rate_per_100k, stored.is_municipality) == (STOCKHOLM_THEFT, 4212.3, True)
    assert ReportedCrimeCount.objects.get(region=BROMMA, crime=THEFT).area.name == "Bromma"


def rates_after_counts(stockholm, rate: str) -> ImportBatch:
    """The block file imported, then a file giving Bromma's theft as a rate only."""
    loader.batch_apply(receive(stockholm, BLOCK))
    rates = (
        "Anmälda brott;Brottsförebyggande rådet\r\n;2023;\r\n/100&nbsp;000&nbsp;inv\r\n"
        f"Stadsdelsområde Bromma (Sthlm)\r\nStöld och tillgrepp;{rate}\r\n"
    ).encode("iso-8859-1")
    return receive(stockholm, BLOCK, data=rates, filename="rates.csv")


def test_a_file_of_rates_never_changes_a_count(stockholm):
    batch = rates_after_counts(stockholm, "2&nbsp;900,0")
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.report["errors"]
    assert batch.report["counts"]["changed"] == 1
    assert batch.report["reconciliation"] == []
    loader.batch_apply(batch)
    bromma = ReportedCrimeCount.objects.get(region=BROMMA, crime=THEFT)
    assert (bromma.count, bromma.rate_per_100k) == (2_310, 2900.0)


def test_rates_without_counts_are_stored_as_rates(stockholm):
    batch = receive(stockholm, ROWS)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.report["errors"]
    loader.batch_apply(batch)
    stored = ReportedCrimeCount.objects.get(region="Stockholm kommun", crime="Anmälda brott", year=2023)
    assert (stored.count, stored.rate_per_100k, stored.preliminary) == (None, 9356.1, True)
    assert not stored.suppressed


def test_the_municipality_table_takes_its_year_from_the_file_name():
    result = bra.parse(TABLE.read_bytes(), TABLE.name)
    assert result.errors == [] and result.encoding == "UTF-8 (BOM)"
    found = values(result)
    assert set(found) == {
        ("Stockholm", "Anmälda brott", 2023),
        ("Tranås kommun", "Anmälda brott", 2023),  # its trailing space is not part of the name
        ("Malung–Sälens kommun", "Anmälda brott", 2023),
        ("Solna", "Anmälda brott", 2023),
    }
    stockholm = found[("Stockholm", "Anmälda brott", 2023)].data
    assert (stockholm["count"], stockholm["rate"], stockholm["preliminary"]) == (92000, 9356.0, False)
    preliminary = bra.parse(TABLE.read_bytes(), "kommuner 2024 prel.csv")
    assert all(r.data["year"] == 2024 and r.data["preliminary"] for r in preliminary.rows)
    with pytest.raises(UnreadableFile, match="vilket år"):
        bra.parse(TABLE.read_bytes(), "kommuner.csv")


def test_municipality_names_match_the_configured_municipality_or_are_other_municipalities(stockholm):
    batch = receive(stockholm, TABLE)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.report["errors"]
    assert batch.report["unmapped"] == {}
    assert batch.report["elsewhere"] == {"Tranås kommun": 1, "Malung–Sälens kommun": 1, "Solna": 1}
    year = batch.report["reconciliation"][0]
    assert (year["municipality"], year["elsewhere"], year["districts"]) == (92000, 1534 + 612 + 9100, 0)
    loader.batch_apply(batch)
    assert ReportedCrimeCount.objects.get(region="Stockholm").is_municipality


def test_another_configured_municipality_is_found_under_its_en_dash(db):
    malung = Municipality.objects.create(code="2023", name="Malung-Sälens kommun", place_name="Malung-Sälen")
    batch = receive(malung, TABLE)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.report["errors"]
    assert "Malung–Sälens kommun" not in batch.report["elsewhere"]
    assert "Stockholm" in batch.report["elsewhere"]
    assert batch.report["reconciliation"][0]["municipality"] == 612


def test_a_municipality_table_without_a_year_is_refused_with_the_reason(stockholm):
    batch = receive(stockholm, TABLE, filename="kommuner.csv")
    assert batch.status == ImportBatch.Status.REJECTED
    assert "vilket år" in " ".join(e["message"] for e in batch.report["errors"])


def test_a_line_shorter_than_its_blocks_years_is_an_error_with_its_line():
    data = (
        "Anmälda brott;Brottsförebyggande rådet;\n;2022;2023;\nAntal;;\nSolna kommun;;\n"
        "Misshandel;140;151;\nStöld och tillgrepp;3&nbsp;012\n"
    )
    result = bra.parse(data.encode("iso-8859-1"), "sok.csv")
    assert [e.line for e in result.errors] == [6]
    assert result.errors[0].message.startswith("Raden har 2 fält; 3 väntades.")
    assert {(r.data["year"], r.data["count"]) for r in result.rows} == {(2022, 140), (2023, 151)}


def test_the_preview_names_changed_values_by_their_labels_in_the_readers_number_format(
    client, cast, stockholm
):
    batch = rates_after_counts(stockholm, "2&nbsp;900,5")
    client.force_login(cast[Role.ADMINISTRATOR])
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "per 100 000 invånare" in page and "→ 2900,5" in page
    assert "rate_per_100k" not in page
