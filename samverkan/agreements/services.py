from django.db import transaction

from samverkan.agreements.models import AgreementVersion, PriorityArea


@transaction.atomic
def local_priority_add(
    *, version: AgreementVersion, name: str, description: str = "", addresses=(), categories=()
) -> PriorityArea:
    """A district adds a priority of its own to its local agreement, stating
    which of the overarching agreement's areas and categories it addresses."""
    order = version.priority_areas.count() + 1
    area = PriorityArea(
        version=version, name=name, description=description, order=order, is_local_priority=True
    )
    area.full_clean()
    area.save()
    area.addresses.set(addresses)
    area.categories.set(categories)
    return area
