from samverkan.core.tenancy import municipality_for


def municipality(request):
    return {"municipality": municipality_for(request.user) if hasattr(request, "user") else None}
