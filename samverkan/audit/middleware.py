from samverkan.audit.context import acting_as


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        with acting_as(user, None if user is not None and user.is_authenticated else "anonymous"):
            return self.get_response(request)
