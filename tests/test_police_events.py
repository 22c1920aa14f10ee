"""The police API's newer format (fixture police_events_lan.json, written by
hand): most events carry their county as the location ("Stockholms län"),
the municipality only at the end of the name ("3 mars 12.15, Rån,
Stockholm"), the time written 12.15; some still carry the older form
(location "Stockholm", time 21:15)."""

import datetime as dt
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from samverkan.datasources import loader
from samverkan.datasources.importers import police_events
from samverkan.datasources.models import ImportBatch, LocationPrecision, PoliceEvent
from samverkan.indicators.compute import indicator_refresh
from samverkan.indicators.models import Indicator, IndicatorValue

FIXTURE = Path(__file__).parent / "fixtures" / "police_events_lan.json"
STOCKHOLM_TIME = ZoneInfo("Europe/Stockholm")

# The fixture by hand: the place at the end of each name, or the county when the name names only that.
BY_HAND = {
    "Stockholm": 5,  # 601001 (län, 12.15), 601002 (old form), 601003 (type with a comma), 601008, 601010
    "Solna": 1,
    "Malmö": 1,
    "Södertälje": 1,
    "Upplands Väsby": 1,
    "Stockholms län": 1,  # "Sammanfattning natt, Stockholms län": no municipality to be had
}


def parsed():
    result = police_events.parse(FIXTURE.read_bytes(), FIXTURE.name)
    assert result.errors == []
    return {r.data["event_id"]: r.data for r in result.rows}


def test_the_title_gives_time_type_and_place_in_both_formats():
    new = police_events.parse_title("3 mars 12.15, Rån, Stockholm")
    old = police_events.parse_title("25 mars 21:15, Fylleri/LOB, Stockholm")
    assert (new.day, new.month, new.time, new.place) == (3, 3, dt.time(12, 15), "Stockholm")
    assert (old.day, old.month, old.time, old.place) == (25, 3, dt.time(21, 15), "Stockholm")
    assert police_events.parse_title("Trafikolycka, personskada, Upplands Väsby").place == "Upplands Väsby"
    summary = police_events.parse_title("Sammanfattning natt, Stockholms län")
    assert summary.time is None and summary.place == "Stockholms län"
    assert police_events.parse_title("3 mars 25.10, Rån, Stockholm").time is None


def test_where_an_event_belongs_and_how_precisely_is_recorded():
    events = parsed()
    assert events[601001]["precision"] == LocationPrecision.NAMED
    assert events[601002]["precision"] == LocationPrecision.MUNICIPALITY
    assert events[601006]["precision"] == LocationPrecision.COUNTY
    assert events[601005]["precision"] == LocationPrecision.NAMED
    assert Counter(police_events.municipality_of(e) for e in events.values()) == BY_HAND


def test_the_time_in_the_title_is_when_it_happened():
    events = parsed()
    assert events[601001]["occurred_at"] == dt.datetime(2026, 3, 3, 12, 15, tzinfo=STOCKHOLM_TIME)
    assert events[601002]["occurred_at"] == dt.datetime(2026, 3, 3, 21, 15, tzinfo=STOCKHOLM_TIME)
    assert events[601001]["published_at"].isoformat() == "2026-03-03T12:31:02+01:00"
    # Published after midnight: still the day of the title.
    assert events[601008]["occurred_at"].date() == dt.date(2026, 3, 3)
    # 31 December, published on New Year's Day: the year before.
    assert events[601010]["occurred_at"] == dt.datetime(2025, 12, 31, 23, 50, tzinfo=STOCKHOLM_TIME)


def test_a_day_of_county_located_events_counts_for_the_municipality_they_name(stockholm):
    batch = loader.batch_receive(
        municipality=stockholm,
        kind="police_events",
        filename=FIXTURE.name,
        data=FIXTURE.read_bytes(),
        user=None,
    )
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.report["errors"]
    outside = {place: n for place, n in BY_HAND.items() if place != "Stockholm"}
    assert batch.report["outside"] == outside
    loader.batch_apply(batch)
    assert PoliceEvent.objects.filter(in_municipality=True).count() == BY_HAND["Stockholm"]
    assert PoliceEvent.objects.get(event_id=601008).named_area.name.casefold() == "rinkeby"

    indicator = Indicator.objects.get(code="polisens-handelser")
    indicator.suppress_below = 0
    indicator.save()
    indicator_refresh(indicator)
    march = IndicatorValue.objects.get(indicator=indicator, area=None, period_kind="month", label="2026-03")
    assert march.count == BY_HAND["Stockholm"] - 1  # 601010 happened on 31 December 2025
    december = IndicatorValue.objects.get(
        indicator=indicator, area=None, period_kind="month", label="2025-12"
    )
    assert december.count == 1
    jarva = IndicatorValue.objects.get(
        indicator=indicator, area__code="jarva", period_kind="month", label="2026-03"
    )
    assert jarva.count == 1  # Rinkeby, named in 601008's summary


def test_importing_again_changes_nothing_and_a_moved_event_is_a_change(stockholm):
    def receive(data):
        return loader.batch_receive(
            municipality=stockholm, kind="police_events", filename="events.json", data=data, user=None
        )

    loader.batch_apply(receive(FIXTURE.read_bytes()))
    again = receive(FIXTURE.read_bytes())
    assert again.report["counts"]["unchanged"] == 10 and again.report["counts"]["new"] == 0
    corrected = FIXTURE.read_bytes().replace(
        b"3 mars 10.40, St\xc3\xb6ld, Solna", b"3 mars 10.40, St\xc3\xb6ld, Stockholm"
    )
    batch = receive(corrected)
    assert batch.report["counts"]["changed"] == 1
    loader.batch_apply(batch)
    assert PoliceEvent.objects.get(event_id=601004).in_municipality
