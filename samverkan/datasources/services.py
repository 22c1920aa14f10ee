from django.db import transaction
from django.utils import timezone

from samverkan.datasources.models import Classification, Observation
from samverkan.datasources.signals import observation_recorded
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
