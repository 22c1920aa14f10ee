"""The personal-data guard: Samverkan is about places, groups and measures,
never individuals, so no free text may carry a Swedish personal identity
number (personnummer) or coordination number (samordningsnummer).

A number is flagged when it has 10 or 12 digits written as YYMMDD[-+]NNNN,
YYYYMMDD[-+]NNNN or without separator, its date part is a real date (the
day plus 60 for a coordination number) and its check digit is Luhn-valid.
Digits that run on either side disqualify a candidate, so longer numbers,
case numbers such as "KS 2023/740", dates and phone numbers such as
"08-508 09 062" pass.
"""

import calendar
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_CANDIDATE = re.compile(
    r"(?<![\d])(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)(?![\d])"
)
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


def find_identity_numbers(text: str) -> list[IdentityNumberMatch]:
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        century = match["century"]
        if century is not None and century not in _CENTURIES:
            continue
        real_date, coordination = _date_ok(century, match["date"])
        if not real_date:
            continue
        if not luhn_valid(match["date"] + match["serial"] + match["check"]):
            continue
        found.append(
            IdentityNumberMatch(
                text=match.group(0), start=match.start(), end=match.end(), coordination=coordination
            )
        )
    return found


def contains_identity_number(text: str) -> bool:
    return bool(find_identity_numbers(text))


PERSONAL_DATA_MESSAGE = _(
    "The text contains what looks like a Swedish personal identity number or coordination "
    "number (%(number)s). Samverkan must not hold personal data about individuals: remove "
    "the number and describe places, groups and situations instead."
)


@deconstructible
class NoPersonalIdentityNumber:
    """Validator for every free-text field and every imported text value."""

    code = "personal_identity_number"

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        matches = find_identity_numbers(value)
        if matches:
            raise ValidationError(PERSONAL_DATA_MESSAGE, code=self.code, params={"number": matches[0].masked})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoPersonalIdentityNumber)

    def __hash__(self) -> int:
        return hash(self.code)


no_personal_identity_number = NoPersonalIdentityNumber()
