from __future__ import annotations

from django.urls import path

from videos import remix_views, views

app_name = "videos"

urlpatterns = [
    path("create/", views.create, name="create"),
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/<str:public_id>/card", views.draft_card, name="draft_card"),
    path("drafts/<str:public_id>/cancel", views.draft_cancel, name="cancel"),
    path("drafts/<str:public_id>/retry", views.draft_retry, name="retry"),
    path("drafts/<str:public_id>/delete", views.draft_delete, name="delete"),
    path("drafts/<str:public_id>/publish", views.draft_publish, name="publish"),
    path("drafts/<str:public_id>/unpublish", views.video_unpublish, name="unpublish"),
    path("v/<str:public_id>/", views.video_page, name="video"),
    path("v/<str:public_id>/remix", remix_views.remix, name="remix"),
    path("v/<str:public_id>/remix-setting", remix_views.remix_setting, name="remix_setting"),
    path("v/<str:public_id>/lineage", remix_views.lineage, name="lineage"),
    path("media/v/<str:public_id>/video", views.media_video, name="media_video"),
    path("media/v/<str:public_id>/poster", views.media_poster, name="media_poster"),
]
