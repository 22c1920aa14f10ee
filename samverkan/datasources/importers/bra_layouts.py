"""The layouts BRÅ's statistics come in, read into one kind of row.

- The "databasfil": one value per line, `Region;Brott;År;Period;Antal;/100 000 inv`.
- A wide table with a header `Region;Brott;2021;2022;2023 prel.`, one
  column per year (or month).
- The search-result export: blocks that start with
  `Anmälda brott;Brottsförebyggande rådet`, then a year line `;2021;` and
  a unit line (`/100&nbsp;000&nbsp;inv` for rates per 100,000, `Antal` or
  nothing for counts). A region stands on a line of its own followed by
  `crime;value` lines, or each line is `region;value` for the block's
  title. The block repeats inside the data: an identical repeat continues
  the region it interrupted.
- The municipality table: `name;numCrimes;crimesRelative`, one line per
  municipality, the year only in the file name.

Headers repeat inside the data in every layout; cells may carry HTML
entities. What is not a header or a value (titles, sources, footnotes) is
skipped and counted.
"""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.datasources.importers import ParseResult, UnreadableFile
from samverkan.datasources.importers.bra_values import (
    MONTHS,
    YEAR_AND_MONTH,
    Collector,
    parse_period,
    parse_year,
)
from samverkan.datasources.importers.tables import Lines, read_table

Column = tuple[int, bool, str, int]  # (year, preliminary, period kind, period)
MUNICIPALITY_TABLE = ("name", "numcrimes", "crimesrelative")
SOURCE = "brottsförebyggande rådet"
TOTAL = "Anmälda brott"  # BRÅ's name for all reported crimes, as the source writes it
HEADINGS = {"region", "brott", "område", "kommun"}
_FILENAME_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)(?!\d)(?:[\s_.-]*(?P<prel>prel))?", re.IGNORECASE)


def clean(cell: str) -> str:
    """The text of a cell as a person reads it: entities decoded, no-break spaces as spaces."""
    return " ".join(html.unescape(cell).replace("\u00a0", " ").split())


def unit_of(cell: str) -> str | None:
    """'rate' for a per-100,000 unit, 'count' for a number of crimes, None for anything else."""
    text = cell.casefold().replace(" ", "")
    if "100000" in text:
        return "rate"
    if text in {"antal", "antalbrott", "antalanmäldabrott", "st"}:
        return "count"
    return None


def column_of(cell: str) -> Column | None:
    """A year ("2023 prel.") or a month of a year ("2023 jan") heading a column."""
    if (found := parse_year(cell)) is not None:
        return found[0], found[1], "year", 0
    if match := YEAR_AND_MONTH.match(cell.strip()):
        month = (match["month"] or match["month2"]).lower()
        if month in MONTHS:
            year = int(match["year"] or match["year2"])
            return year, bool(match["prel"] or match["prel2"]), "month", MONTHS[month]
    return None


@dataclass(frozen=True)
class LongHeader:
    """The databasfil's columns: one value per line."""

    region: int
    crime: int
    year: int
    period: int
    count: int
    rate: int | None

    @property
    def width(self) -> int:
        """The fields a line needs."""
        return max(self.region, self.crime, self.year, self.period, self.count) + 1

    @classmethod
    def of(cls, cells: list[str]) -> "LongHeader | None":
        names = [c.lower() for c in cells]
        if not {"region", "brott", "år", "period", "antal"} <= set(names):
            return None
        rate = next((i for i, n in enumerate(names) if unit_of(n) == "rate"), None)
        return cls(
            names.index("region"),
            names.index("brott"),
            names.index("år"),
            names.index("period"),
            names.index("antal"),
            rate,
        )


@dataclass(frozen=True)
class WideHeader:
    """A value per year or month on each line, after `Region;Brott;2021;…`."""

    region: int
    crime: int
    columns: dict[int, Column]

    @classmethod
    def of(cls, cells: list[str]) -> "WideHeader | None":
        names = [c.lower() for c in cells]
        if "region" not in names or "brott" not in names:
            return None
        columns = {i: column for i, cell in enumerate(cells) if (column := column_of(cell)) is not None}
        if not columns:
            return None
        return cls(names.index("region"), names.index("brott"), columns)


