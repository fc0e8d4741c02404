"""Videos and the jobs that generate them.

A `Video` is born as a draft together with its `GenerationJob`; the job row is the source of
truth for progress (channel-layer events are at-most-once, the row is not). Every state change
goes through `videos.services` (the state machine lives there), never through `save()`.
"""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast, Concat
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

PUBLIC_ID_BYTES = 8  # 11 url-safe characters


def new_public_id() -> str:
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


def new_watermark_id() -> int:
    """A 48-bit number for the invisible watermark; 0 is kept for "none"."""
    return secrets.randbits(48) or 1


class ByteOrder(models.Func):
    """`expression` compared byte by byte, whatever the database's collation: a remix tree's
    depth-first order needs "/" before the digits, which language collations ignore."""

    arity = 1

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, Any]:
        # SQLite compares text byte by byte (BINARY) unless told otherwise.
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f'({sql}) COLLATE "C"', params


class Video(models.Model):
    class Status(models.TextChoices):
        DRAFT_GENERATING = "draft_generating", "Generating"
        DRAFT_READY = "draft_ready", "Draft ready"
        DRAFT_FAILED = "draft_failed", "Failed"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        REMOVED = "removed", "Removed"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Everyone"
        FOLLOWERS = "followers", "Followers only"

    DRAFT_STATUSES = (Status.DRAFT_GENERATING, Status.DRAFT_READY, Status.DRAFT_FAILED)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos"
    )
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    watermark_id = models.BigIntegerField(unique=True, default=new_watermark_id, editable=False)

    prompt = models.TextField(max_length=2000)
    duration = models.PositiveSmallIntegerField(default=10, help_text="Requested length (s).")
    aspect = models.CharField(max_length=5, default="9:16")
    resolution = models.PositiveSmallIntegerField(default=720, help_text="Short side (px).")
    style = models.CharField(max_length=20, blank=True, help_text="Empty: the director chooses.")
    camera = models.CharField(max_length=20, blank=True, help_text="Empty: the director chooses.")
    seed = models.BigIntegerField(default=0)
    plan = models.JSONField(default=dict, blank=True)

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT_GENERATING, db_index=True
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    caption = models.CharField(max_length=500, blank=True)

    # Names are made by the worker (videos/<public_id>/<random>.mp4), never taken from input.
    video_file = models.FileField(max_length=200, blank=True)
    poster_file = models.FileField(max_length=200, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    length_seconds = models.FloatField(default=0.0, help_text="Measured length of the file.")

    allow_remix = models.BooleanField(default=True)
    # The owner's choice: a "Download" of the published MP4 as stored (watermark and C2PA kept).
    allow_download = models.BooleanField(default=True)
    # Marked by the owner at publish or by a moderator: never shown to teens (nor to signed-out
    # visitors, whose age is unknown).
    adult_only = models.BooleanField(default=False)
    # Cameos (cameos.Cameo ids) whose likeness this video uses; consent is re-checked by id when
    # the job runs and at publish, so a revoked or deleted cameo stops the video there.
    cameo_ids = models.JSONField(default=list, blank=True)
    # A remix: the edit in plain words applied to the parent's plan (prompt stays the parent's).
    remix_edit = models.TextField(max_length=600, blank=True)
    # Cameos of the parent a remix could not keep because their owners withdrew them (deleted
    # the cameo): the person is drawn without a likeness, and the draft says so.
    cameos_left_out = models.PositiveSmallIntegerField(default=0)
    # Remix lineage: `lineage_path` lists the ancestors' ids from the root, each followed by "/";
    # `tree_path` adds the video's own id, so its descendants are the paths that start with its
    # own, and in byte order they come depth first (a page of them is one index range read).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="remixes"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="descendants"
    )
    depth = models.PositiveIntegerField(default=0)
    lineage_path = models.CharField(max_length=2400, blank=True)
    tree_path = models.GeneratedField(
        expression=Concat("lineage_path", Cast("id", models.CharField()), models.Value("/")),
        output_field=models.CharField(max_length=2420),
        db_persist=True,
    )
    # Kept by videos.services.lineage_counts when a remix is created or deleted (whatever its
    # status: the tree lists every node, unavailable ones included), so no page counts a subtree.
    descendant_count = models.PositiveIntegerField(default=0)
    remix_count = models.PositiveIntegerField(default=0, help_text="Direct remixes.")

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "status", "-created_at"], name="video_owner_status"),
            models.Index(fields=["status", "-published_at"], name="video_published"),
            models.Index(ByteOrder("tree_path"), name="video_tree_path"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"

    @property
    def ancestor_ids(self) -> list[int]:
        """The ids in `lineage_path`, root first (some may be deleted videos)."""
        return [int(part) for part in self.lineage_path.split("/") if part]

    @property
    def is_draft(self) -> bool:
        return self.status in self.DRAFT_STATUSES

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def open_to_everyone(self) -> bool:
        """Anyone may watch it, signed in or not: what shared caches, link previews and embeds
        may carry. The creator's account standing is checked by the selectors, not here."""
        return (
            self.is_published and self.visibility == self.Visibility.PUBLIC and not self.adult_only
        )


class GenerationJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    FINAL_STATUSES = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    video = models.OneToOneField(Video, on_delete=models.CASCADE, related_name="job")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_jobs"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    stage = models.CharField(max_length=20, blank=True)
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=200, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    # Which worker run holds the job ("host:pid:random"); the final write checks it is still us.
    worker_id = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    enqueued_at = models.DateTimeField(default=timezone.now)
    # The broker did not answer when this job was to be handed over: the recovery pass sends it
    # as soon as the broker is back (videos.services.sweeper.jobs_enqueue_pending).
    enqueue_pending = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "status"], name="job_owner_status"),
            models.Index(fields=["owner", "created_at"], name="job_owner_created"),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.status}, {self.progress:.0%})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class GenerationCharge(models.Model):
    """One generation taken from its owner's daily quota: a new video, a remix or a retry.

    The quota counts these rows, not jobs, because a job goes when its draft is deleted and a
    retry reuses its job; a charge outlives both (job SET_NULL), so neither can give a
    generation back. Written in the same transaction as the job it pays for."""

    class Kind(models.TextChoices):
        NEW = "new", "New video"
        REMIX = "remix", "Remix"
        RETRY = "retry", "Retry"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_charges"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    job = models.ForeignKey(
        GenerationJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="charges"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="charge_user_created")]

    def __str__(self) -> str:
        return f"{self.kind} by user {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"


class VerifyCheck(models.Model):
    """A Verify upload too large to check inside the request.

    The file waits in VERIFY_SPOOL_DIR under this row's id until a worker checks it and deletes
    it; the findings (no media, no file name) stay for VERIFY_RESULT_SECONDS so the person who
    uploaded it can read them at /verify/<id>. The id is a random UUID: knowing it is the only
    way to the findings.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Checking"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    findings = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"verify {self.id} ({self.status})"
