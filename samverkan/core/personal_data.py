"""The personal-data guard: Samverkan is about places, groups and measures,
never individuals, so no free text may carry a Swedish personal identity
number (personnummer) or coordination number (samordningsnummer).

A number is flagged when it has 10 or 12 digits written as YYMMDD NNNN or
YYYYMMDD NNNN, its date part is a real date (the day plus 60 for a
coordination number) and its check digit is Luhn-valid. The digits may be
written together or in groups at the boundaries of the number's parts
(century, year, month, day, serial: "19121212-1212", "1912-12-12-1212",
"121212.1212", "121212/1212", "19121212 - 1212"), the groups joined by up to
three separators of any kind (hyphens and dashes, plus, full stop, slash,
colon, spaces of any width). Before matching, the text is normalised:
digits of any script count as digits (full-width among them), and invisible
characters (zero-width spaces and joiners, soft hyphens, direction marks)
are ignored. Digits that run on either side of a group disqualify it, so
longer numbers, case numbers such as "KS 2023/740", dates, times and phone
numbers such as "08-508 09 062" pass; so do the decimals of a number
("57.3812078222": a group right after a digit and a decimal point or comma
is a fraction, not the start of an identity number; nor are two digits, a
point and ten more the parts of one).

This is the one check at the system's boundary: model fields, every imported
value, file names, texts read from attachments and API input all call it.
"""

import calendar
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_DIGITS = re.compile(r"\d+")
# What may stand between two groups of a number's digits: one to three separators.
_JOIN = re.compile(r"[-+./: ]{1,3}")
# Dashes, minus signs and hyphens of every kind read as "-"; spaces of every width as " ".
_DASHES = set("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2043")
# Zero-width characters, soft hyphen, and the marks that set a text's direction.
_INVISIBLE = set(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
)
# Full-width and small forms of the separators read as their plain form.
_SEPARATORS = {"\ufe13": ":", "\uff1a": ":", "\uff0e": ".", "\uff0f": "/", "\uff0b": "+", "\ufe52": "."}
# Where the digits of a 10- or 12-digit number may be split into groups.
_BOUNDARIES = {10: frozenset({2, 4, 6}), 12: frozenset({2, 4, 6, 8})}
_CENTURIES = {"18", "19", "20"}


@dataclass(frozen=True)
class IdentityNumberMatch:
    text: str
    start: int
    end: int
    coordination: bool

    @property
    def masked(self) -> str:
        return self.text[: len(self.text) - 4] + "****"


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _date_ok(century: str | None, yymmdd: str) -> tuple[bool, bool]:
    """(is a real date, is a coordination number)."""
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    coordination = dd > 60
    if coordination:
        dd -= 60
    if not 1 <= mm <= 12 or dd < 1:
        return False, coordination
    # Without a century, 29 February counts when either 19YY or 20YY is a leap year;
    # 20YY always is when 19YY is, so 20YY decides.
    year = int(century) * 100 + yy if century else 2000 + yy
    return dd <= calendar.monthrange(year, mm)[1], coordination


# Characters that the slow path must rewrite: digits of other scripts, spaces
# of other widths, and the dashes, invisible marks and separators above.
_SPECIAL = re.compile(
    r"(?![0-9])\d|(?![\t\n\r\x0b\x0c\x1c-\x1f\x85 ])\s|["
    + re.escape("".join(_DASHES | _INVISIBLE | set(_SEPARATORS)))
    + "]"
)
# A number's digits in groups split only at the boundaries of its parts, with one
# to three separators between them: 12 digits (century, year, month, day, serial)
# or 10 (no century). Not the decimals of a number ("57.3812078222": a group right
# after a digit and a decimal point or comma), nor two digits, a point and the
# rest ("18.1212121212"). Zero-width, so that every start is tried.
_SEPARATOR = r"[-+./: \t\n\r\x0b\x0c\x1c-\x1f\x85]{1,3}"
_SEP = r"(?:" + _SEPARATOR + r")?"
_FIRST_SEP = r"(?:(?!\.\d)" + _SEPARATOR + r")?"
_NUMBER = re.compile(
    r"(?<!\d)(?<!\d[.,])(?=(?:(?P<century>18|19|20)"
    + _FIRST_SEP
    + r")?(?P<yy>\d\d)(?(century)"
    + _SEP
    + "|"
    + _FIRST_SEP
    + r")(?P<mm>0[1-9]|1[0-2])"
    + _SEP
    + r"(?P<dd>[0-2]\d|3[01]|[6-8]\d|9[01])"
    + _SEP
    + r"(?P<serial>\d{4})(?!\d))"
)


