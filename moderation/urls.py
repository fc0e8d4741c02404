from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("policy/", views.policy_page, name="policy"),
    path("report/<slug:content_type>/<object_ref:object_id>/", views.report, name="report"),
    path("moderation/appeals/", views.decisions, name="decisions"),
    path("moderation/appeals/<int:action_id>/", views.appeal, name="appeal"),
    path("moderation/cases/<int:case_id>/video", views.case_video, name="case_video"),
    path("moderation/cases/<int:case_id>/poster", views.case_poster, name="case_poster"),
]
