from __future__ import annotations

from django.contrib import admin

from videos.models import GenerationJob, Video


class GenerationJobInline(admin.StackedInline):
    model = GenerationJob
    extra = 0
    can_delete = False
    readonly_fields = [
        "public_id",
        "status",
        "attempts",
        "max_attempts",
        "stage",
        "progress",
        "message",
        "error_code",
        "error_message",
        "timings",
        "worker_id",
        "heartbeat_at",
        "cancel_requested",
        "created_at",
        "enqueued_at",
        "started_at",
        "finished_at",
        "owner",
    ]


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["public_id", "owner", "status", "visibility", "duration", "created_at"]
    list_filter = ["status", "visibility"]
    search_fields = ["public_id", "prompt", "caption", "owner__handle"]
    raw_id_fields = ["owner", "parent", "root"]
    readonly_fields = ["public_id", "watermark_id", "plan", "video_file", "poster_file"]
    inlines = [GenerationJobInline]
    list_select_related = ["owner"]


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = [
        "public_id",
        "video",
        "owner",
        "status",
        "attempts",
        "stage",
        "progress",
        "heartbeat_at",
        "created_at",
    ]
    list_filter = ["status", "stage"]
    search_fields = ["public_id", "video__public_id", "owner__handle", "worker_id"]
    raw_id_fields = ["video", "owner"]
    list_select_related = ["video", "owner"]
    readonly_fields = GenerationJobInline.readonly_fields
