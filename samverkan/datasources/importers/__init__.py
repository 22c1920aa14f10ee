"""One parser module per source format. Each parser turns the bytes of a
file into validated rows with the line they came from, and line-numbered
errors a person understands; the shared loader (samverkan.datasources.loader)
writes them atomically and idempotently."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from samverkan.core.personal_data import find_identity_numbers


@dataclass(frozen=True)
class Row:
    line: int
    data: dict


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

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(RowError(line, message))

    def refuses_identity_numbers(self, line: int, *texts: str) -> bool:
        """True, with the error on its line, when a text of the line holds
        what looks like a personal identity number."""
        if any(find_identity_numbers(text) for text in texts):
            self.error(line, _("The line contains what looks like a personal identity number."))
            return True
        return False


class UnreadableFile(Exception):
    """The file as a whole cannot be read (wrong format, encoding, empty)."""
