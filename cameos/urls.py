from django.urls import path

from cameos import views

app_name = "cameos"

urlpatterns = [
    path("cameo/", views.my_cameo, name="mine"),
    path("cameo/verify/", views.verify, name="verify"),
    path("cameo/characters/new/", views.character_new, name="character_new"),
    path("cameo/appearances/", views.appearances, name="appearances"),
    path(
        "cameo/appearances/<public_id:video_public_id>/delete/",
        views.appearance_delete,
        name="appearance_delete",
    ),
    path("cameo/verification/<int:attempt_id>/clip/", views.verification_clip, name="clip"),
    path("cameo/<int:cameo_id>/", views.cameo_manage, name="manage"),
    path("cameo/<int:cameo_id>/settings/", views.cameo_settings, name="settings"),
    path("cameo/<int:cameo_id>/delete/", views.cameo_delete, name="delete"),
    path("cameo/<int:cameo_id>/request/", views.request_access, name="request"),
    path("cameo/<int:cameo_id>/blocks/", views.block_add, name="block_add"),
    path(
        "cameo/<int:cameo_id>/blocks/<int:user_id>/remove/",
        views.block_remove,
        name="block_remove",
    ),
    path(
        "cameo/<int:cameo_id>/grants/<int:grant_id>/<slug:action>/",
        views.grant_decide,
        name="grant",
    ),
    path("cameos/available/", views.available, name="available"),
]