@dataclass
class Block:
    """One header block of the search-result export and where reading it has got to."""

    title: str
    columns: dict[int, Column] = field(default_factory=dict)
    unit: str = "count"
    region: str | None = None
    flat: bool = False
    """Lines are `region;value` for the title, not `crime;value` under a region line."""
    started: bool = False

    @staticmethod
    def starts(cells: list[str]) -> str | None:
        """The title when the line opens a block (`Anmälda brott;Brottsförebyggande rådet`)."""
        filled = [c for c in cells if c]
        if len(filled) >= 2 and any(c.casefold() == SOURCE for c in filled[1:]):
            return filled[0]
        return None

    def same_table(self, other: "Block") -> bool:
        return (self.title, self.columns, self.unit) == (other.title, other.columns, other.unit)


class Reader:
    """Walks the lines of a file in any of the layouts, header blocks repeating."""

    def __init__(self, result: ParseResult) -> None:
        self.result = result
        self.values = Collector(result)
        self.long: LongHeader | None = None
        self.wide: WideHeader | None = None
        self.block: Block | None = None
        self.previous_block: Block | None = None
        self.header_blocks = 0
        self.skipped_text = 0
        self.units: set[str] = set()

    def read(self, rows: Lines) -> None:
        for line, raw in rows:
            cells = [clean(c) for c in raw]
            if not any(cells):
                continue
            self.line(line, cells)
        if self.long is None and self.wide is None and self.header_blocks == 0:
            raise UnreadableFile(
                _(
                    "No BRÅ table header was found (expected columns Region, Brott and År/Period or years, "
                    "a block starting 'Anmälda brott;Brottsförebyggande rådet', or name;numCrimes;crimesRelative)."
                )
            )

    def line(self, line: int, cells: list[str]) -> None:
        if (long := LongHeader.of(cells)) is not None:
            self.long, self.wide, self.block = long, None, None
            self.header_blocks += 1
        elif (wide := WideHeader.of(cells)) is not None:
            self.wide, self.long, self.block = wide, None, None
            self.header_blocks += 1
        elif (title := Block.starts(cells)) is not None:
            self.previous_block = self.block
            self.long = self.wide = None
            self.block = Block(title)
            self.header_blocks += 1
        elif self.block is not None:
            self.block_line(line, cells, self.block)
        elif self.long is not None and len([c for c in cells if c]) > 1:
            self.long_line(line, cells, self.long)
        elif self.wide is not None and len([c for c in cells if c]) > 1:
            self.wide_line(line, cells, self.wide)
        else:
            # Title, region or source lines around a table.
            self.skipped_text += 1

    def long_line(self, line: int, cells: list[str], h: LongHeader) -> None:
        if len(cells) < h.width:
            self.result.error(
                line,
                _("The line has %(n)s fields; expected at least %(m)s. Is the file cut off?")
                % {"n": len(cells), "m": max(h.width, (h.rate or 0) + 1)},
            )
            return
        year = parse_year(cells[h.year])
        if year is None:
            self.result.error(line, _("'%(value)s' is not a year.") % {"value": cells[h.year]})
            return
        period = parse_period(cells[h.period])
        if period is None:
            self.result.error(
                line,
                _("'%(value)s' is not a period (month, quarter, half-year or whole year).")
                % {"value": cells[h.period]},
            )
            return
        rate = cells[h.rate] if h.rate is not None and h.rate < len(cells) else None
        self.units.add("count")
        self.values.add(
            line, cells[h.region], cells[h.crime], *year, *period, raw_count=cells[h.count], raw_rate=rate
        )

    def cut_off(self, line: int, cells: list[str], columns: Iterable[int]) -> bool:
        """Whether the line is too short for the columns of its header (an error if so)."""
        needed = max(columns) + 1
        if len(cells) < needed:
            self.result.error(
                line,
                _("The line has %(n)s fields; expected %(m)s. Is the file cut off?")
                % {"n": len(cells), "m": needed},
            )
            return True
        return False

    def wide_line(self, line: int, cells: list[str], w: WideHeader) -> None:
        if self.cut_off(line, cells, w.columns):
            return
        self.units.add("count")
        for index, (year, preliminary, kind, period) in w.columns.items():
            self.values.add(
                line, cells[w.region], cells[w.crime], year, preliminary, kind, period, cells[index], None
            )

    def block_line(self, line: int, cells: list[str], block: Block) -> None:
        filled = [c for c in cells if c]
        columns = {
            i: column for i, cell in enumerate(cells) if cell and (column := column_of(cell)) is not None
        }
        unit = unit_of(cells[0]) if cells[0] else None
        label = cells[0].casefold() in HEADINGS
        if columns and len(columns) + (unit is not None or label) == len(filled):
            # The year line (";2021;"), perhaps with the unit in its first cell.
            block.columns = columns
            block.unit = unit or block.unit
            return
        if unit is not None and len(filled) == 1:
            block.unit = unit
            return
        if not block.started:
            block.started = True
            if self.previous_block is not None and block.same_table(self.previous_block):
                # A repeated header inside the data: the table goes on.
                block.region, block.flat = self.previous_block.region, self.previous_block.flat
        if len(filled) == 1 and cells[0]:
            if block.flat:
                self.skipped_text += 1
            else:
                block.region = cells[0]
            return
        if not block.columns:
            self.result.error(
                line,
                _(
                    "The values come before the block's year line (such as ';2021;'): which year they are is unknown."
                ),
            )
            return
        if self.cut_off(line, cells, block.columns):
            return
        if block.region is None:
            block.flat = True
            region, crime = cells[0], block.title
        else:
            region, crime = block.region, cells[0]
        self.units.add(block.unit)
        for index, (year, preliminary, kind, period) in block.columns.items():
            value = cells[index]
            self.values.add(
                line,
                region,
                crime,
                year,
                preliminary,
                kind,
                period,
                raw_count=value if block.unit == "count" else None,
                raw_rate=value if block.unit == "rate" else None,
            )


