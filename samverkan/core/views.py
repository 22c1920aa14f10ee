import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

__all__ = ["LoginView", "health", "login_not_required"]


def _username_digest(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()


class LoginView(auth_views.LoginView):
    """Sign-in, throttled per username: after SAMVERKAN_SIGN_IN_ATTEMPTS
    failures within SAMVERKAN_SIGN_IN_WINDOW_MINUTES further attempts are
    refused (429) until the window has passed, whichever server they reach."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.SAMVERKAN_OIDC:
            context["sso_provider"] = settings.SAMVERKAN_OIDC_PROVIDER_NAME or _(
                "your organisation's sign-in"
            )
            context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context

    def post(self, request, *args, **kwargs):
        from samverkan.accounts.models import SignInFailure

        key = _username_digest(request.POST.get("username", ""))
        window = dt.timedelta(minutes=settings.SAMVERKAN_SIGN_IN_WINDOW_MINUTES)
        recent = SignInFailure.objects.filter(username_digest=key, at__gte=timezone.now() - window)
        if recent.count() >= settings.SAMVERKAN_SIGN_IN_ATTEMPTS:
            message = _("Too many failed sign-ins for this user. Try again in %(minutes)s minutes.") % {
                "minutes": settings.SAMVERKAN_SIGN_IN_WINDOW_MINUTES
            }
            context = self.get_context_data(form=self.get_form_class()(request), throttled=message)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        from samverkan.accounts.models import SignInFailure

        SignInFailure.objects.create(username_digest=_username_digest(self.request.POST.get("username", "")))
        return super().form_invalid(form)

    def form_valid(self, form):
        from samverkan.accounts.models import SignInFailure

        SignInFailure.objects.filter(
            username_digest=_username_digest(form.get_user().get_username())
        ).delete()
        return super().form_valid(form)


@login_not_required
def health(request):
    """For load balancers: 200 when the app can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
