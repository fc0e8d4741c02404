"""Representations of the API. Serializers shape data and check types only: every rule is in
the services they hand over to."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.templatetags.accounts_tags import avatar_url as avatar_path
from cameos.permissions import MAX_CAMEOS_PER_VIDEO
from sora_site.api.endpoints.base import MAX_DB_INT
from sora_site.api.scopes import SCOPES
from sora_site.api.webhooks import EVENTS
from videos import options
from videos.models import GenerationJob, Video

# How many cameo ids one request may carry (duplicates included); the service allows
# MAX_CAMEOS_PER_VIDEO distinct ones.
MAX_CAMEO_IDS_SENT = 10


def _absolute(context: dict[str, Any], path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def avatar_url(context: dict[str, Any], user: Any) -> str | None:
    path = avatar_path(user)
    return _absolute(context, path) if path else None


class MeSerializer(serializers.Serializer):
    handle = serializers.CharField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    bio = serializers.CharField()
    avatar_url = serializers.SerializerMethodField()
    is_teen = serializers.BooleanField()
    date_joined = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_avatar_url(self, user: Any) -> str | None:
        return avatar_url(self.context, user)


class ProfileSerializer(serializers.Serializer):
    handle = serializers.CharField()
    display_name = serializers.CharField()
    bio = serializers.CharField()
    avatar_url = serializers.SerializerMethodField()
    followers = serializers.IntegerField()
    following = serializers.IntegerField()
    is_following = serializers.BooleanField(help_text="Whether you follow this person.")
    profile_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_avatar_url(self, data: dict[str, Any]) -> str | None:
        return avatar_url(self.context, data["user"])

    @extend_schema_field(serializers.CharField())
    def get_profile_url(self, data: dict[str, Any]) -> str:
        return _absolute(
            self.context, reverse("accounts:profile", kwargs={"handle": data["handle"]})
        )


class VideoLinksSerializer(serializers.Serializer):
    page = serializers.CharField(allow_null=True)
    video = serializers.CharField(allow_null=True, help_text="MP4 (H.264 + AAC), Range-capable.")
    poster = serializers.CharField(allow_null=True, help_text="JPEG poster image.")
    download = serializers.CharField(
        allow_null=True,
        help_text="The MP4 as an attachment named after the caption; null when downloads are off.",
    )


class VideoSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    owner = serializers.CharField(source="owner.handle")
    prompt = serializers.CharField()
    caption = serializers.CharField()
    status = serializers.ChoiceField(choices=Video.Status.choices)
    visibility = serializers.ChoiceField(choices=Video.Visibility.choices)
    duration = serializers.IntegerField()
    aspect = serializers.CharField()
    resolution = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    length_seconds = serializers.FloatField()
    allow_remix = serializers.BooleanField()
    allow_download = serializers.BooleanField()
    adult_only = serializers.BooleanField(help_text="Hidden from teens and signed-out visitors.")
    created_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    links = serializers.SerializerMethodField()

    @extend_schema_field(VideoLinksSerializer)
    def get_links(self, video: Video) -> dict[str, str | None]:
        def link(name: str, present: bool) -> str | None:
            if not present:
                return None
            return _absolute(self.context, reverse(name, kwargs={"public_id": video.public_id}))

        request = self.context.get("request")
        is_owner = request is not None and request.user.pk == video.owner_id
        downloadable = is_owner or (video.is_published and video.allow_download)
        return {
            "page": link("videos:video", video.is_published),
            "video": link("videos:media_video", bool(video.video_file)),
            "poster": link("videos:media_poster", bool(video.poster_file)),
            "download": link("videos:download", bool(video.video_file) and downloadable),
        }


class FeedItemSerializer(serializers.Serializer):
    video = VideoSerializer()
    reason = serializers.CharField(help_text="Why it is here: a machine-readable reason.")
    why = serializers.CharField(help_text='"Why am I seeing this", in words.')
    suggested = serializers.BooleanField()
    liked = serializers.BooleanField()


class FeedPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True, help_text="URL of the next page, or null.")
    results = FeedItemSerializer(many=True)
    capped = serializers.BooleanField(help_text="A teen reached today's limit of the feed.")
    remaining_today = serializers.IntegerField(
        allow_null=True,
        help_text="Teens only: how many more distinct videos they may watch today (a video "
        "counts once a view report says it played for FEED_WATCHED_SECONDS, 2 s by default, or "
        "its whole length if shorter). Null for adults.",
    )


class ViewReportSerializer(serializers.Serializer):
    watch_seconds = serializers.FloatField(
        min_value=0, help_text="How long the video really played while on screen, in seconds."
    )


class ViewReportedSerializer(serializers.Serializer):
    remaining_today = serializers.IntegerField(
        allow_null=True, help_text="Teens only, as in the feed; null for adults."
    )


class PublishSerializer(serializers.Serializer):
    caption = serializers.CharField(required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(
        choices=Video.Visibility.choices, required=False, default=Video.Visibility.PUBLIC
    )
    adult_only = serializers.BooleanField(
        required=False, default=False, help_text="Hide it from teens and signed-out visitors."
    )
    allow_remix = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Let others remix it; left out, the draft's setting stays (off for teens).",
    )


class VideoSettingsSerializer(serializers.Serializer):
    allow_remix = serializers.BooleanField(required=False, help_text="Let others remix this video.")
    allow_download = serializers.BooleanField(
        required=False, help_text="Let viewers download the MP4 (watermark and C2PA kept)."
    )

    def validate(self, attrs: dict[str, bool]) -> dict[str, bool]:
        if not attrs:
            raise serializers.ValidationError("Send allow_remix, allow_download or both.")
        return attrs


class GenerationCreateSerializer(serializers.Serializer):
    prompt = serializers.CharField(
        allow_blank=True, help_text=f"What should happen (at most {options.MAX_PROMPT_CHARS})."
    )
    duration = serializers.ChoiceField(
        choices=list(options.DURATIONS), required=False, help_text="Seconds."
    )
    aspect = serializers.ChoiceField(choices=list(options.ASPECTS), required=False)
    resolution = serializers.ChoiceField(
        choices=list(options.RESOLUTIONS), required=False, help_text="Short side in pixels."
    )
    style = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=f"One of {', '.join(options.STYLES)}, or empty/auto for the director's choice.",
    )
    camera = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=f"One of {', '.join(options.CAMERAS)}, or empty/auto.",
    )
    seed = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=options.MAX_SEED
    )
    cameo_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_DB_INT),
        required=False,
        # A bound on the body only: the limit of distinct cameos is the service's, after
        # duplicates and @mentions are merged, exactly as on the Create page.
        max_length=MAX_CAMEO_IDS_SENT,
        help_text=f"Cameos to put in the video: ids from `GET /cameos/available`. At most "
        f"{MAX_CAMEOS_PER_VIDEO} distinct cameos in all, counting owners @mentioned in the "
        "prompt (a cameo both picked and mentioned counts once). Each is checked for consent "
        "and its owner's restrictions: an unknown id is a 400 `no_cameo`, one you may not use "
        "a 403 with the reason, too many a 400 `too_many_cameos`; nothing is stored.",
    )


class GenerationSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    video_id = serializers.CharField(source="video.public_id")
    status = serializers.ChoiceField(choices=GenerationJob.Status.choices)
    stage = serializers.CharField(help_text="The engine stage running now (empty when queued).")
    progress = serializers.FloatField(help_text="0 to 1.")
    message = serializers.CharField()
    error_code = serializers.CharField()
    error_message = serializers.CharField()
    attempts = serializers.IntegerField()
    cancel_requested = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    video_id = serializers.CharField(source="video.public_id")
    author = serializers.CharField(source="author.handle")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class CommentCreateSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


class LikeSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    likes = serializers.IntegerField()


class FollowSerializer(serializers.Serializer):
    following = serializers.BooleanField()
    followers = serializers.IntegerField()


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=list(EVENTS)))
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="Shown once: verify signatures with it.")


class WebhookCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EVENTS)), min_length=1, max_length=len(EVENTS)
    )


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.CharField()
    event_id = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    response_status = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


SCOPE_CHOICES = list(SCOPES)
