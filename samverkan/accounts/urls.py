from django.contrib.auth.decorators import login_not_required
from django.urls import path

from samverkan.accounts import oidc

app_name = "oidc"
urlpatterns = [
    path("start/", login_not_required(oidc.StartView.as_view()), name="start"),
    path("callback/", login_not_required(oidc.CallbackView.as_view()), name="callback"),
]
