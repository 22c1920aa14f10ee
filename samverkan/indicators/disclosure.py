"""Disclosure control: what may be shown of a small count. The one rule every channel
follows, applied when values are computed (`compute.py`), so that what is stored (and so
every page, chart, export, document, API answer and evidence copy made from it) holds
nothing a reader could work a hidden count back out of.

- **Primary:** a count from 1 up to the indicator's limit, or one the source suppressed,
  is hidden with everything made from it: its rate, its interval, its test against the
  year before and, where it is a sum of other areas, the counts of its parts.
- **Complementary:** a hidden count must not be the one unknown in a sum whose other
  terms are shown. Each additive relation the stored values hold is checked: a year and
  its tertials, a year and its months, a tertial and its months, a run of weeks and the
  months it spans exactly, a district and the areas that merged into it, the municipality
  and its districts. Where exactly one term of a relation is hidden, the smallest other
  non-zero term is hidden too (or the total, when there is none), until every relation
  has none or at least two hidden terms.
- **Parts:** a part of a sum ("Rinkeby-Kista 1278 + Spånga-Tensta 798") shows its count
  only where that count is shown as a value of its own.

Relations between stored values of different indicators (crime categories that sum to
another) are not derived here: each indicator is one table."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from samverkan.datasources.counts import MUNICIPALITY
from samverkan.indicators import statistics
from samverkan.indicators.periods import period_end

ValueKey = tuple[int | None, str, dt.date]  # (area, period kind, period start)


class Cell:
    """A count a reader could see: a stored value, or a part of a sum that is not one."""

    __slots__ = ("count", "hidden")

    def __init__(self, count: int | None):
        self.count = count
        self.hidden = False


class Relation:
    """Σ left = Σ right: a total and its terms (the terms are all of the total a reader
    could know), or two sets of terms that cover the same counts (weeks and months)."""

    __slots__ = ("left", "right")

    def __init__(self, total: Cell, terms: list[Cell]):
        self.left, self.right = [total], terms

    @classmethod
    def balance(cls, left: list[Cell], right: list[Cell]) -> "Relation":
        relation = cls.__new__(cls)
        relation.left, relation.right = left, right
        return relation


def shown_sum[K](counts: dict[K, int], limit: int) -> tuple[dict[K, int | None], int | None]:
    """A total and its parts as they may be shown (None where hidden), for counts made
    on the fly rather than stored: a map's areas, a checklist's categories."""
    cells = {key: Cell(count) for key, count in counts.items()}
    total = Cell(sum(counts.values()))
    protect([total, *cells.values()], [Relation(total, list(cells.values()))], limit)
    shown = {key: None if cell.hidden else cell.count for key, cell in cells.items()}
    return shown, None if total.hidden else total.count


def small(count: int | None, limit: int) -> bool:
    """Hidden by itself: suppressed at the source (no count), or from 1 up to the limit."""
    return count is None or statistics.suppressed(count, limit)


def protect(
    cells: Iterable[Cell], relations: list[Relation], limit: int, *, together: Iterable[list[Cell]] = ()
) -> None:
    """Mark which cells are hidden: the small ones, then the complements that keep each
    of them from being one relation's only unknown. Each group in `together` is shown
    whole or not at all (a year's weeks of an area)."""
    seen = set()
    for cell in [*cells, *(c for relation in relations for c in (*relation.left, *relation.right))]:
        if id(cell) not in seen:
            seen.add(id(cell))
            cell.hidden = small(cell.count, limit)
    groups = list(together)
    changed = True
    while changed:
        changed = False
        for group in groups:
            if any(c.hidden for c in group) and not all(c.hidden for c in group):
                for cell in group:
                    cell.hidden = True
                changed = True
        for relation in relations:
            side = _exposed(relation, limit)
            if side is None:
                continue
            other = relation.right if side is relation.left else relation.left
            pick = _smallest_shown(side) or _smallest_shown(other)
            if pick is not None:
                pick.hidden = changed = True


def _smallest_shown(cells: list[Cell]) -> Cell | None:
    """The smallest shown non-zero count, else any shown cell."""
    shown = [c for c in cells if not c.hidden]
    counted = sorted((c for c in shown if c.count), key=lambda c: c.count or 0)
    candidates = counted or shown
    return candidates[0] if candidates else None


def _exposed(relation: Relation, limit: int) -> list[Cell] | None:
    """The side to hide another term on, where a reader could work a hidden term out: it
    is the only one hidden, or the hidden terms, all on one side, together (the other
    side less the shown terms of their own) are so few that each is pinned down (two
    hidden terms that sum to 2 are 1 and 1; a hidden count is at least 1). Hidden terms
    on both sides give only a difference, which pins none of them."""
    hidden_left = [c for c in relation.left if c.hidden]
    hidden_right = [c for c in relation.right if c.hidden]
    if hidden_left and hidden_right:
        return None
    side, other = (relation.left, relation.right) if hidden_left else (relation.right, relation.left)
    hidden = hidden_left or hidden_right
    if not hidden:
        return None
    if len(hidden) == 1:
        return side
    # Each hidden count is at least 1, so the largest any of them could be is the sum less
    # one for each of the others; below the limit, the sum says too much (six hidden weeks
    # summing to 6 are each 1).
    together = sum(c.count or 0 for c in other) - sum(c.count or 0 for c in side if not c.hidden)
    return side if together - (len(hidden) - 1) < limit else None


def value_relations(
    cells: dict[ValueKey, Cell],
    families: dict[int, set[int]],
    sources: dict[ValueKey, set[int | None]],
    parts: dict[ValueKey, dict[int | None, Cell]],
) -> list[Relation]:
    """The additive relations between the values of one indicator: periods within
    periods, weeks against the months they span, areas within areas."""
    return [
        *_period_relations(cells),
        *_week_relations(cells),
        *_area_relations(cells, families, sources, parts),
    ]


def _period_relations(cells: dict[ValueKey, Cell]) -> list[Relation]:
    """A year and its tertials, a year and its months, a tertial and its months."""
    by_area: dict[int | None, dict[tuple[str, dt.date], Cell]] = defaultdict(dict)
    for (area, kind, start), cell in cells.items():
        by_area[area][(kind, start)] = cell
    relations = []
    for periods in by_area.values():
        for (kind, start), total in periods.items():
            if kind not in ("year", "tertial"):
                continue
            end = period_end(kind, start)
            for inner in ("tertial", "month") if kind == "year" else ("month",):
                terms = [c for (k, s), c in periods.items() if k == inner and start <= s <= end]
                if terms:
                    relations.append(Relation(total, terms))
    return relations


def _week_relations(cells: dict[ValueKey, Cell]) -> list[Relation]:
    """Between two month starts that are Mondays, the weeks and the months cover the same
    days: the weeks' sum is the months' sum, one relation for each such run."""
    relations = []
    by_area: dict[int | None, dict[str, dict[dt.date, Cell]]] = defaultdict(lambda: defaultdict(dict))
    for (area, kind, start), cell in cells.items():
        by_area[area][kind][start] = cell
    for kinds in by_area.values():
        weeks, months = kinds.get("week", {}), kinds.get("month", {})
        if not weeks or not months:
            continue
        # Month starts that are Mondays: those held, and those after a month held that ends on a Sunday.
        starts = {*months, *(period_end("month", start) + dt.timedelta(days=1) for start in months)}
        bounds = sorted(start for start in starts if start.weekday() == 0)
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            run_weeks = [c for s, c in weeks.items() if lo <= s < hi]
            run_months = [c for s, c in months.items() if lo <= s < hi]
            if run_weeks and run_months:
                # Σ months = Σ weeks: one unknown anywhere in the run is one too few.
                relations.append(Relation.balance(run_months, run_weeks))
    return relations


def _area_relations(
    cells: dict[ValueKey, Cell],
    families: dict[int, set[int]],
    sources: dict[ValueKey, set[int | None]],
    parts: dict[ValueKey, dict[int | None, Cell]],
) -> list[Relation]:
    relations = []
    # The municipality is the sum of the districts' own counts, and also of the districts as
    # they were merged: Järva for Rinkeby-Kista and Spånga-Tensta (a relation each).
    own: dict[tuple[str, dt.date], list[Cell]] = defaultdict(list)
    merged: dict[tuple[str, dt.date], list[Cell]] = defaultdict(list)
    members_of_merged = {member for family in families.values() if len(family) > 1 for member in family}
    for key, cell in cells.items():
        area, kind, start = key
        if parts.get(key):
            relations.append(Relation(cell, list(parts[key].values())))
        if area is MUNICIPALITY:
            continue
        if sources.get(key) == {area}:
            own[(kind, start)].append(cell)
        if len(families.get(area, {area})) > 1 or area not in members_of_merged:
            merged[(kind, start)].append(cell)
    for (kind, start), districts in [*own.items(), *merged.items()]:
        total = cells.get((MUNICIPALITY, kind, start))
        if total is not None:
            relations.append(Relation(total, [*districts, *_remainder(total, districts)]))
    return relations


def _remainder(total: Cell, terms: list[Cell]) -> list[Cell]:
    """What a total holds beyond its terms (counts placed in no district): a term of its
    own, never shown, that the total less the others would otherwise give."""
    if total.count is None or any(t.count is None for t in terms):
        return []
    rest = total.count - sum(t.count or 0 for t in terms)
    return [Cell(rest)] if rest > 0 else []


def week_groups(cells: dict[ValueKey, Cell]) -> list[list[Cell]]:
    """An area's weeks of one year: shown whole or hidden together. A week's small count
    is otherwise pinned down by the months, tertials or years around it, whose edges do
    not fall on week boundaries (where the weeks beyond them are empty, they do)."""
    groups: dict[tuple[int | None, int], list[Cell]] = defaultdict(list)
    for (area, kind, start), cell in cells.items():
        if kind == "week":
            groups[(area, start.year)].append(cell)
    return list(groups.values())


def part_cells(
    cells: dict[ValueKey, Cell], key: ValueKey, by_source: dict[int | None, int]
) -> dict[int | None, Cell]:
    """The parts of a sum of other areas' counts, each the cell of that area's own value
    for the period where there is one (so that both are shown or hidden together)."""
    area, kind, start = key
    if area is None or set(by_source) <= {area}:
        return {}
    found: dict[int | None, Cell] = {}
    for source, count in by_source.items():
        if source is None:
            continue
        cell = cells.get((source, kind, start))
        found[source] = cell if cell is not None and cell.count == count else Cell(count)
    return found


def shown_parts(part_cells: dict[int | None, Cell], names: dict[int, str]) -> list[dict[str, Any]]:
    """The parts as stored and shown: the area and its count, or no count where hidden."""
    return [
        {
            "area": names.get(source, "") if source is not None else "",
            "count": None if cell.hidden else cell.count,
        }
        for source, cell in sorted(part_cells.items(), key=lambda item: names.get(item[0] or 0, ""))
    ]
