from django.urls import path

from samverkan.est import views

app_name = "est"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("mine/", views.my_observations, name="mine"),
    path("<int:pk>/", views.group_detail, name="group"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("weeks/<int:pk>/", views.week_detail, name="week"),
    path("weeks/<int:pk>/send/", views.week_send, name="send"),
    path("weeks/<int:pk>/meeting/", views.meeting_record, name="meeting"),
    path("weeks/<int:pk>/measures/", views.quick_measure_add, name="measure_add"),
    path("measures/<int:pk>/status/", views.quick_measure_status, name="measure_status"),
    path("weeks/<int:pk>/feedback/<int:observation>/", views.feedback_give, name="feedback"),
]
