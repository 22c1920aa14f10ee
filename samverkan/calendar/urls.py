from django.urls import path

from samverkan.calendar import views

app_name = "calendar"

urlpatterns = [
    path("", views.calendar_year, name="year"),
]
