from django.urls import path, register_converter

from samverkan.plans.views import communications, compilations, follow_up, law, plans

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
    path("", plans.plan_list, name="list"),
    path("<int:pk>/", plans.plan_detail, name="detail"),
    path("<int:pk>/measures/", plans.measure_add, name="measure_add"),
    path("<int:pk>/duties/", plans.duty_add, name="duty_add"),
    path("<int:pk>/adopt/", plans.plan_adopt, name="adopt"),
    path("<int:pk>/reopen/", plans.plan_reopen, name="reopen"),
    path("<int:pk>/reports/", follow_up.report_create, name="report_create"),
    path("<int:pk>/measures.<table:fmt>", plans.plan_export, name="export"),
    path("measures/<int:pk>/", plans.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/delete/", plans.measure_delete, name="measure_delete"),
    path("measures/<int:pk>/indicators/", plans.measure_indicator_add, name="measure_indicator_add"),
    path("reports/<int:pk>/", follow_up.report_detail, name="report"),
    path("reports/<int:pk>/submit/", follow_up.report_submit, name="report_submit"),
    path("reports/<int:pk>/overrides/", follow_up.override_add, name="override_add"),
    path("reports/<int:pk>/progress.<table:fmt>", follow_up.report_export, name="report_export"),
    path("law/", law.law, name="law"),
    path("annual/", compilations.annual_list, name="annual_list"),
    path("annual/<int:pk>/", compilations.annual_detail, name="annual"),
    path("annual/<int:pk>/send/", compilations.annual_send, name="annual_send"),
    path("annual/<int:pk>/export.<document:fmt>", compilations.annual_export, name="annual_export"),
    path("communications/", communications.communication_list, name="communications"),
    path("communications/<int:pk>/", communications.communication_detail, name="communication"),
    path(
        "communications/<int:pk>/approve/", communications.communication_approve, name="communication_approve"
    ),
]
