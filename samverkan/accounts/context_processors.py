from django.http import HttpRequest

from samverkan.accounts.tenancy import municipality_for
from samverkan.organisations.models import Municipality


def municipality(request: HttpRequest) -> dict[str, Municipality | None]:
    return {"municipality": municipality_for(request.user) if hasattr(request, "user") else None}
