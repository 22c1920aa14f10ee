from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.datasources.models import (
    Classification,
    Observation,
    RegionAlias,
    ReportedCrimeCount,
    SurveyResult,
)
from samverkan.datasources.regions import RegionResolver
from samverkan.datasources.signals import observation_recorded, rows_rematched
from samverkan.organisations.models import Area, Municipality
from samverkan.organisations.placement import AreaLocator


@transaction.atomic
def observation_record(
    *,
    municipality,
    user,
    category,
    observed_at,
    longitude,
    latitude,
    address,
    description,
    classification=Classification.OPEN,
) -> Observation:
    """Store a field observation in the area (and neighbourhood) valid where and when it was made."""
    observation = Observation(
        municipality=municipality,
        observed_at=observed_at,
        category=category,
        longitude=longitude,
        latitude=latitude,
        address=address,
        description=description,
        classification=classification,
        organisation=user.organisation,
        reported_by=user,
    )
    locator, day = AreaLocator(municipality), timezone.localtime(observed_at).date()
    if longitude is not None and latitude is not None:
        districts, neighbourhoods = locator.locate([longitude], [latitude], [day])
        observation.area_id, observation.neighbourhood_id = districts[0], neighbourhoods[0]
        mapped = any(a.geometry and a.is_valid_on(day) for a in locator.districts)
        if observation.area_id is None and observation.neighbourhood_id is None and mapped:
            raise ValidationError(
                _(
                    "The marked place is outside %(municipality)s. Mark a place inside the municipality, "
                    "or write an address or place name instead."
                )
                % {"municipality": municipality}
            )
    else:
        observation.area_id, observation.neighbourhood_id = locator.locate_by_name(address, day)
    observation.fingerprint = Observation.make_fingerprint(
        at=observed_at.isoformat(),
        category=category.pk,
        organisation=user.organisation_id,
        lon=longitude,
        lat=latitude,
        address=address,
        description=description,
        user=user.pk,
        made=timezone.now().isoformat(),
    )
    observation.full_clean()
    observation.save()
    transaction.on_commit(lambda: observation_recorded.send(sender=Observation, observation=observation))
    return observation


@transaction.atomic
def rows_rematch(*, municipality: Municipality) -> int:
    """Match every stored BRÅ and survey row to the areas again, with the
    aliases people chose and the matching as it is now. Each row whose area
    changes is saved (and so audited); the series of the years touched are
    recomputed by the worker. Returns how many rows changed."""
    resolver = RegionResolver(municipality)
    resolutions = {}
    touched: dict[str, set[int]] = defaultdict(set)
    changed = 0
    for kind, model in (("bra", ReportedCrimeCount), ("survey", SurveyResult)):
        for row in model.objects.filter(municipality=municipality).iterator(chunk_size=2000):
            if row.region not in resolutions:
                resolutions[row.region] = resolver.resolve(row.region)
                resolver.remember(row.region, resolutions[row.region])
            resolution = resolutions[row.region]
            wanted = (resolution.area.pk if resolution.area else None, resolution.is_municipality)
            if (row.area_id, row.is_municipality) != wanted:
                row.area_id, row.is_municipality = wanted
                row.save(update_fields=["area", "is_municipality"])
                touched[kind].add(row.year)
                changed += 1
    if touched:
        transaction.on_commit(
            lambda: rows_rematched.send(sender=RegionAlias, municipality=municipality, years=dict(touched))
        )
    return changed


@transaction.atomic
def region_alias_choose(*, alias: RegionAlias, area: Area | None, is_municipality: bool) -> int:
    """A person says which area a source's region name is (or that it is
    none): kept over automatic matching, and stored rows follow at once."""
    alias.area, alias.is_municipality, alias.automatic = area, is_municipality, False
    alias.full_clean()
    alias.save()
    return rows_rematch(municipality=alias.municipality)
