from django.urls import path, re_path, register_converter

from samverkan.consultations.views import comparison, decisions, drafts, rounds, statements

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
    path("", rounds.round_list, name="list"),
    path("<int:pk>/", rounds.round_detail, name="round"),
    path("<int:pk>/recipients/", rounds.recipient_add, name="recipient_add"),
    path("<int:pk>/remind/", rounds.round_remind, name="remind"),
    path("<int:pk>/compilation/", rounds.compilation, name="compilation"),
    path("<int:pk>/compilation.<doc:fmt>", rounds.compilation_export, name="compilation_export"),
    path("recipients/<int:pk>/extension/", rounds.extension_grant, name="extension"),
    path("recipients/<int:pk>/statement/", statements.statement_edit, name="statement_edit"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement"),
    path("statements/<int:pk>/submit/", statements.statement_submit, name="statement_submit"),
    path("statements/<int:pk>/documents/", statements.document_add, name="document_add"),
    path("statements/<int:pk>/attachments/", statements.attachment_add, name="attachment_add"),
    path("statements/<int:pk>/proposals/", statements.proposal_add, name="proposal_add"),
    path("statements/<int:pk>/minutes/", decisions.minutes_record, name="minutes"),
    # The statements were once under responses/: bookmarks and e-mails still arrive there.
    re_path(
        r"^responses/(?P<pk>[0-9]+)/(?P<rest>(?:[a-z]+/)?)$",
        statements.former_statement,
        name="former_statement",
    ),
    path("attachments/<int:pk>/", statements.attachment_download, name="attachment"),
    path("proposals/<int:pk>/", decisions.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/changes/", statements.change_add, name="change_add"),
    path("outcomes/<int:pk>/correct/", decisions.outcome_correct, name="outcome_correct"),
    path("adoptions/<int:pk>/correct/", decisions.adoption_correct, name="adoption_correct"),
    path("versions/<int:pk>/revise/", drafts.revision_create, name="revise"),
    path("drafts/<int:pk>/", drafts.draft_detail, name="draft"),
    path("drafts/<int:pk>/send/", rounds.round_create, name="round_create"),
    path("drafts/<int:pk>/add/<element:kind>/", drafts.element_add, name="element_add"),
    path("drafts/<int:pk>/adopt/", drafts.draft_adopt, name="adopt"),
    path("<element:kind>/<int:pk>/", drafts.element_edit, name="element_edit"),
    path("agreements/<int:pk>/compare/", comparison.version_compare, name="compare"),
    path("agreements/<int:pk>/compare.<doc:fmt>", comparison.version_compare_export, name="compare_export"),
]
