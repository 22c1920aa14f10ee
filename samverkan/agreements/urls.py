from django.urls import path

from samverkan.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("compliance/", views.compliance_overview, name="compliance"),
    path("<int:pk>/", views.agreement_detail, name="agreement"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/local-priorities/", views.local_priority_add, name="local_priority_add"),
]
