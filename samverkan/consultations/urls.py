from django.urls import path, re_path, register_converter

from samverkan.consultations import views

app_name = "consultations"


class Document:
    regex = "pdf|docx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class Element:
    regex = "area|goal|section"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(Document, "doc")
register_converter(Element, "element")

urlpatterns = [
    path("", views.round_list, name="list"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/recipients/", views.recipient_add, name="recipient_add"),
    path("<int:pk>/remind/", views.round_remind, name="remind"),
    path("<int:pk>/compilation/", views.compilation, name="compilation"),
    path("<int:pk>/compilation.<doc:fmt>", views.compilation_export, name="compilation_export"),
    path("recipients/<int:pk>/extension/", views.extension_grant, name="extension"),
    path("recipients/<int:pk>/statement/", views.statement_edit, name="statement_edit"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("statements/<int:pk>/submit/", views.statement_submit, name="statement_submit"),
    path("statements/<int:pk>/documents/", views.document_add, name="document_add"),
    path("statements/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("statements/<int:pk>/proposals/", views.proposal_add, name="proposal_add"),
    path("statements/<int:pk>/minutes/", views.minutes_record, name="minutes"),
    # The statements were once under responses/: bookmarks and e-mails still arrive there.
    re_path(
        r"^responses/(?P<pk>[0-9]+)/(?P<rest>(?:[a-z]+/)?)$", views.former_statement, name="former_statement"
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/changes/", views.change_add, name="change_add"),
    path("outcomes/<int:pk>/correct/", views.outcome_correct, name="outcome_correct"),
    path("adoptions/<int:pk>/correct/", views.adoption_correct, name="adoption_correct"),
    path("versions/<int:pk>/revise/", views.revision_create, name="revise"),
    path("drafts/<int:pk>/", views.draft_detail, name="draft"),
    path("drafts/<int:pk>/send/", views.round_create, name="round_create"),
    path("drafts/<int:pk>/add/<element:kind>/", views.element_add, name="element_add"),
    path("drafts/<int:pk>/adopt/", views.draft_adopt, name="adopt"),
    path("<element:kind>/<int:pk>/", views.element_edit, name="element_edit"),
    path("agreements/<int:pk>/compare/", views.version_compare, name="compare"),
    path("agreements/<int:pk>/compare.<doc:fmt>", views.version_compare_export, name="compare_export"),
]