def year_of_file(filename: str, options: dict[str, Any]) -> tuple[int, bool] | None:
    """The year a municipality table is for: chosen on import, or the one year in its file name."""
    if options.get("year"):
        return int(options["year"]), bool(options.get("preliminary"))
    found = {(int(m["year"]), bool(m["prel"])) for m in _FILENAME_YEAR.finditer(filename.rsplit("/", 1)[-1])}
    if len({year for year, _prel in found}) != 1:
        return None
    return max(found)


def read_municipality_table(rows: Lines, filename: str, options: dict[str, Any], result: ParseResult) -> None:
    """`name;numCrimes;crimesRelative`: all reported crimes of each municipality in one year."""
    year = year_of_file(filename, options)
    if year is None:
        raise UnreadableFile(
            _(
                "The municipality table does not say which year it is for. Put the year in the file name, "
                "such as 'kommuner 2023.csv' (or '2023 prel.' for a preliminary year)."
            )
        )
    values = Collector(result)
    header: list[str] | None = None
    for line, raw in rows:
        cells = [clean(c) for c in raw]
        if not any(cells):
            continue
        if header is None:
            header = [c.casefold() for c in cells]
            continue
        if len(cells) < len(MUNICIPALITY_TABLE):
            result.error(
                line,
                _("The line has %(n)s fields; expected %(m)s. Is the file cut off?")
                % {"n": len(cells), "m": len(MUNICIPALITY_TABLE)},
            )
            continue
        named = dict(zip(header, cells, strict=False))
        values.add(
            line,
            named["name"],
            TOTAL,
            year[0],
            year[1],
            "year",
            0,
            raw_count=named["numcrimes"],
            raw_rate=named["crimesrelative"],
            level="municipality",
        )


def is_municipality_table(rows: Lines) -> bool:
    first = next((cells for _line, cells in rows if any(cells)), [])
    return set(MUNICIPALITY_TABLE) <= {clean(c).casefold() for c in first}


def parse(data: bytes, filename: str = "", options: dict[str, Any] | None = None) -> ParseResult:
    rows, read_as = read_table(data, filename, entities=True)
    result = ParseResult(encoding=read_as)
    if is_municipality_table(rows):
        read_municipality_table(rows, filename, options or {}, result)
        result.notes.append(
            _("A table of municipalities: each line is all reported crimes of a municipality in %(year)s.")
            % {"year": result.rows[0].data["year"] if result.rows else "–"}
        )
        return result
    reader = Reader(result)
    reader.read(rows)
    if reader.values.duplicates:
        result.notes.append(
            _("%(n)s exact duplicate lines (repeated parent categories) were read once.")
            % {"n": reader.values.duplicates}
        )
    if reader.header_blocks > 1:
        result.notes.append(
            _("The table header appeared %(n)s times; every block was read.") % {"n": reader.header_blocks}
        )
    if reader.skipped_text:
        result.notes.append(
            _("%(n)s title or source lines outside the table were skipped.") % {"n": reader.skipped_text}
        )
    if "rate" in reader.units:
        result.notes.append(
            _(
                "Values per 100,000 inhabitants are stored as rates beside the counts, never as counts; "
                "they are not summed in the reconciliation."
            )
        )
    return result
