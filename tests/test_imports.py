import io
from pathlib import Path

import openpyxl
import pytest
import xlwt
from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation

from samverkan.accounts.models import Role
from samverkan.configurations.loader import CONFIGURATIONS
from samverkan.datasources import formats, loader
from samverkan.datasources.importers import UnreadableFile, bra, bra_values, police_events
from samverkan.datasources.importers.text import decode
from samverkan.datasources.models import ImportBatch, PoliceEvent, ReportedCrimeCount

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = CONFIGURATIONS / "stockholm" / "data"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def receive(stockholm, kind, data, filename="file.txt", user=None):
    return loader.batch_receive(municipality=stockholm, kind=kind, filename=filename, data=data, user=user)


# --- parsing ---------------------------------------------------------------


def test_the_databasfil_is_read_with_suppression_duplicates_and_preliminary_years():
    result = bra.parse(fixture("bra_databasfil.txt"))
    assert result.errors == []
    assert result.encoding.startswith("ISO-8859-1")
    assert len(result.rows) == 4 * 2 * 3
    suppressed = [r.data for r in result.rows if r.data["suppressed"]]
    assert len(suppressed) == 1 and suppressed[0]["count"] is None
    assert all(r.data["preliminary"] and r.data["year"] == 2023 for r in result.rows)
    assert any("12 exakt likadana rader" in note for note in result.notes)


def test_the_search_export_with_repeated_header_blocks_is_read():
    result = bra.parse(fixture("bra_sokresultat.csv"))
    assert result.errors == []
    assert result.encoding == "UTF-8 (BOM)"
    assert len(result.rows) == 3 * 3
    farsta_2023 = next(r for r in result.rows if "Farsta" in r.data["region"] and r.data["year"] == 2023)
    assert farsta_2023.data["count"] == 1001 and farsta_2023.data["preliminary"]
    assert farsta_2023.line == 6
    skarpnack = next(r for r in result.rows if "Skarpnäck" in r.data["region"])
    assert skarpnack.line == 11
    assert any("förekom 2 gånger" in note for note in result.notes)


def spreadsheet_rows():
    return [line.split(";") for line in fixture("bra_sokresultat.csv").decode("utf-8-sig").splitlines()]