def _normalised(text: str) -> tuple[str, list[int] | None]:
    """The text as the pattern reads it, and for each of its characters the
    index of the character it came from (None: the same index, for the usual
    text that holds none of the characters to rewrite)."""
    if text.isascii() or _SPECIAL.search(text) is None:
        return text, None
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        if char.isdigit() and not char.isascii():
            digit = unicodedata.digit(char, None)
            char = str(digit) if digit is not None else char
        elif char in _DASHES:
            char = "-"
        elif char.isspace() or unicodedata.category(char) == "Zs":
            char = " "
        elif char in _SEPARATORS:
            char = _SEPARATORS[char]
        chars.append(char)
        origin.append(index)
    return "".join(chars), origin


def find_identity_numbers(text: str) -> list[IdentityNumberMatch]:
    if not text:
        return []
    normalised, origin = _normalised(text)
    candidates = []
    for match in _NUMBER.finditer(normalised):
        century = match["century"]
        yymmdd = match["yy"] + match["mm"] + match["dd"]
        real_date, coordination = _date_ok(century, yymmdd)
        if real_date and luhn_valid(yymmdd + match["serial"]):
            candidates.append((match.start(), match.end("serial"), coordination))
    found: list[IdentityNumberMatch] = []
    last_end = -1
    for start, end, coordination in sorted(candidates):
        if start < last_end:
            continue  # the last 10 digits of a 12-digit number already found
        last_end = end
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        found.append(
            IdentityNumberMatch(text=text[start:end], start=start, end=end, coordination=coordination)
        )
    return found


def contains_identity_number(text: str) -> bool:
    return bool(find_identity_numbers(text))


PERSONAL_DATA_MESSAGE = _(
    "The text contains what looks like a Swedish personal identity number or coordination "
    "number (%(number)s). Samverkan must not hold personal data about individuals: remove "
    "the number and describe places, groups and situations instead."
)


FILE_NAME_MESSAGE = _(
    "The file name contains what looks like a Swedish personal identity number or coordination "
    "number (%(number)s). Rename the file without it; nothing was kept."
)


@deconstructible
class NoPersonalIdentityNumber:
    """Validator for every free-text field and every imported text value
    (with another message, for file names)."""

    code = "personal_identity_number"

    def __init__(self, message: Any = None) -> None:
        self.message = message or PERSONAL_DATA_MESSAGE

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        matches = find_identity_numbers(value)
        if matches:
            raise ValidationError(self.message, code=self.code, params={"number": matches[0].masked})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoPersonalIdentityNumber) and self.message == other.message

    def __hash__(self) -> int:
        return hash(self.code)


no_personal_identity_number = NoPersonalIdentityNumber()
refuse_identity_number_in_name = NoPersonalIdentityNumber(FILE_NAME_MESSAGE)
"""Raises the guard's error, worded for a file name, when a name holds a number."""


def masked(text: str) -> str:
    """The text with the last four digits of every number the guard finds hidden."""
    for match in reversed(find_identity_numbers(text)):
        text = text[: match.start] + match.masked + text[match.end :]
    return text


def scrubbed(value: Any) -> Any:
    """A structure of lists, dicts and strings (a report, a row) with every
    number the guard finds masked, in keys and values alike: what must be
    kept to explain a refusal never keeps the number itself."""
    if isinstance(value, str):
        return masked(value)
    if isinstance(value, dict):
        return {scrubbed(k): scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrubbed(v) for v in value]
    return value


def find_identity_numbers_in(value: Any) -> Iterator[IdentityNumberMatch]:
    """Every number the guard finds in a structure of lists, dicts and strings, keys included."""
    for text in _strings(value):
        yield from find_identity_numbers(text)


def holds_identity_number(value: Any) -> bool:
    """Whether any string in a structure of lists, dicts and strings holds a number."""
    return any(contains_identity_number(text) for text in _strings(value))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
