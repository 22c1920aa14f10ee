from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView
from django.views.i18n import set_language

from samverkan.accounts.views import AdminLoginView, LoginView
from samverkan.api.api import urls as api_urls
from samverkan.core import views as core_views
from samverkan.notifications import views as notification_views
from samverkan.overview.views import start as start_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="start", permanent=False), name="home"),
    path("start/", start_views.start, name="start"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/sso/", include("samverkan.accounts.urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        login_not_required(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="registration/invitation.html",
                success_url=reverse_lazy("login"),
                post_reset_login=False,
            )
        ),
        name="invitation",
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("health/", core_views.health, name="health"),
    path("agreements/", include("samverkan.agreements.urls")),
    path("areas/", include("samverkan.overview.area_urls")),
    path("bodies/", include("samverkan.governance.urls")),
    path("audit/", include("samverkan.audit.urls")),
    path("setup/", include("samverkan.configurations.urls")),
    path("imports/", include("samverkan.datasources.urls")),
    path("observations/", include("samverkan.datasources.observation_urls")),
    path("pictures/", include("samverkan.situations.urls")),
    path("est/", include("samverkan.est.urls")),
    path("plans/calendar/", include("samverkan.calendar.urls")),
    path("plans/", include("samverkan.plans.urls")),
    path("consultations/", include("samverkan.consultations.urls")),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/mail/", notification_views.mail_outbox, name="mail_outbox"),
    path("public/", include("samverkan.plans.public")),
    path("api/v1/", api_urls()),
    # The admin site's sign-in, throttled as the site's own (admin.site.login is not).
    path("admin/login/", login_not_required(AdminLoginView.as_view()), name="admin_login"),
    path("admin/", admin.site.urls),
]
