"""Pickers that fit a district that is not the worked example: areas of the
district valid in the period, labelled by kind and grouped; each priority
area once; mandatory categories only where a framework has them."""

import datetime as dt
from collections import Counter

import pytest

from samverkan.agreements.models import Agreement
from samverkan.organisations.models import Area, AreaKind, AreaMembership
from samverkan.situations import services
from samverkan.situations.forms import EvidenceForm, ProblemForm
from samverkan.situations.selectors import picture_areas


@pytest.fixture
def picture(stockholm):
    soder = Area.objects.get(code="sodermalm")
    # The configuration holds a neighbourhood named like its district.
    assert Area.objects.filter(name="Södermalm", kind=AreaKind.NEIGHBOURHOOD).exists()
    ended = Area.objects.create(
        municipality=stockholm,
        kind=AreaKind.NEIGHBOURHOOD,
        name="Nedlagd stadsdel",
        code="test-nedlagd",
        valid_to=dt.date(2010, 12, 31),
    )
    AreaMembership.objects.create(neighbourhood=ended, district=soder, valid_to=dt.date(2010, 12, 31))
    return services.picture_create(
        agreement=Agreement.objects.get(area=soder),
        title="Lägesbild Södermalm 2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )


def labels(choices):
    return [label for _group, options in choices if isinstance(options, list) for _value, label in options]


def test_the_area_picker_holds_the_district_and_its_neighbourhoods_of_the_period(picture):
    form = ProblemForm(picture=picture)
    shown = labels(list(form.fields["area"].choices))
    assert shown, "the picker offers areas"
    assert not [label for label, n in Counter(shown).items() if n > 1]
    assert "Södermalm (stadsdelsområde)" in shown and "Södermalm (stadsdel)" in shown
    assert not any("Nedlagd" in label for label in shown)
    assert not any("Norra innerstaden" in label for label in shown)
    groups = [group for group, options in form.fields["area"].choices if isinstance(options, list)]
    assert groups == ["Stadsdelsområden", "Stadsdelar"]


def test_each_priority_area_is_offered_once(picture):
    form = ProblemForm(picture=picture)
    names = [label for _value, label in form.fields["priority_areas"].choices]
    assert names and len(names) == len(set(names))
    # The 2024 framework imposes no categories, so none are asked for.
    assert "categories" not in form.fields


def test_the_evidence_map_areas_come_from_the_same_picker(picture):
    queryset, grouped = picture_areas(picture, mapped_only=True)
    form = EvidenceForm(municipality=picture.municipality, areas=(queryset, grouped))
    assert all(area.geometry is not None for area in form.fields["observation_area"].queryset)


def test_an_indicator_without_values_for_the_district_says_so(picture, client, cast):
    from django.urls import reverse

    from samverkan.indicators.models import Indicator, IndicatorValue

    soder = picture.agreement.area
    indicator = next(
        i
        for i in Indicator.objects.filter(municipality=picture.municipality)
        if not IndicatorValue.objects.filter(indicator=i, area=soder).exists()
    )
    coordinator = cast["other_coordinator"]
    party = services.party_picture_start(picture=picture, organisation=coordinator.organisation)
    problem = services.problem_add(owner=party, title="Otrygghet vid Medborgarplatsen", area=soder)
    client.force_login(coordinator)
    answer = client.post(
        reverse("situations:evidence_add", args=[problem.pk]),
        {
            f"evidence-{problem.pk}-source_kind": "statistics",
            f"evidence-{problem.pk}-text": "Anmälningarna ökar.",
            f"evidence-{problem.pk}-indicator": indicator.pk,
            f"evidence-{problem.pk}-period_kind": "year",
        },
        follow=True,
    )
    text = answer.content.decode()
    said = f"{indicator.name} har inga värden för {soder.name} till och med 2026-12-31"
    assert said in text  # in the message and beside the evidence
    assert text.count(said) == 2
    assert reverse("imports:list") in text
