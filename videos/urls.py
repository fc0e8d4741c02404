from __future__ import annotations

from django.urls import path

from videos import remix_views, share_views, views

app_name = "videos"

urlpatterns = [
    path("create/", views.create, name="create"),
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/<public_id:public_id>/card", views.draft_card, name="draft_card"),
    path("drafts/<public_id:public_id>/cancel", views.draft_cancel, name="cancel"),
    path("drafts/<public_id:public_id>/retry", views.draft_retry, name="retry"),
    path("drafts/<public_id:public_id>/delete", views.draft_delete, name="delete"),
    path("drafts/<public_id:public_id>/publish", views.draft_publish, name="publish"),
    path("drafts/<public_id:public_id>/unpublish", views.video_unpublish, name="unpublish"),
    path("v/<public_id:public_id>/", views.video_page, name="video"),
    path("v/<public_id:public_id>/remix", remix_views.remix, name="remix"),
    path("v/<public_id:public_id>/settings", views.video_settings, name="settings"),
    path("v/<public_id:public_id>/download", share_views.video_download, name="download"),
    path("embed/<public_id:public_id>/", share_views.video_embed, name="embed"),
    path("oembed", share_views.oembed, name="oembed"),
    path("v/<public_id:public_id>/lineage", remix_views.lineage, name="lineage"),
    path("media/v/<public_id:public_id>/video", views.media_video, name="media_video"),
    path("media/v/<public_id:public_id>/poster", views.media_poster, name="media_poster"),
]
