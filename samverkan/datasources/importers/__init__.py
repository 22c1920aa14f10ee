"""The contract of an import format. A format module (here, or in another
app's `importers`) turns the bytes of a file into validated rows with the
line they came from and line-numbered errors a person understands (parse),
matches them to the database (plan), and registers itself in
samverkan.datasources.formats; the shared loader (samverkan.datasources.loader)
keeps the file and writes atomically and idempotently."""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from samverkan.audit.recorder import record_bulk_change
from samverkan.core import readers
from samverkan.core.i18n import remembered as _  # messages kept in reports are shown in the reader's language
from samverkan.core.personal_data import find_identity_numbers


@dataclass(frozen=True)
class Row:
    line: int
    data: dict[str, Any]


@dataclass(frozen=True)
class RowError:
    line: int | None
    message: str


@dataclass
class ParseResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str = ""
    personal_data: bool = False
    """Whether a line was refused for holding a personal identity number (the file is then not kept)."""
    restricted: int = 0
    """Rows that not every party may see (their batch is then shown only to its organisation)."""

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(RowError(line, message))

    def refuses_identity_numbers(self, line: int, *texts: str) -> bool:
        """True, with the error on its line, when a text of the line holds
        what looks like a personal identity number."""
        if any(find_identity_numbers(text) for text in texts):
            self.refuse_personal_data(line)
            return True
        return False

    def refuse_personal_data(self, line: int | None, message: str | None = None) -> None:
        self.personal_data = True
        self.error(line, message or _("The line contains what looks like a personal identity number."))


@dataclass
class ImportPlan:
    """What applying a file would do."""

    new: list[Any] = field(default_factory=list)
    """Unsaved model instances to create."""
    changed: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)
    """(existing object, {field: new value})"""
    unchanged: int = 0
    unmapped: Counter[str] = field(default_factory=Counter)
    """Names the configuration does not know, with how many rows carry each."""
    elsewhere: Counter[str] = field(default_factory=Counter)
    """Other municipalities the file holds rows of, with how many rows each."""
    outside: Counter[str] = field(default_factory=Counter)
    """Rows about places outside the municipality, by place."""
    warnings: list[RowError] = field(default_factory=list)
    """What an import keeps but does not count, or counts with a caveat, on its line."""
    reconciliation: list[dict[str, Any]] = field(default_factory=list)
    """The file's own totals beside where its rows land; each row's `ok` says they add up."""
    context: dict[str, Any] = field(default_factory=dict)
    """What the format's apply needs from its plan."""
    fields: list[dict[str, Any]] = field(default_factory=list)
    """The file's fields with sample values and the role each is read in
    ({"name", "samples", "role", "kind"}), for formats whose fields a person chooses."""
    chosen: dict[str, str] = field(default_factory=dict)
    """The options the plan used (chosen by a person or guessed), by option name."""

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(RowError(line, message))

    def is_new(self, stored: Any, values: dict[str, Any]) -> bool:
        """True when nothing is stored for a row of the file (the caller adds
        it to `new`); else the row counts as changed in the values that differ
        from the stored ones, or as unchanged."""
        if stored is None:
            return True
        differences = {k: v for k, v in values.items() if getattr(stored, k) != v}
        if differences:
            self.changed.append((stored, differences))
        else:
            self.unchanged += 1
        return False


def write_rows(batch: Any, plan: ImportPlan) -> None:
    """Rows of the data the loader owns: new ones in bulk, changed ones one by
    one so that the audit log keeps every changed imported value."""
    if plan.new:
        model = type(plan.new[0])
        model.objects.bulk_create(plan.new, batch_size=1000)
        # One event for the rows a file added (the signals do not see a bulk write);
        # a changed value is saved, and recorded, on its own below.
        record_bulk_change(
            model,
            object_pk=batch.pk,
            object_repr=str(batch),
            municipality_id=batch.municipality_id,
            changes={"rows_added": [None, len(plan.new)], "import": [None, batch.pk]},
            content_readers=readers.of(batch),
            action="create",
        )
    for obj, values in plan.changed:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.batch = batch
        obj.save()


def in_chunks(queryset: Any, field_name: str, values: Iterable[Any], *, chunk: int = 900) -> Iterator[Any]:
    """The rows of `queryset` whose `field_name` is one of `values`, asked in
    chunks: one query with every value of a large file exceeds SQLite's limit
    on query parameters ("too many SQL variables")."""
    values = list(values)
    for start in range(0, len(values), chunk):
        yield from queryset.filter(**{f"{field_name}__in": values[start : start + chunk]})


def stored_among(queryset: Any, field_name: str, values: Iterable[Any]) -> set[Any]:
    """Which of `values` are stored in `field_name` of `queryset`."""
    return set(in_chunks(queryset.values_list(field_name, flat=True), field_name, values))


class UnreadableFile(Exception):
    """The file as a whole cannot be read (wrong format, encoding, empty)."""
