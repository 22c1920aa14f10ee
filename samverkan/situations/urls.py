from django.urls import path, re_path

from samverkan.situations.views import causes, joint, pictures

app_name = "situations"
urlpatterns = [
    path("", pictures.picture_list, name="list"),
    path("<int:pk>/", pictures.picture_detail, name="picture"),
    path("<int:pk>/start/", pictures.party_picture_start, name="start"),
    path("party/<int:pk>/", pictures.party_picture_detail, name="party"),
    path("party/<int:pk>/details/", pictures.party_picture_update, name="party_update"),
    path("party/<int:pk>/problems/", pictures.problem_add, name="problem_add"),
    path("party/<int:pk>/submit/", pictures.party_picture_submit, name="submit"),
    path("problems/<int:pk>/evidence/", pictures.evidence_add, name="evidence_add"),
    path("problems/<int:pk>/delete/", pictures.problem_delete, name="problem_delete"),
    path("problems/<int:pk>/causes/", causes.causes, name="causes"),
    path("causes/<int:pk>/delete/", causes.cause_delete, name="cause_delete"),
    path("joint/<int:pk>/", joint.joint_detail, name="joint"),
    path("joint/<int:pk>/merge/", joint.joint_merge, name="merge"),
    path("joint/<int:pk>/scores/", joint.joint_scores, name="scores"),
    path("joint/<int:pk>/decision/", joint.joint_decision, name="decision"),
    path("joint/<int:pk>/versions/", joint.joint_version_save, name="version_save"),
    path("joint/<int:pk>/diff/", joint.joint_diff, name="diff"),
    re_path(r"^joint/(?P<pk>[0-9]+)/export\.(?P<fmt>pdf|docx)$", joint.joint_export, name="export"),
]
