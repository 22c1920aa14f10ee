"""Free text in spreadsheets never becomes a formula (CSV/formula injection).

A CSV cell that a spreadsheet would read as a formula (it begins with =, +,
-, @, a tab or a carriage return) is written with Excel's text marker, a
leading apostrophe; a cell that itself begins with an apostrophe gets one
more, so reading a file back (`from_csv_text`) gives exactly what was
written. XLSX cells are typed, so there a string is simply kept a string."""

import csv
from collections.abc import Iterable
from typing import Any

from openpyxl.workbook.workbook import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKED = (*FORMULA_START, "'")


def csv_text(value: Any) -> Any:
    """A cell for csv.writer: a string a spreadsheet would read as a formula is marked as text."""
    if isinstance(value, str) and value.startswith(_MARKED):
        return "'" + value
    return value


class FormulaSafeWriter:
    """csv.writer whose every cell goes through csv_text: the one way the
    app writes a CSV export, so that no name (of a district, a measure, a
    problem) becomes a formula in the reader's spreadsheet."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_text(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def from_csv_text(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(_MARKED):
        return value[1:]
    return value


def strings_stay_strings(book: Workbook) -> None:
    """openpyxl makes any string beginning with = a formula; make it text again."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
