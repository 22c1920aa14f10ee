from django.urls import path

from samverkan.overview.views import areas

app_name = "areas"
urlpatterns = [
    path("", areas.area_list, name="list"),
    path("lookup/", areas.area_lookup, name="lookup"),
    path("city.geojson", areas.city_geometry, name="city"),
    path("<int:pk>/", areas.area_detail, name="detail"),
    path("<int:pk>/geometry.geojson", areas.area_geometry, name="geometry"),
    path("<int:pk>/indicators/<slug:code>.csv", areas.area_indicator_csv, name="indicator_csv"),
]
