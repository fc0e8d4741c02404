from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from videos.models import GenerationCharge, GenerationJob, Video
from videos.services import videos_adult_only_set


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
    list_display = [
        "public_id",
        "owner",
        "status",
        "visibility",
        "adult_only",
        "duration",
        "created_at",
    ]
    list_filter = ["status", "visibility", "adult_only"]
    actions = ["mark_adult_only", "clear_adult_only"]
    search_fields = ["public_id", "prompt", "caption", "owner__handle"]
    raw_id_fields = ["owner", "parent", "root"]
    readonly_fields = ["public_id", "watermark_id", "plan", "video_file", "poster_file"]
    inlines = [GenerationJobInline]
    list_select_related = ["owner"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # videos come from generation requests, through the services

    def get_readonly_fields(self, request: HttpRequest, obj: Video | None = None) -> list[str]:
        # Moderators hold "change" only to run the actions above and the case actions, which go
        # through the services (audit trail, notifications); the raw form stays read-only.
        if request.user.is_superuser:
            return list(self.readonly_fields)
        return [field.name for field in Video._meta.concrete_fields]

    @admin.action(description="Mark as adult-only (hidden from teens)", permissions=["change"])
    def mark_adult_only(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        self._adult_only_set(request, queryset, adult_only=True)

    @admin.action(description="Clear the adult-only mark", permissions=["change"])
    def clear_adult_only(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        self._adult_only_set(request, queryset, adult_only=False)

    def _adult_only_set(
        self, request: HttpRequest, queryset: QuerySet[Video], *, adult_only: bool
    ) -> None:
        changed = videos_adult_only_set(
            moderator=request.user,  # type: ignore[arg-type]
            video_ids=list(queryset.values_list("pk", flat=True)),
            adult_only=adult_only,
        )
        self.message_user(request, f"{changed} video(s) changed.", messages.SUCCESS)


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


@admin.register(GenerationCharge)
class GenerationChargeAdmin(admin.ModelAdmin):
    """The quota ledger. Read-only, except that an operator may delete a charge to give a
    generation back (say, after an outage failed people's jobs)."""

    list_display = ["created_at", "user", "kind", "job"]
    list_filter = ["kind"]
    search_fields = ["user__handle", "job__public_id"]
    list_select_related = ["user", "job"]
    raw_id_fields = ["user", "job"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False
