from django.urls import path, re_path

from samverkan.situations import views

app_name = "situations"
urlpatterns = [
    path("", views.picture_list, name="list"),
    path("<int:pk>/", views.picture_detail, name="picture"),
    path("<int:pk>/start/", views.party_picture_start, name="start"),
    path("party/<int:pk>/", views.party_picture_detail, name="party"),
    path("party/<int:pk>/details/", views.party_picture_update, name="party_update"),
    path("party/<int:pk>/problems/", views.problem_add, name="problem_add"),
    path("party/<int:pk>/submit/", views.party_picture_submit, name="submit"),
    path("problems/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("problems/<int:pk>/delete/", views.problem_delete, name="problem_delete"),
    path("problems/<int:pk>/causes/", views.causes, name="causes"),
    path("causes/<int:pk>/delete/", views.cause_delete, name="cause_delete"),
    path("joint/<int:pk>/", views.joint_detail, name="joint"),
    path("joint/<int:pk>/merge/", views.joint_merge, name="merge"),
    path("joint/<int:pk>/scores/", views.joint_scores, name="scores"),
    path("joint/<int:pk>/decision/", views.joint_decision, name="decision"),
    path("joint/<int:pk>/versions/", views.joint_version_save, name="version_save"),
    path("joint/<int:pk>/diff/", views.joint_diff, name="diff"),
    re_path(r"^joint/(?P<pk>[0-9]+)/export\.(?P<fmt>pdf|docx)$", views.joint_export, name="export"),
]