def test_the_same_table_saved_as_xlsx_gives_the_same_rows():
    workbook = openpyxl.Workbook()
    for row in spreadsheet_rows():
        workbook.active.append([int(c.replace(" ", "")) if c.replace(" ", "").isdigit() else c for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    from_xlsx = bra.parse(buffer.getvalue())
    from_csv = bra.parse(fixture("bra_sokresultat.csv"))
    assert from_xlsx.encoding == "xlsx"
    assert [r.data for r in from_xlsx.rows] == [r.data for r in from_csv.rows]


def test_the_same_table_saved_as_legacy_xls_gives_the_same_rows():
    book = xlwt.Workbook()
    sheet = book.add_sheet("Anmälda brott")
    for y, row in enumerate(spreadsheet_rows()):
        for x, cell in enumerate(row):
            sheet.write(y, x, int(cell.replace(" ", "")) if cell.replace(" ", "").isdigit() else cell)
    buffer = io.BytesIO()
    book.save(buffer)
    from_xls = bra.parse(buffer.getvalue())
    assert from_xls.encoding == "xls"
    assert [r.data for r in from_xls.rows] == [r.data for r in bra.parse(fixture("bra_sokresultat.csv")).rows]


def test_a_truncated_file_is_an_error_with_its_line_number():
    data = fixture("bra_databasfil.txt")
    cut = data[: data.index(b"Solna kommun;3 kap") + 30]
    result = bra.parse(cut)
    assert [e.line for e in result.errors] == [len(cut.splitlines())]
    assert "avklippt" in result.errors[0].message


def test_conflicting_duplicates_are_errors_not_guesses():
    data = "Region;Brott;År;Period;Antal\nSolna kommun;Rån;2022;Jan;5\nSolna kommun;Rån;2022;Jan;6\n".encode()
    result = bra.parse(data)
    assert [e.line for e in result.errors] == [3]


def test_a_suppressed_value_is_never_zero():
    assert bra_values.parse_count("..") == (None, True)
    assert bra_values.parse_count("1 234") == (1234, False)
    with pytest.raises(ValueError):
        bra_values.parse_count("12a")


def test_periods_and_years_are_understood():
    assert bra_values.parse_period("Maj") == ("month", 5)
    assert bra_values.parse_period("Kvartal 3") == ("quarter", 3)
    assert bra_values.parse_period("Jan-jun") == ("half", 1)
    assert bra_values.parse_period("Helår") == ("year", 0)
    assert bra_values.parse_year("2023 prel.") == (2023, True)
    assert bra_values.parse_year("2023 preliminär") is None


def test_a_double_encoded_file_is_refused():
    text = fixture("bra_databasfil.txt").decode("iso-8859-1")
    twice = text.encode("utf-8").decode("iso-8859-1").encode("utf-8")
    with pytest.raises(UnreadableFile, match="två gånger"):
        decode(twice)


def test_binary_and_empty_files_are_refused():
    with pytest.raises(UnreadableFile):
        decode(b"\x00\x01\x02binary")
    with pytest.raises(UnreadableFile):
        decode(b"   \n")


def test_police_events_keep_times_precision_and_links():
    result = police_events.parse(fixture("police_events.json"))
    assert result.errors == []
    first, _, county, _ = (r.data for r in result.rows)
    # "1 juli 09.00" in the title is when it happened; the datetime is when it was published.
    assert first["occurred_at"].isoformat() == "2023-07-01T09:00:00+02:00"
    assert first["published_at"].isoformat() == "2023-07-01T09:05:12+02:00"
    assert first["url"] == "https://polisen.se/aktuellt/handelser/2023/juli/1/stold-stockholm/"
    assert first["precision"] == "municipality" and (first["longitude"], first["latitude"]) == (
        18.068581,
        59.329324,
    )
    assert county["precision"] == "county"
    assert result.rows[1].data["event_type"] == "Trafikolycka, personskada"
    assert [r.line for r in result.rows] == [2, 14, 26, 38]


def test_a_cut_off_json_file_is_refused_with_its_position():
    data = fixture("police_events.json")[:-40]
    with pytest.raises(UnreadableFile, match=r"rad \d+, kolumn \d+.*avklippt"):
        police_events.parse(data)


def test_each_element_of_an_events_array_is_reported_on_its_own_line():
    """Elements that are not objects (a number, a string) keep the lines of those after them right."""
    data = b'[\n  1,\n  {"id": 5, "note": "x{[,]}\\"y"},\n\n  "text", {\n "id": 7}\n]'
    errors = [(e.line, e.message) for e in police_events.parse(data).errors]
    assert [line for line, _message in errors] == [2, 3, 5, 5]
    assert "1" in errors[0][1] and "4" in errors[3][1]


# --- loading ---------------------------------------------------------------


def test_a_check_writes_nothing_but_the_kept_original(stockholm):
    batch = receive(stockholm, "bra", fixture("bra_databasfil.txt"), "databasfil.txt")
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert batch.report["counts"] == {"rows": 24, "new": 24, "changed": 0, "unchanged": 0}
    assert ReportedCrimeCount.objects.count() == 0
    assert batch.original.open("rb").read() == fixture("bra_databasfil.txt")
    assert batch.sha256 == ImportBatch.checksum(fixture("bra_databasfil.txt"))


def test_an_import_maps_regions_including_retired_areas_and_reports_the_rest(stockholm):
    batch = loader.batch_apply(receive(stockholm, "bra", fixture("bra_databasfil.txt")))
    assert batch.status == ImportBatch.Status.IMPORTED
    rinkeby = ReportedCrimeCount.objects.filter(region__startswith="Stadsdelsområde Rinkeby")
    assert {c.area.code for c in rinkeby} == {"rinkeby-kista"}
    assert ReportedCrimeCount.objects.filter(is_municipality=True).count() == 6
    assert batch.report["elsewhere"] == {"Solna kommun": 6} and batch.report["unmapped"] == {}
    assert ReportedCrimeCount.objects.filter(region="Solna kommun", area=None).count() == 6


def test_importing_the_same_file_twice_adds_nothing(stockholm):
    loader.batch_apply(receive(stockholm, "bra", fixture("bra_databasfil.txt")))
    again = receive(stockholm, "bra", fixture("bra_databasfil.txt"))
    assert again.status == ImportBatch.Status.DUPLICATE
    assert again.report["counts"]["new"] == 0 and again.report["counts"]["unchanged"] == 24
    assert "importerades redan" in again.report["notes"][0]
    with pytest.raises(loader.ImportRefused):
        loader.batch_apply(again)
    # The same rows in another file (here with one more blank line) add nothing either.
    other = loader.batch_apply(receive(stockholm, "bra", fixture("bra_databasfil.txt") + b"\n"))
    assert other.report["applied"] == {"new": 0, "changed": 0, "unchanged": 24}
    assert ReportedCrimeCount.objects.count() == 24


def test_a_final_value_replacing_a_preliminary_one_is_shown_and_audited(stockholm):
    from samverkan.audit.models import AuditEvent

    loader.batch_apply(receive(stockholm, "bra", fixture("bra_databasfil.txt")))
    final = fixture("bra_databasfil.txt").replace(b"2023 prel.", b"2023").replace(b";40;40;", b";45;45;")
    batch = receive(stockholm, "bra", final)
    assert batch.report["counts"]["changed"] == 24
    loader.batch_apply(batch)
    value = ReportedCrimeCount.objects.get(region="Stockholm kommun", crime__startswith="3-7", period=1)
    assert (value.count, value.preliminary, value.batch) == (45, False, batch)
    assert AuditEvent.objects.filter(model="datasources.ReportedCrimeCount", action="update").count() == 24


def test_a_file_with_errors_imports_nothing_and_is_not_kept(stockholm):
    data = fixture("bra_databasfil.txt").replace(b";Feb;41;", b";Feb;4x1;", 1)
    batch = receive(stockholm, "bra", data)
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.report["errors"][0]["line"] == 4
    with pytest.raises(loader.ImportRefused):
        loader.batch_apply(batch)
    assert ReportedCrimeCount.objects.count() == 0
    # A refused file is not kept (it may be refused for what it must not hold); its checksum is.
    assert not batch.original and batch.sha256 == ImportBatch.checksum(data)


def test_police_events_are_kept_with_their_place_honestly(stockholm):
    loader.batch_apply(receive(stockholm, "police_events", fixture("police_events.json"), "events.json"))
    events = {e.event_id: e for e in PoliceEvent.objects.all()}
    assert len(events) == 4
    assert events[9001].in_municipality and events[9001].named_area.name == "Hökarängen"
    assert events[9002].named_area is None  # names two places: no guess
    assert not events[9003].in_municipality and events[9003].precision == "county"
    assert not events[9004].in_municipality


def test_an_event_with_a_personal_identity_number_stops_the_import(stockholm):
    data = fixture("police_events.json").replace(b"Brand i soprum.", b"Brand hos 811228-9874.")
    batch = receive(stockholm, "police_events", data)
    assert batch.status == ImportBatch.Status.REJECTED
    assert "personnummer" in batch.report["errors"][0]["message"]


# --- the real files shipped with the Stockholm configuration -------------------

REAL_BRA = SHARED / "bra" / "Databasfil2022.txt"
REAL_EVENTS = SHARED / "polisen" / "events_2023-03-25.json"


def test_the_real_bra_file_imports_without_losing_a_row(stockholm):
    data = REAL_BRA.read_bytes()
    lines = [line for line in data.decode("iso-8859-1").splitlines()[1:] if line.strip()]
    distinct = {line.rstrip(";") for line in lines}
    batch = loader.batch_apply(receive(stockholm, "bra", data, "Databasfil2022.txt"))
    assert ReportedCrimeCount.objects.count() == len(distinct) == 2772
    file_total = sum(
        int(line.split(";")[4])
        for line in distinct
        if "Norrmalm" in line and line.split(";")[1].startswith("3-7")
    )
    stored = ReportedCrimeCount.objects.filter(area__code="norrmalm", crime__startswith="3-7").aggregate(
        t=Sum("count")
    )["t"]
    assert stored == file_total
    assert len(batch.report["elsewhere"]) == 22 and not batch.report["unmapped"]  # the county's others
    assert all(row["ok"] for row in batch.report["reconciliation"])
    # The district page's yearly value is the file's own total.
    from samverkan.indicators.models import IndicatorValue
    from samverkan.indicators.services import refresh_after_import

    refresh_after_import(batch)
    shown = IndicatorValue.objects.get(
        indicator__code="brott-mot-person", area__code="norrmalm", label="2022"
    )
    assert shown.count == file_total and not shown.incomplete
    assert ReportedCrimeCount.objects.filter(area__isnull=False).values("area").distinct().count() == 11


def test_the_real_police_events_import_completely(stockholm):
    loader.batch_apply(receive(stockholm, "police_events", REAL_EVENTS.read_bytes(), "events.json"))
    assert PoliceEvent.objects.count() == 500
    assert PoliceEvent.objects.filter(in_municipality=True).count() == 35


# --- the table of formats ----------------------------------------------------


def test_every_source_offered_for_upload_is_a_registered_format_in_the_old_order():
    from samverkan.datasources.forms import UploadForm

    offered = [code for code, _label in UploadForm().fields["kind"].choices]
    assert offered == [
        "bra",
        "police_events",
        "observations",
        "boundaries",
        "survey",
        "measures",
        "follow_up",
    ]
    assert [f.kind for f in formats.all_formats()] == offered


def test_a_new_format_needs_nothing_but_its_own_module(stockholm, monkeypatch):
    """Registered like a module of an app's importers would register itself,
    a format is offered, checked, previewed, applied through its own writer
    and refused on bad lines, with no change to the loader, the models or the form."""
    from samverkan.datasources.forms import UploadForm
    from samverkan.datasources.importers import ImportPlan, ParseResult, Row

    written = []

    def parse(data, filename, options):
        result = ParseResult(encoding="ASCII")
        for number, line in enumerate(data.decode().splitlines(), start=1):
            if line.isdigit():
                result.rows.append(Row(number, {"n": int(line)}))
            else:
                result.error(number, f"'{line}' is not a number.")
        return result

    def plan(batch, parsed, remember):
        return ImportPlan(
            unchanged=sum(r.data["n"] == 0 for r in parsed.rows),
            new=[r.data["n"] for r in parsed.rows if r.data["n"]],
        )

    def apply(batch, planned):
        written.extend(planned.new)

    monkeypatch.setitem(
        formats._formats, "numbers", formats.Format("numbers", "Numbers", parse, plan, apply=apply, order=5)
    )
    assert UploadForm().fields["kind"].choices[0] == ("numbers", "Numbers")
    batch = receive(stockholm, "numbers", b"3\n0\n4\n")
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert batch.report["counts"] == {"rows": 3, "new": 2, "changed": 0, "unchanged": 1}
    batch.clean_fields(exclude=["uploaded_by"])  # the kind is a valid choice of the stored batch
    loader.batch_apply(batch)
    assert written == [3, 4] and batch.status == ImportBatch.Status.IMPORTED
    refused = receive(stockholm, "numbers", b"3\nfour\n")
    assert refused.status == ImportBatch.Status.REJECTED
    assert refused.report["errors"] == [{"line": 2, "message": "'four' is not a number."}]


def test_a_kept_report_is_shown_in_the_language_of_whoever_reads_it(client, cast, stockholm):
    data = "tid;kategori;beskrivning;longitud;latitud;organisation\nigår;Klotter;Klotter;18.06;59.33;x\n"
    batch = receive(stockholm, "observations", data.encode(), "obs.csv", user=cast[Role.ADMINISTRATOR])
    assert batch.status == ImportBatch.Status.REJECTED
    [error] = [e for e in batch.report["errors"] if "igår" in e["message"]]
    assert error["message"].startswith("”igår” är inte en tid")  # checked in Swedish
    client.force_login(cast[Role.ADMINISTRATOR])
    assert "”igår” är inte en tid" in client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    try:
        english = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert "&#x27;igår&#x27; is not a time like 2024-05-03 21:30." in english


def register_counting_format(monkeypatch, counts, *, parse=None, years=frozenset()) -> None:
    """A format "reports" that feeds indicators with `counts`, registered for the test."""
    from samverkan.datasources.importers import ImportPlan, ParseResult

    monkeypatch.setitem(
        formats._formats,
        "reports",
        formats.Format(
            "reports",
            "Reports",
            parse or (lambda data, filename, options: ParseResult(encoding="ASCII")),
            lambda batch, parsed, remember: ImportPlan(),
            apply=lambda batch, planned: None,
            years=lambda batch: set(years),
            counts=counts,
            indicator_label="Reports of a kind",
        ),
    )


def test_a_new_format_that_feeds_indicators_declares_its_counts_beside_its_parser(stockholm, monkeypatch):
    """A format with `counts` is offered as an indicator's source and its indicators are
    computed and refreshed after an import, with no change to the indicators' code or models."""
    import datetime as dt

    from samverkan.datasources.counts import MUNICIPALITY, SourceCount
    from samverkan.datasources.importers import ParseResult, Row
    from samverkan.indicators.models import Indicator, IndicatorValue
    from samverkan.indicators.services import refresh_after_import

    def parse(data, filename, options):
        result = ParseResult(encoding="ASCII")
        result.rows = [Row(n, {"n": int(line)}) for n, line in enumerate(data.decode().split(), start=1)]
        return result

    def counts(municipality, source_filter, years):
        # Two reports of the filter's kind each month of 2025, for the whole municipality.
        return [SourceCount(MUNICIPALITY, dt.date(2025, month, 1), "month", 2) for month in range(1, 13)]

    register_counting_format(monkeypatch, counts, parse=parse, years={2025})
    assert ("reports", "Reports of a kind") in formats.indicator_sources()
    indicator = Indicator(municipality=stockholm, code="reports", name="Rapporter", source="reports")
    indicator.full_clean()  # a valid source, with no migration
    indicator.save()
    batch = receive(stockholm, "reports", b"1\n")
    loader.batch_apply(batch)
    assert refresh_after_import(batch) > 0
    year = IndicatorValue.objects.get(indicator=indicator, area=None, period_kind="year")
    assert year.count == 24 and not year.incomplete and not indicator.is_share
