"""Reactions, views and the viewer's steering of the feed.

Counters live in `VideoStats` (one row per published video, updated with F() expressions) rather
than on `Video`, so the feed owns its hot rows and the videos app stays unaware of the feed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class VideoStats(models.Model):
    video = models.OneToOneField(
        "videos.Video", on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    likes = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    views = models.PositiveIntegerField(default=0)
    watch_seconds = models.FloatField(default=0.0)
    remixes = models.PositiveIntegerField(default=0)
    # The prompt's sentence embedding (float32 bytes), filled lazily for steering.
    embedding = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "video stats"
        indexes = [models.Index(fields=["-likes"], name="stats_popular")]

    def __str__(self) -> str:
        return f"stats for video {self.video_id}"


class Like(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "video"], name="like_once")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.video_id}"


class Comment(models.Model):
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["video", "-created_at"], name="comment_video_recent")]

    def __str__(self) -> str:
        return f"comment {self.pk} on video {self.video_id}"


class ViewEvent(models.Model):
    """One viewing of a video by a signed-in viewer; `watch_seconds` grows as they keep watching."""

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="+")
    watch_seconds = models.FloatField(default=0.0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["viewer", "video", "created_at"], name="view_viewer_video")]

    def __str__(self) -> str:
        return f"{self.viewer_id} watched {self.video_id} for {self.watch_seconds:.0f} s"


class FeedPreference(models.Model):
    """What the viewer asked for in plain words, and their embeddings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_preference"
    )
    text = models.CharField(max_length=300, blank=True)
    more_of = models.JSONField(default=list, blank=True)  # phrases to boost
    less_of = models.JSONField(default=list, blank=True)  # phrases to demote
    more_embedding = models.BinaryField(null=True, blank=True, editable=False)
    less_embedding = models.BinaryField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"feed preference of {self.user_id}"


class SeeLess(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "video"], name="see_less_once")]

    def __str__(self) -> str:
        return f"{self.user_id} sees less like {self.video_id}"


class FeedDay(models.Model):
    """A viewer's day in the feed: how many distinct videos they watched (the teen daily cap
    counts these). Each counted video has a `FeedDayVideo` row, so it counts once a day however
    often it is watched; the count stays when a watched video is deleted later."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    watched = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="feed_day_once"),
            models.CheckConstraint(condition=Q(watched__gte=0), name="feed_day_watched_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watched {self.watched} on {self.day}"


class FeedDayVideo(models.Model):
    """A video counted in a viewer's day; unique, so two reports at once count it once."""

    feed_day = models.ForeignKey(FeedDay, on_delete=models.CASCADE, related_name="videos")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feed_day", "video"], name="feed_day_video_once")
        ]

    def __str__(self) -> str:
        return f"video {self.video_id} counted in feed day {self.feed_day_id}"
