from django.urls import path

from samverkan.accounts import oidc
from samverkan.core.views import login_not_required

app_name = "oidc"
urlpatterns = [
    path("start/", login_not_required(oidc.StartView.as_view()), name="start"),
    path("callback/", login_not_required(oidc.CallbackView.as_view()), name="callback"),
]
