"""Disclosure control (samverkan/indicators/disclosure.py): a small count is hidden with
everything made from it, and no sum a reader is shown leaves it as the one unknown, in
any channel: the district page, its CSVs, the API, the city map."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from samverkan.accounts.models import Role
from samverkan.api.services import token_issue
from samverkan.datasources import loader
from samverkan.datasources.counts import MUNICIPALITY, SourceCount
from samverkan.indicators import disclosure
from samverkan.indicators.models import Indicator, IndicatorValue
from samverkan.indicators.selectors import indicator_figures
from samverkan.indicators.services import refresh_after_import
from samverkan.organisations.models import Area
from samverkan.situations import diagrams
from samverkan.situations.presentation import chart_from
from tests.test_imports import receive, register_counting_format

LIMIT = 50
HIDDEN = 37  # Rinkeby-Kista 2022: below the limit
SMALL_MONTH = 41  # Norrmalm, March 2023: below the limit


def _cell(count):
    return disclosure.Cell(count)


def test_one_hidden_term_of_a_sum_takes_the_smallest_other_with_it():
    total, terms = _cell(130), [_cell(3), _cell(60), _cell(67)]
    disclosure.protect([total, *terms], [disclosure.Relation(total, terms)], limit=5)
    assert [t.hidden for t in terms] == [True, True, False] and not total.hidden


def test_a_hidden_total_whose_terms_are_all_zero_but_one_hides_nothing_more():
    # 3 = 0 + 0 + 3: the 3 is hidden; the zeros say nothing about it.
    total, terms = _cell(3), [_cell(0), _cell(0), _cell(3)]
    disclosure.protect([total, *terms], [disclosure.Relation(total, terms)], limit=5)
    assert total.hidden and [t.hidden for t in terms] == [False, False, True]


def test_a_sum_with_one_unknown_and_no_other_term_to_hide_hides_its_total():
    total, terms = _cell(103), [_cell(3), _cell(0), _cell(100)]
    disclosure.protect([total, *terms], [disclosure.Relation(total, terms)], limit=5)
    # The smallest non-zero shown term is 100: hidden with the 3.
    assert terms[0].hidden and terms[2].hidden and not terms[1].hidden


def test_complements_reach_a_fixed_point_across_relations():
    # A year, its three tertials and twelve months: one small month.
    months = [_cell(3 if m == 0 else 40) for m in range(12)]
    tertials = [_cell(sum(c.count for c in months[4 * t : 4 * t + 4])) for t in range(3)]
    year = _cell(sum(c.count for c in months))
    relations = [
        disclosure.Relation(year, months),
        disclosure.Relation(year, tertials),
        *[disclosure.Relation(tertials[t], months[4 * t : 4 * t + 4]) for t in range(3)],
    ]
    disclosure.protect([year, *tertials, *months], relations, limit=5)
    for relation in relations:
        hidden = sum(c.hidden for c in [*relation.left, *relation.right])
        assert hidden != 1


def test_two_small_months_of_a_run_of_weeks_are_not_pinned_by_the_weeks():
    # January to March 2024 start on Mondays: their 13 weeks are the same days. Two
    # hidden months of 1 each would be known from the weeks less March.
    months = {dt.date(2024, m, 1): _cell(count) for m, count in ((1, 1), (2, 1), (3, 130))}
    weeks = {dt.date(2024, 1, 1) + dt.timedelta(weeks=w): _cell(10 if w < 12 else 12) for w in range(13)}
    cells = {
        **{(7, "month", start): cell for start, cell in months.items()},
        **{(7, "week", start): cell for start, cell in weeks.items()},
    }
    relations = disclosure.value_relations(cells, {}, {}, {})
    disclosure.protect(cells.values(), relations, limit=5)
    shown_months = sum(c.count for c in months.values() if not c.hidden)
    shown_weeks = sum(c.count for c in weeks.values() if not c.hidden)
    hidden_months = [c for c in months.values() if c.hidden]
    # What a reader could work out for the hidden months together is not below the limit.
    assert not any(c.hidden for c in weeks.values()) or shown_weeks < sum(c.count for c in weeks.values())
    assert len(hidden_months) == 3 or shown_weeks - shown_months >= 5


@pytest.fixture
def counted(stockholm, monkeypatch):
    """A counting source of exact numbers: yearly counts for 2021-2022 per district (Järva
    before its merger is Rinkeby-Kista + Spånga-Tensta) and the municipality, and monthly
    counts for Norrmalm and the municipality in 2023."""
    areas = {a.code: a.pk for a in Area.objects.filter(municipality=stockholm, kind="district")}
    yearly = {
        "rinkeby-kista": {2021: 260, 2022: HIDDEN},
        "spanga-tensta": {2021: 700, 2022: 761},
        "norrmalm": {2021: 900, 2022: 880},
        "sodermalm": {2021: 1200, 2022: 1150},
    }

    def counts(municipality, source_filter, years):
        found = [
            SourceCount(areas[code], dt.date(year, 1, 1), "year", count)
            for code, by_year in yearly.items()
            for year, count in by_year.items()
        ]
        found += [
            SourceCount(MUNICIPALITY, dt.date(year, 1, 1), "year", sum(v[year] for v in yearly.values()))
            for year in (2021, 2022)
        ]
        for month in range(1, 13):
            count = SMALL_MONTH if month == 3 else 90 + month
            found.append(SourceCount(areas["norrmalm"], dt.date(2023, month, 1), "month", count))
            found.append(SourceCount(MUNICIPALITY, dt.date(2023, month, 1), "month", count + 1000))
        return [c for c in found if years is None or c.day.year in years]

    register_counting_format(monkeypatch, counts, years={2021, 2022, 2023})
    indicator = Indicator.objects.create(
        municipality=stockholm, code="rapporter", name="Rapporter", source="reports", suppress_below=LIMIT
    )
    batch = receive(stockholm, "reports", b"1\n")
    loader.batch_apply(batch)
    refresh_after_import(batch)
    return indicator, {code: Area.objects.get(pk=pk) for code, pk in areas.items()}


def _value(indicator, area, kind, start):
    return IndicatorValue.objects.get(indicator=indicator, area=area, period_kind=kind, period_start=start)


def test_a_small_count_is_hidden_with_its_rate_its_interval_and_its_parts(counted):
    indicator, areas = counted
    small = _value(indicator, areas["rinkeby-kista"], "year", dt.date(2022, 1, 1))
    assert small.suppressed and small.count is None and small.value is None and small.low is None
    # Järva 2022 = Rinkeby-Kista 37 + Spånga-Tensta 761: with the 37 hidden, the 761 would
    # give it away, so both are hidden, as values and as parts of Järva's.
    other = _value(indicator, areas["spanga-tensta"], "year", dt.date(2022, 1, 1))
    assert other.suppressed and other.count is None
    jarva = _value(indicator, areas["jarva"], "year", dt.date(2022, 1, 1))
    assert jarva.count == HIDDEN + 761
    assert [part["count"] for part in jarva.parts] == [None, None]
    assert "Rinkeby-Kista .." in jarva.made_up_of and str(HIDDEN) not in jarva.made_up_of
    # A year where every part is shown keeps them.
    shown = _value(indicator, areas["jarva"], "year", dt.date(2021, 1, 1))
    assert sorted(part["count"] for part in shown.parts) == [260, 700]


def test_no_sum_of_shown_values_leaves_one_hidden_value(counted):
    indicator, areas = counted
    values = {
        (v.area_id, v.period_kind, v.period_start): v
        for v in IndicatorValue.objects.filter(indicator=indicator)
    }
    norrmalm = areas["norrmalm"].pk
    year = values[(norrmalm, "year", dt.date(2023, 1, 1))]
    months = [values[(norrmalm, "month", dt.date(2023, m, 1))] for m in range(1, 13)]
    first = values[(norrmalm, "tertial", dt.date(2023, 1, 1))]
    assert months[2].suppressed  # the small month
    for total, terms in [(year, months), (first, months[:4])]:
        unknown = [v for v in [total, *terms] if v.count is None]
        assert len(unknown) != 1, (total.label, [v.label for v in unknown])
    # The municipality's 2022 and every district's own 2022.
    own_2022 = [
        values[(areas[code].pk, "year", dt.date(2022, 1, 1))]
        for code in ("rinkeby-kista", "spanga-tensta", "norrmalm", "sodermalm")
    ]
    municipality = values[(None, "year", dt.date(2022, 1, 1))]
    assert sum(v.count is None for v in [municipality, *own_2022]) != 1


def _hidden_numbers(indicator) -> set[str]:
    """Every number a hidden value had, as a page could write it."""
    return {str(HIDDEN), str(SMALL_MONTH)}


def _contains(text: str, number: str) -> list[str]:
    return [
        text[max(0, m.start() - 60) : m.end() + 60]
        for m in re.finditer(rf"(?<![\w,.\-#/]){number}(?![\w.%]|,\d)", text)
    ]


def test_no_channel_shows_a_hidden_count(client, cast, counted):
    """The district pages and CSVs of every period kind, the API's values and the city map,
    read as a coordinator, hold no hidden count (as a count, a part or a figure)."""
    indicator, areas = counted
    client.force_login(cast[Role.DISTRICT_COORDINATOR])
    texts = {}
    for code in ("rinkeby-kista", "spanga-tensta", "jarva", "norrmalm"):
        area = areas[code]
        for kind in ("year", "tertial", "month", "week"):
            page = client.get(reverse("areas:detail", args=[area.pk]), {"period": kind})
            assert page.status_code == 200
            texts[f"page {code} {kind}"] = page.content.decode()
            csv = client.get(reverse("areas:indicator_csv", args=[area.pk, indicator.code]), {"period": kind})
            assert csv.status_code == 200
            texts[f"csv {code} {kind}"] = csv.content.decode("utf-8-sig")
    texts["city map"] = client.get(reverse("areas:city")).content.decode()
    for code in ("rinkeby-kista", "spanga-tensta", "jarva", "norrmalm"):
        texts[f"district map {code}"] = client.get(
            reverse("areas:geometry", args=[areas[code].pk])
        ).content.decode()
        # What evidence copies into a situation picture (and its documents draw).
        for kind in ("year", "tertial", "month"):
            figures = indicator_figures(indicator, areas[code], kind, until=dt.date(2023, 12, 31), count=24)
            texts[f"evidence {code} {kind}"] = json.dumps(figures) + (
                diagrams.to_svg(chart) if (chart := chart_from(figures)) else ""
            )
    token = token_issue(user=cast[Role.DISTRICT_COORDINATOR], name="test")[1]
    for code in ("rinkeby-kista", "spanga-tensta", "jarva", "norrmalm"):
        for kind in ("year", "tertial", "month"):
            answer = client.get(
                f"/api/v1/indicators/{indicator.pk}/values",
                {"area": code, "period_kind": kind},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 200, answer.content
            texts[f"api {code} {kind}"] = json.dumps(answer.json())
    # The search finds a count that is shown (Spånga-Tensta 2021, as a part of Järva's).
    assert _contains(texts["csv jarva year"], "700") and _contains(texts["api jarva year"], "700")
    assert _contains(texts["evidence spanga-tensta year"], "700")
    found = {
        name: hits
        for name, text in texts.items()
        for number in _hidden_numbers(indicator)
        if (hits := _contains(text, number))
    }
    assert found == {}


def test_hidden_terms_that_together_are_too_few_are_not_pinned_down():
    # A tertial of 7: January none, February and April hidden, March 5. The hidden two sum
    # to 2, so each would be 1: March is hidden with them.
    total, terms = _cell(7), [_cell(0), _cell(1), _cell(5), _cell(1)]
    disclosure.protect([total, *terms], [disclosure.Relation(total, terms)], limit=5)
    assert [t.hidden for t in terms] == [False, True, True, True] and not total.hidden


def test_the_municipality_is_also_the_sum_of_the_merged_districts():
    """Municipality 9 = Järva 4 (Rinkeby-Kista 2 + Spånga-Tensta 2) + Norra innerstaden 5:
    with Järva hidden, Norra innerstaden would give it away."""
    rk, st, jarva, inner = 1, 2, 3, 4
    day = dt.date(2021, 1, 4)
    cells = {
        (None, "week", day): _cell(9),
        (rk, "week", day): _cell(2),
        (st, "week", day): _cell(2),
        (jarva, "week", day): _cell(4),
        (inner, "week", day): _cell(5),
    }
    families = {rk: {rk}, st: {st}, jarva: {jarva, rk, st}, inner: {inner}}
    sources = {(a, "week", day): ({rk, st} if a == jarva else {a}) for a in (rk, st, jarva, inner)}
    parts = {(jarva, "week", day): {rk: cells[(rk, "week", day)], st: cells[(st, "week", day)]}}
    relations = disclosure.value_relations(cells, families, sources, parts)
    disclosure.protect(cells.values(), relations, limit=5)
    assert cells[(jarva, "week", day)].hidden and cells[(inner, "week", day)].hidden
    assert not cells[(None, "week", day)].hidden


def test_the_district_map_hides_small_neighbourhood_counts_and_their_complement(client, cast, stockholm):
    """Police events by neighbourhood on the district map: Gamla stan 1 + Södermalm 30 would
    give away a district total; the 1 and, with it, the 30 are not shown."""
    from django.utils import timezone

    from samverkan.datasources.models import LocationPrecision, PoliceEvent
    from samverkan.organisations.models import AreaKind, AreaMembership

    district = Area.objects.get(municipality=stockholm, code="sodermalm")
    square = {"type": "Polygon", "coordinates": [[[18.0, 59.3], [18.1, 59.3], [18.1, 59.4], [18.0, 59.3]]]}
    named = {}
    for name, count in (("Gamla stan", 1), ("Södermalm", 30), ("Reimersholme", 0), ("Långholmen", 12)):
        named[name] = Area.objects.create(
            municipality=stockholm, code=f"test-{len(named)}", name=name, kind=AreaKind.NEIGHBOURHOOD,
            geometry=square,
        )  # fmt: skip
        AreaMembership.objects.create(district=district, neighbourhood=named[name])
        for n in range(count):
            PoliceEvent.objects.create(
                municipality=stockholm, event_id=900_000 + len(named) * 100 + n, occurred_at=timezone.now(),
                name=f"Stöld, {name}", url="https://polisen.se/x", precision=LocationPrecision.NAMED,
                named_area=named[name], event_type="Stöld", location_name="Stockholm",
            )  # fmt: skip
    client.force_login(cast[Role.POLITICIAN])
    collection = client.get(reverse("areas:geometry", args=[district.pk])).json()
    shown = {
        f["properties"]["name"]: f["properties"]["police_events"]
        for f in collection["features"]
        if f["properties"].get("kind") == AreaKind.NEIGHBOURHOOD
    }
    assert shown == {"Gamla stan": None, "Södermalm": 30, "Reimersholme": 0, "Långholmen": None}


def test_many_hidden_terms_whose_sum_pins_each_take_another_with_them():
    # A tertial of 106 = six hidden weeks of 1 + a shown 100: the six sum to 6, so each is 1.
    weeks = [_cell(1) for _w in range(6)]
    big = _cell(100)
    total = _cell(106)
    disclosure.protect([total, *weeks, big], [disclosure.Relation(total, [*weeks, big])], limit=5)
    assert big.hidden and all(w.hidden for w in weeks) and not total.hidden


def test_an_areas_weeks_of_a_year_are_shown_whole_or_not_at_all():
    start = dt.date(2024, 1, 1)
    cells = {(7, "week", start + dt.timedelta(weeks=w)): _cell(3 if w == 10 else 40) for w in range(52)}
    cells[(7, "week", dt.date(2025, 1, 6))] = _cell(40)  # another year stays as it is
    disclosure.protect(cells.values(), [], limit=5, together=disclosure.week_groups(cells))
    assert all(c.hidden for (_a, _k, s), c in cells.items() if s.year == 2024)
    assert not cells[(7, "week", dt.date(2025, 1, 6))].hidden


def test_what_the_municipality_holds_beyond_its_districts_is_a_term_of_its_own():
    # Municipality 83 = districts 40 + 41 + 2 events placed in no district: the 2 is hidden,
    # so one district is hidden with it.
    rk, st = 1, 2
    day = dt.date(2021, 1, 1)
    cells = {
        (MUNICIPALITY, "year", day): _cell(83),
        (rk, "year", day): _cell(40),
        (st, "year", day): _cell(41),
    }
    sources = {(rk, "year", day): {rk}, (st, "year", day): {st}}
    relations = disclosure.value_relations(cells, {rk: {rk}, st: {st}}, sources, {})
    disclosure.protect(cells.values(), relations, limit=5)
    assert cells[(rk, "year", day)].hidden and not cells[(st, "year", day)].hidden


def test_an_empty_week_is_written_as_zero_so_a_hidden_weeks_row_says_nothing(stockholm):
    """Weeks of a year with a small one are all hidden; the empty weeks among them are rows
    too (else a '..' row would tell it holds at least one)."""
    from samverkan.indicators.compute import _empty_weeks

    area = Area.objects.get(municipality=stockholm, code="norrmalm")
    held = {(area.pk, "week", dt.date(2023, 9, 4)): None, (area.pk, "week", dt.date(2023, 9, 18)): None}
    empty = _empty_weeks(held, (dt.date(2023, 8, 1), dt.date(2023, 10, 8)), {area.pk: area}, None)
    assert [start for _a, _k, start in empty] == [
        dt.date(2023, 8, 7), dt.date(2023, 8, 14), dt.date(2023, 8, 21), dt.date(2023, 8, 28),
        dt.date(2023, 9, 11), dt.date(2023, 9, 25), dt.date(2023, 10, 2),
    ]  # fmt: skip
