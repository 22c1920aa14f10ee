from django.urls import path, register_converter

from samverkan.plans import views

app_name = "plans"


class TableFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class DocumentFormat(TableFormat):
    regex = "pdf|docx|xlsx"


register_converter(TableFormat, "table")
register_converter(DocumentFormat, "document")

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/measures/", views.measure_add, name="measure_add"),
    path("<int:pk>/duties/", views.duty_add, name="duty_add"),
    path("<int:pk>/adopt/", views.plan_adopt, name="adopt"),
    path("<int:pk>/reopen/", views.plan_reopen, name="reopen"),
    path("<int:pk>/reports/", views.report_create, name="report_create"),
    path("<int:pk>/measures.<table:fmt>", views.plan_export, name="export"),
    path("measures/<int:pk>/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="measure_delete"),
    path("measures/<int:pk>/indicators/", views.measure_indicator_add, name="measure_indicator_add"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/overrides/", views.override_add, name="override_add"),
    path("reports/<int:pk>/progress.<table:fmt>", views.report_export, name="report_export"),
    path("annual/", views.annual_list, name="annual_list"),
    path("annual/<int:pk>/", views.annual_detail, name="annual"),
    path("annual/<int:pk>/send/", views.annual_send, name="annual_send"),
    path("annual/<int:pk>/export.<document:fmt>", views.annual_export, name="annual_export"),
    path("communications/", views.communication_list, name="communications"),
    path("communications/<int:pk>/", views.communication_detail, name="communication"),
    path("communications/<int:pk>/approve/", views.communication_approve, name="communication_approve"),
]
