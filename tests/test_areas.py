import datetime as dt

import pytest
from django.db import IntegrityError

from samverkan.organisations.models import Area, AreaKind
from samverkan.organisations.selectors import area_became, area_came_from, area_covering, neighbourhoods_of

# A point in Rinkeby (lon, lat), inside the shipped district polygons.
RINKEBY = (17.925, 59.388)
ALVSJO = (18.005, 59.279)


def area(code):
    return Area.objects.get(code=code)


def test_it_answers_which_district_covered_a_place_on_a_date(stockholm):
    before = area_covering(municipality=stockholm, lon=RINKEBY[0], lat=RINKEBY[1], on=dt.date(2023, 12, 31))
    after = area_covering(municipality=stockholm, lon=RINKEBY[0], lat=RINKEBY[1], on=dt.date(2024, 1, 1))
    assert before.code == "rinkeby-kista"
    assert after.code == "jarva"


def test_it_follows_the_2021_merger_in_the_south(stockholm):
    on_2020 = area_covering(municipality=stockholm, lon=ALVSJO[0], lat=ALVSJO[1], on=dt.date(2020, 6, 1))
    on_2022 = area_covering(municipality=stockholm, lon=ALVSJO[0], lat=ALVSJO[1], on=dt.date(2022, 6, 1))
    assert on_2020.code == "alvsjo"
    assert on_2022.code == "hagersten-alvsjo"


def test_a_place_outside_the_municipality_has_no_area(stockholm):
    assert area_covering(municipality=stockholm, lon=11.97, lat=57.71, on=dt.date(2024, 1, 1)) is None


def square_around(lon, lat, size=0.01):
    ring = [
        [lon - size, lat - size],
        [lon + size, lat - size],
        [lon + size, lat + size],
        [lon - size, lat + size],
        [lon - size, lat - size],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def test_it_falls_back_to_neighbourhoods_when_districts_have_no_geometry(stockholm):
    Area.objects.filter(kind=AreaKind.DISTRICT).update(geometry=None)
    Area.objects.filter(code="n-rinkeby").update(geometry=square_around(*RINKEBY))
    on_2022 = area_covering(municipality=stockholm, lon=RINKEBY[0], lat=RINKEBY[1], on=dt.date(2022, 1, 1))
    on_2025 = area_covering(municipality=stockholm, lon=RINKEBY[0], lat=RINKEBY[1], on=dt.date(2025, 1, 1))
    assert (on_2022.code, on_2025.code) == ("rinkeby-kista", "jarva")
    assert area_covering(municipality=stockholm, lon=18.2, lat=59.2, on=dt.date(2025, 1, 1)) is None


def test_it_tells_what_an_area_became(stockholm):
    assert [a.code for a in area_became(area("rinkeby-kista"))] == ["jarva"]
    assert [a.code for a in area_became(area("alvsjo"))] == ["hagersten-alvsjo"]
    assert [a.code for a in area_became(area("bromma"))] == ["bromma"]
    # On a date when the old area was still valid, it is itself.
    assert area_became(area("alvsjo"), on=dt.date(2020, 1, 1)) == [area("alvsjo")]


def test_it_tells_where_an_area_came_from(stockholm):
    assert sorted(a.code for a in area_came_from(area("jarva"))) == ["rinkeby-kista", "spanga-tensta"]


def test_neighbourhood_membership_follows_the_date(stockholm):
    rinkeby = Area.objects.get(code="n-rinkeby")
    assert rinkeby in neighbourhoods_of(area("rinkeby-kista"), on=dt.date(2020, 1, 1))
    assert rinkeby not in neighbourhoods_of(area("rinkeby-kista"), on=dt.date(2024, 2, 1))
    assert rinkeby in neighbourhoods_of(area("jarva"), on=dt.date(2024, 2, 1))


def test_the_current_division_covers_every_neighbourhood_once(stockholm):
    today = dt.date(2025, 1, 1)
    districts = Area.objects.filter(kind=AreaKind.DISTRICT).valid_on(today)
    counted = [n.pk for d in districts for n in neighbourhoods_of(d, on=today)]
    assert (
        len(counted) == len(set(counted)) == Area.objects.filter(kind=AreaKind.NEIGHBOURHOOD).count() == 117
    )


def test_an_area_cannot_end_before_it_starts(stockholm):
    with pytest.raises(IntegrityError):
        Area.objects.create(
            municipality=stockholm,
            kind=AreaKind.DISTRICT,
            name="X",
            code="x",
            valid_from=dt.date(2024, 1, 1),
            valid_to=dt.date(2023, 1, 1),
        )
