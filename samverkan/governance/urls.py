from django.urls import path

from samverkan.governance import views

app_name = "bodies"
urlpatterns = [
    path("", views.body_list, name="list"),
    path("<int:pk>/", views.body_detail, name="detail"),
    path("districts/", views.district_list, name="districts"),
    path("districts/<int:pk>/", views.district, name="district"),
]
