"""The personal-data guard on every part of a kept file, not only on the
values an importer reads: a column that is not mapped, a header cell, a
workbook's second sheet, its properties and comments; a Word attachment's
hyperlink target and embedded file; a PDF's embedded file and bookmarks.
A refused file is not kept. And right the other way: the decimals of a
coordinate are not an identity number."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError

from samverkan.accounts.models import Role
from samverkan.consultations import services as consultations
from samverkan.consultations.models import Statement
from samverkan.core.file_texts import first_identity_number
from samverkan.datasources import loader
from samverkan.datasources.models import ImportBatch
from tests.test_consultations import central, draft_revision, new_round  # noqa: F401 - fixture

NUMBER = "121212.1212"
HEADER = "tid;kategori;beskrivning;longitud;latitud;adress;organisation"
ROW = "2024-05-03 21:30;Klotter;Vid tunneln;18.07;59.33;;Norra innerstadens stadsdelsförvaltning"


def received(stockholm, cast, data: bytes, *, kind="observations", filename="fil.csv"):
    return loader.batch_receive(
        municipality=stockholm,
        kind=kind,
        filename=filename,
        data=data,
        user=cast[Role.DISTRICT_COORDINATOR],
    )


def assert_refused_and_not_kept(batch):
    assert batch.status == ImportBatch.Status.REJECTED, batch.report
    assert not batch.original and batch.report["not_kept"]
    assert any("personnummer" in e["message"] for e in batch.report["errors"]), batch.report["errors"]
    assert "1212.1212" not in json.dumps(batch.report, ensure_ascii=False)


@pytest.mark.parametrize(
    "content",
    [
        f"{HEADER};anteckning\n{ROW};Ring {NUMBER}\n",  # a column no importer reads
        f"{HEADER};kontakt {NUMBER}\n{ROW};\n",  # a header cell
    ],
)
def test_a_csv_with_a_number_in_a_part_not_imported_is_refused(stockholm, cast, content):
    assert_refused_and_not_kept(received(stockholm, cast, content.encode()))


def bra_workbook(change) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    book = Workbook()
    sheet = book.active
    sheet.append(["Region", "Brott", "År", "Period", "Antal"])
    sheet.append(["Stadsdelsområde Södermalm (Sthlm)", "Samtliga brott", 2022, "Jan", 12])
    if change == "second sheet":
        book.create_sheet("Anteckningar").append([f"Kontakt {NUMBER}"])
    elif change == "properties":
        book.properties.creator = f"Handläggare {NUMBER}"
    elif change == "comment":
        sheet["A1"].comment = Comment(f"Fråga {NUMBER}", "Handläggare")
    elif change == "number cell":
        book.create_sheet("Extra").append([198112289874])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("change", ["second sheet", "properties", "comment", "number cell"])
def test_a_workbook_with_a_number_anywhere_is_refused(stockholm, cast, change):
    batch = received(stockholm, cast, bra_workbook(change), kind="bra", filename="bra.xlsx")
    assert_refused_and_not_kept(batch)


def test_a_clean_workbook_is_kept(stockholm, cast):
    batch = received(stockholm, cast, bra_workbook(None), kind="bra", filename="bra.xlsx")
    assert batch.original and not any("personnummer" in e["message"] for e in batch.report["errors"])


def word_file(change) -> bytes:
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE

    document = Document()
    paragraph = document.add_paragraph("Förvaltningens synpunkter.")
    if change == "hyperlink":
        document.part.relate_to(f"https://example.se/arende/{NUMBER}", RELATIONSHIP_TYPE.HYPERLINK, True)
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    if change == "embedded":
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as package:
            package.writestr("[Content_Types].xml", "<Types/>")
            package.writestr("xl/sharedStrings.xml", f"<sst><si><t>Kontakt {NUMBER}</t></si></sst>")
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                target.writestr(item, source.read(item))
            target.writestr("word/embeddings/Microsoft_Excel_Worksheet.xlsx", inner.getvalue())
        data = out.getvalue()
    assert paragraph.text
    return data


def pdf_file(change) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if change == "embedded file":
        writer.add_attachment("kontakter.txt", f"Kontakt {NUMBER}".encode())
    elif change == "bookmark":
        writer.add_outline_item(f"Ärende {NUMBER}", 0)
    elif change == "link":
        from pypdf.annotations import Link

        writer.add_annotation(0, Link(rect=(10, 10, 50, 50), url=f"https://example.se/{NUMBER}"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def statement(central):  # noqa: F811
    draft = draft_revision(version=central, label="Utkast 2027")
    recipient = new_round(draft, "Idrottsnämnden").recipients.get()
    return consultations.statement_save(statement=Statement(recipient=recipient, summary="Utkast"))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bilaga.docx", lambda: word_file("hyperlink")),
        ("bilaga.docx", lambda: word_file("embedded")),
        ("bilaga.pdf", lambda: pdf_file("embedded file")),
        ("bilaga.pdf", lambda: pdf_file("bookmark")),
        ("bilaga.pdf", lambda: pdf_file("link")),
    ],
)
def test_an_attachment_with_a_number_in_any_part_is_refused_and_not_kept(statement, cast, name, data):
    with pytest.raises(ValidationError, match="personnummer"):
        consultations.attachment_add(
            statement=statement, title="Bilaga", name=name, data=data(), user=cast[Role.PREPARATION_GROUP]
        )
    assert not statement.attachments.exists()


@pytest.mark.parametrize(
    ("name", "data"), [("ren.docx", lambda: word_file(None)), ("ren.pdf", lambda: pdf_file(None))]
)
def test_a_clean_attachment_is_kept(statement, cast, name, data):
    consultations.attachment_add(
        statement=statement, title="Bilaga", name=name, data=data(), user=cast[Role.PREPARATION_GROUP]
    )
    assert statement.attachments.count() == 1


def test_the_decimals_of_coordinates_are_not_identity_numbers():
    """The national file of municipalities, as it is: decimals with ten Luhn-valid digits."""
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kommunkod": "0180", "Shape_Leng": 57.3812078222, "area": "18.1212121212"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[18.1212121212, 59.3812078222], [18.2, 59.3], [18.1, 59.2]]],
                },
            }
        ],
    }
    assert first_identity_number("kommuner.geojson", json.dumps(collection).encode()) is None
    tampered = json.dumps(collection).replace('"0180"', f'"{NUMBER}"').encode()
    found = first_identity_number("kommuner.geojson", tampered)
    assert found is not None and found.line == 1 and found.match.masked.endswith("****")


def test_a_number_is_found_on_its_line_in_a_large_file_read_in_pieces():
    lines = [ROW] * 60_000
    lines[45_000] = ROW.replace("Vid tunneln", f"Vid tunneln {NUMBER}")
    data = ("\n".join([HEADER, *lines]) + "\n").encode("cp1252")
    found = first_identity_number("stor.csv", data)
    assert found is not None and found.line == 45_002
