from django.contrib import admin

from feed.models import Comment, VideoStats


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "author", "video", "created_at", "text")
    search_fields = ("text", "author__handle", "video__public_id")
    list_select_related = ("author", "video")
    raw_id_fields = ("author", "video")
    date_hierarchy = "created_at"


@admin.register(VideoStats)
class VideoStatsAdmin(admin.ModelAdmin):
    list_display = ("video", "likes", "comments", "views", "remixes")
    readonly_fields = ("likes", "comments", "views", "watch_seconds", "remixes")
    raw_id_fields = ("video",)
    list_select_related = ("video",)
