from django.urls import path

from samverkan.organisations import views

app_name = "areas"
urlpatterns = [
    path("", views.area_list, name="list"),
    path("lookup/", views.area_lookup, name="lookup"),
    path("city.geojson", views.city_geometry, name="city"),
    path("<int:pk>/", views.area_detail, name="detail"),
    path("<int:pk>/geometry.geojson", views.area_geometry, name="geometry"),
    path("<int:pk>/indicators/<slug:code>.csv", views.area_indicator_csv, name="indicator_csv"),
]
