"""/api/: version 1 endpoints, the OpenAPI schema and its docs pages."""

from __future__ import annotations

from django.urls import include, path, re_path

from sora_site.api.docs_views import RedocView, SchemaView, SwaggerView
from sora_site.api.endpoints import (
    cameos,
    feed,
    generations,
    moderation,
    remix,
    users,
    videos,
    webhooks,
)
from sora_site.api.errors import json_not_found

app_name = "api"

v1 = [
    path("me", users.MeView.as_view(), name="me"),
    path("users/<handle:handle>", users.UserView.as_view(), name="user"),
    path("users/<handle:handle>/videos", users.UserVideosView.as_view(), name="user_videos"),
    path("users/<handle:handle>/follow", users.FollowView.as_view(), name="follow"),
    path("videos", videos.VideoListView.as_view(), name="videos"),
    path("videos/<public_id:public_id>", videos.VideoDetailView.as_view(), name="video"),
    path("videos/<public_id:public_id>/publish", videos.VideoPublishView.as_view(), name="publish"),
    path(
        "videos/<public_id:public_id>/unpublish",
        videos.VideoUnpublishView.as_view(),
        name="unpublish",
    ),
    path("videos/<public_id:public_id>/like", videos.LikeView.as_view(), name="like"),
    path("videos/<public_id:public_id>/view", feed.ViewReportView.as_view(), name="view"),
    path("videos/<public_id:public_id>/remix", remix.RemixView.as_view(), name="remix"),
    path("videos/<public_id:public_id>/lineage", remix.LineageView.as_view(), name="lineage"),
    path("videos/<public_id:public_id>/comments", videos.CommentsView.as_view(), name="comments"),
    path("comments/<int:comment_id>", videos.CommentDetailView.as_view(), name="comment"),
    path(
        "generations",
        generations.GenerationListCreateView.as_view(),
        name="generations",
    ),
    path(
        "generations/<public_id:public_id>",
        generations.GenerationDetailView.as_view(),
        name="generation",
    ),
    path(
        "generations/<public_id:public_id>/cancel",
        generations.GenerationCancelView.as_view(),
        name="generation_cancel",
    ),
    path(
        "generations/<public_id:public_id>/retry",
        generations.GenerationRetryView.as_view(),
        name="generation_retry",
    ),
    path("feed", feed.FeedView.as_view(), name="feed"),
    path("cameos", cameos.CameoListView.as_view(), name="cameos"),
    path("cameos/appearances", cameos.CameoAppearancesView.as_view(), name="appearances"),
    path(
        "cameos/appearances/<public_id:video_id>",
        cameos.CameoAppearanceDeleteView.as_view(),
        name="appearance_delete",
    ),
    path("cameos/available", cameos.CameoAvailableView.as_view(), name="cameos_available"),
    path(
        "cameos/<int:cameo_id>/request-access",
        cameos.CameoRequestAccessView.as_view(),
        name="cameo_request_access",
    ),
    path("cameos/<int:cameo_id>", cameos.CameoDetailView.as_view(), name="cameo"),
    path("cameos/<int:cameo_id>/requests", cameos.CameoGrantListView.as_view(), name="grants"),
    *[
        path(
            f"cameos/<int:cameo_id>/requests/<int:grant_id>/{action}",
            cameos.CameoGrantDecideView.as_view(action=action),
            name=f"grant_{action}",
        )
        for action in ("approve", "deny", "revoke")
    ],
    path("reports", moderation.ReportView.as_view(), name="reports"),
    path("verify", moderation.VerifyView.as_view(), name="verify"),
    path("verify/<uuid:check_id>", moderation.VerifyCheckView.as_view(), name="verify-check"),
    path("webhooks", webhooks.WebhookListCreateView.as_view(), name="webhooks"),
    path("webhooks/<int:endpoint_id>", webhooks.WebhookDetailView.as_view(), name="webhook"),
    path(
        "webhooks/<int:endpoint_id>/deliveries",
        webhooks.WebhookDeliveriesView.as_view(),
        name="webhook_deliveries",
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^[\s\S]*$", json_not_found, name="not_found"),
]
