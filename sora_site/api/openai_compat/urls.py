"""/v1/: the OpenAI-compatible Videos API."""

from __future__ import annotations

from django.urls import path, re_path

from sora_site.api.openai_compat import views
from sora_site.api.openai_compat.errors import openai_not_found

app_name = "openai_compat"

urlpatterns = [
    path("videos", views.VideosView.as_view(), name="videos"),
    path("videos/edits", views.VideoEditView.as_view(), name="edits"),
    path("videos/extensions", views.VideoExtensionView.as_view(), name="extensions"),
    path("videos/characters", views.CharactersView.as_view(), name="characters"),
    path(
        "videos/characters/<str:character_id>",
        views.CharacterDetailView.as_view(),
        name="character",
    ),
    path("videos/<public_id:video_id>", views.VideoDetailView.as_view(), name="video"),
    path("videos/<public_id:video_id>/content", views.VideoContentView.as_view(), name="content"),
    path("videos/<public_id:video_id>/remix", views.VideoRemixView.as_view(), name="remix"),
    # Anything else, an id outside the public-id alphabet included: OpenAI's 404 shape.
    re_path(r"^[\s\S]*$", openai_not_found, name="not_found"),
]
