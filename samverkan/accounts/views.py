from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from samverkan.accounts import services
from samverkan.accounts.hashers import LaneFull

BUSY_RETRY_SECONDS = 5


class LoginView(auth_views.LoginView):
    """Sign-in, throttled per username and client address: after
    SAMVERKAN_SIGN_IN_ATTEMPTS attempts that failed within
    SAMVERKAN_SIGN_IN_WINDOW_MINUTES, further attempts from that address are
    refused (429) until the window has passed, whichever server they reach.
    When this process's sign-in lane is full (samverkan.accounts.hashers), a
    sign-in is asked to come back in a few seconds (503) instead of waiting."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.SAMVERKAN_OIDC:
            context["sso_provider"] = settings.SAMVERKAN_OIDC_PROVIDER_NAME or _(
                "your organisation's sign-in"
            )
            context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        attempt = services.sign_in_attempt(request.POST.get("username", ""), client_address(request))
        if attempt is None:
            message = _("Too many failed sign-ins for this user. Try again in %(minutes)s minutes.") % {
                "minutes": settings.SAMVERKAN_SIGN_IN_WINDOW_MINUTES
            }
            response = self._refused(message, status=429)
            response["Retry-After"] = str(settings.SAMVERKAN_SIGN_IN_WINDOW_MINUTES * 60)
            return response
        try:
            return super().post(request, *args, **kwargs)
        except LaneFull:
            # The password was not checked: the attempt does not count, so a flood of
            # sign-ins that fills the lane locks nobody out (and a guesser learns nothing).
            services.sign_in_not_tried(attempt)
            response = self._refused(
                _("Many people are signing in right now. Wait a few seconds and sign in again."), status=503
            )
            response["Retry-After"] = str(BUSY_RETRY_SECONDS)
            return response

    def _refused(self, message: str, *, status: int) -> HttpResponse:
        form = self.get_form_class()(
            self.request, initial={"username": self.request.POST.get("username", "")}
        )
        return self.render_to_response(self.get_context_data(form=form, refused=message), status=status)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        services.sign_in_succeeded(self.request.POST.get("username", ""), client_address(self.request))
        return super().form_valid(form)


class AdminLoginView(LoginView):
    """The admin site's sign-in, throttled as the site's is (it is the same
    password): Django's admin form (staff only) on the admin's page."""

    template_name = "admin/login.html"
    authentication_form = AdminAuthenticationForm
    redirect_authenticated_user = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        context.setdefault("title", _("Log in"))
        context.setdefault("app_path", self.request.get_full_path())
        return context

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "GET" and request.user.is_authenticated and request.user.is_staff:
            return redirect("admin:index")
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return reverse("admin:index")


def client_address(request: HttpRequest) -> str:
    """The client's address: the connection's, or behind a proxy the header it
    is configured to set (SAMVERKAN_CLIENT_ADDRESS_HEADER, such as
    HTTP_X_FORWARDED_FOR, whose last entry the proxy added)."""
    header = settings.SAMVERKAN_CLIENT_ADDRESS_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
