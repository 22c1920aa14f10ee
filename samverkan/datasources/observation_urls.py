from django.urls import path

from samverkan.datasources import views

app_name = "observations"
urlpatterns = [path("new/", views.observation_new, name="new")]
