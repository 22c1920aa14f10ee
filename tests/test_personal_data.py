import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from samverkan.agreements.models import PriorityArea
from samverkan.core.personal_data import (
    contains_identity_number,
    find_identity_numbers,
    luhn_valid,
    no_personal_identity_number,
)


def with_check_digit(nine: str) -> str:
    for digit in "0123456789":
        if luhn_valid(nine + digit):
            return nine + digit
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    "text",
    [
        "811228-9874",
        "8112289874",
        "19811228-9874",
        "198112289874",
        "121212+1212",  # over 100 years old
        "Kontakt: 811228-9874 ringer ofta",
        "701063-2391",  # coordination number: day 3 + 60
        "811228 9874",
        "19811228 9874",
        "1981 1228 9874",
        "811228\u20139874",  # en dash
        "811228\u22129874",  # minus sign
        "811228\u20119874",  # non-breaking hyphen
        "811228\u200b9874",  # zero-width space
        "811228:9874",
        "８１１２２８-９８７４",  # full-width digits
        "８１１２２８－９８７４",  # full-width digits and hyphen
        "121212.1212",
        "1912-12-12-1212",
        "19121212 - 1212",
        "121212/1212",
        "121212--1212",  # double separators
        "1912.12.12.1212",
        "19 121212-1212",
        "121212\u200e-\u200e1212",  # left-to-right marks between the parts
        "121212\u202e1212",  # a right-to-left override
        "121212\u2066-1212\u2069",  # isolates
        "Titel 121212.1212 i texten",
        "nr 5 121212-1212",  # other digits before it, apart
    ],
)
def test_it_finds_identity_numbers(text):
    assert contains_identity_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "KS 2023/740",
        "SÖD 2023/713-2",
        "Telefon: 08-508 09 062",
        "2019-02-01 till 2019-05-19",
        "811228-9875",  # wrong check digit
        "811328-9870",  # month 13
        "18112289874811",  # longer digit run
        "Dnr 2019/656, 4 september 2019",
        "Org.nr 212000-0142",  # month 20: an organisation number, not a person
        "57.3812078222",  # the decimals of a coordinate (ten Luhn-valid digits)
        '"lat": 57.3812078222, "lon": 12,8112289874',  # decimals with a point or a comma
        "[57.3812078222, 18.1212121212]",
        "2019-02-01 22:10:00",  # a date and a time
        "2024-03-02 22:10;Klotter;Vid tunneln;18.0649;59.3326",
        "08-121 21 21 212",  # a phone number
    ],
)
def test_it_leaves_other_numbers_alone(text):
    assert not contains_identity_number(text)


def test_the_message_is_swedish_and_masks_the_number():
    with pytest.raises(ValidationError) as error:
        no_personal_identity_number("Gäller 811228-9874")
    message = error.value.messages[0]
    assert "personnummer" in message
    assert "811228-****" in message
    assert "9874" not in message


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))


@given(
    day=dates,
    serial=st.integers(0, 999),
    separator=st.sampled_from(["", "-", "+"]),
    coordination=st.booleans(),
    long_form=st.booleans(),
)
def test_every_valid_number_is_found_however_written(day, serial, separator, coordination, long_form):
    dd = day.day + (60 if coordination else 0)
    nine = f"{day:%y%m}{dd:02d}{serial:03d}"
    ten = with_check_digit(nine)
    text = (f"{day.year // 100}" if long_form else "") + ten[:6] + separator + ten[6:]
    assert [m.text for m in find_identity_numbers(f"Anteckning {text} slut")] == [text]


SEPARATORS = [
    "", "-", "+", " ", ":", "\u00a0", "\u202f", "\u2009", "\u2010", "\u2011", "\u2012",
    "\u2013", "\u2014", "\u2212", "\ufe63", "\uff0d", "\u200b",
]  # fmt: skip
SCRIPTS = {
    "ascii": "0123456789",
    "full width": "０１２３４５６７８９",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "devanagari": "०१२३४५६७८९",
}
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


@given(
    day=dates,
    serial=st.integers(0, 999),
    coordination=st.booleans(),
    long_form=st.booleans(),
    separator=st.sampled_from(SEPARATORS),
    century_space=st.booleans(),
    script=st.sampled_from(sorted(SCRIPTS)),
    hidden=st.lists(st.tuples(st.integers(1, 11), st.sampled_from(INVISIBLE)), max_size=3),
)
def test_every_number_is_found_with_any_separator_script_or_hidden_character(
    day, serial, coordination, long_form, separator, century_space, script, hidden
):
    dd = day.day + (60 if coordination else 0)
    ten = with_check_digit(f"{day:%y%m}{dd:02d}{serial:03d}")
    digits = ten.translate(str.maketrans("0123456789", SCRIPTS[script]))
    if long_form:
        century = str(day.year // 100).translate(str.maketrans("0123456789", SCRIPTS[script]))
        date = century + digits[:2] + (" " if century_space else "") + digits[2:6]
    else:
        date = digits[:6]
    written = list(date + separator + digits[6:])
    for position, char in sorted(hidden, reverse=True):
        written.insert(min(position, len(written) - 1), char)
    text = "".join(written)
    found = find_identity_numbers(f"Anteckning {text} slut")
    assert [m.text for m in found] == [text.strip("".join(INVISIBLE))]
    with pytest.raises(ValidationError):
        no_personal_identity_number(f"Ärendet gäller {text}.")


@given(day=dates, serial=st.integers(0, 999))
def test_a_wrong_check_digit_is_never_flagged(day, serial):
    ten = with_check_digit(f"{day:%y%m%d}{serial:03d}")
    wrong = ten[:9] + str((int(ten[9]) + 1) % 10)
    assert not contains_identity_number(wrong[:6] + "-" + wrong[6:])


@given(area_code=st.sampled_from(["08", "031", "040"]), rest=st.integers(100000, 99999999))
def test_phone_numbers_with_spaces_pass(area_code, rest):
    digits = str(rest)
    assert not contains_identity_number(f"{area_code}-{digits[:3]} {digits[3:5]} {digits[5:]}")


def test_every_model_text_field_refuses_identity_numbers(stockholm):
    area = PriorityArea.objects.filter(version__agreement__scope="central").first()
    area.description = "Ärendet gäller 19811228-9874."
    with pytest.raises(ValidationError) as error:
        area.full_clean()
    assert "description" in error.value.message_dict


def test_the_system_check_requires_the_guard_on_free_text(monkeypatch):
    from samverkan.core.checks import every_text_field_is_guarded

    assert every_text_field_is_guarded() == []
    field = PriorityArea._meta.get_field("description")
    monkeypatch.setattr(field, "validators", [])
    errors = every_text_field_is_guarded()
    assert [e.id for e in errors] == ["samverkan.E001"]
    assert "PriorityArea.description" in errors[0].msg
