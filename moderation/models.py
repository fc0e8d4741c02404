"""Moderation data: decisions on texts, reports, cases, actions, restrictions, standing, appeals
and an append-only audit log.

Targets are generic (content type + object id) so videos, comments (later) and accounts can all
be reported and acted on without this app importing them. Every write goes through
`moderation.records` / `moderation.services`; nothing here holds rules except the audit log's
refusal to change.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from moderation import policy


class TextContext(models.TextChoices):
    PROMPT = "prompt", "Prompt"
    REMIX = "remix", "Remix prompt"
    CAPTION = "caption", "Caption"
    DIALOGUE = "dialogue", "Dialogue"
    COMMENT = "comment", "Comment"
    REPORT = "report", "Report note"


class ModerationDecisionRecord(models.Model):
    """A text that was blocked or sent to review (allowed texts are not stored)."""

    class Verdict(models.TextChoices):
        BLOCK = "block", "Blocked"
        REVIEW = "review", "Review"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_decisions",
    )
    context = models.CharField(max_length=20, choices=TextContext.choices)
    text = models.TextField(max_length=4000)
    text_hash = models.CharField(max_length=64, db_index=True)
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    category = models.CharField(max_length=30, choices=policy.CATEGORY_CHOICES)
    score = models.FloatField(default=0.0)
    reason = models.CharField(max_length=500)
    matched = models.JSONField(default=list, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "-created"], name="moddecision_user_created")]

    def __str__(self) -> str:
        return f"{self.verdict} {self.category} ({self.context})"


class Case(models.Model):
    class OpenedBy(models.TextChoices):
        OUTPUT_CHECK = "output_check", "Output check"
        REPORTS = "reports", "Reports"
        PROMPT_REVIEW = "prompt_review", "Prompt review"
        ZERO_TOLERANCE = "zero_tolerance", "Zero-tolerance flag"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    # The person whose content or account this is (owner of a video, the account itself).
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_cases",
    )
    opened_by = models.CharField(max_length=20, choices=OpenedBy.choices)
    category = models.CharField(max_length=30, choices=policy.CATEGORY_CHOICES, blank=True)
    severity = models.PositiveSmallIntegerField(default=int(policy.Severity.MEDIUM))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    scores = models.JSONField(default=dict, blank=True)
    summary = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-severity", "created", "id"]
        indexes = [
            models.Index(fields=["status", "-severity", "created"], name="modcase_queue"),
            models.Index(fields=["content_type", "object_id"], name="modcase_target"),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}: {self.get_opened_by_display()} ({self.status})"

    @property
    def severity_label(self) -> str:
        try:
            return policy.Severity(self.severity).name.title()
        except ValueError:
            return str(self.severity)


class Report(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RESOLVED = "resolved", "Resolved"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_reports"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(max_length=30, choices=policy.REPORT_REASON_CHOICES)
    note = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    created = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                condition=Q(status="pending"),
                name="modreport_one_pending_per_target",
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "status"], name="modreport_target")
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.reason}, {self.status})"


class ModerationAction(models.Model):
    class Kind(models.TextChoices):
        DISMISS = "dismiss", "Dismiss"
        REMOVE = "remove", "Remove content"
        LIMIT = "limit", "Limit (hide from feed)"
        WARN = "warn", "Warn"
        STRIKE = "strike", "Strike"
        SUSPEND = "suspend", "Suspend"
        BAN = "ban", "Ban"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    action = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField(max_length=1000)
    duration = models.DurationField(null=True, blank=True)
    # What the action changed, so an overturned appeal can put it back.
    data = models.JSONField(default=dict, blank=True)
    overturned = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["target_user", "-created"], name="modaction_user")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (case {self.case_id})"


class ContentRestriction(models.Model):
    """Why a target is hidden: limited or removed by a moderator, or hidden by reports."""

    class Kind(models.TextChoices):
        LIMITED = "limited", "Limited (hidden from feed)"
        REMOVED = "removed", "Removed"
        REPORTED = "reported", "Hidden pending review (reports)"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    active = models.BooleanField(default=True)
    action = models.ForeignKey(
        ModerationAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["content_type", "active", "object_id"], name="modrestr_active")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.content_type_id}:{self.object_id}"


class AccountStanding(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_standing"
    )
    warnings = models.PositiveIntegerField(default=0)
    strikes = models.PositiveIntegerField(default=0)
    suspended_until = models.DateTimeField(null=True, blank=True)
    banned = models.BooleanField(default=False)
    # Zero-tolerance flag: set by the prompt check, cleared only by a moderator.
    flagged = models.BooleanField(default=False)
    flagged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"standing of {self.user_id}"

    @property
    def is_suspended(self) -> bool:
        return self.banned or (
            self.suspended_until is not None and self.suspended_until > timezone.now()
        )


class Appeal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        UPHELD = "upheld", "Upheld (decision stands)"
        OVERTURNED = "overturned", "Overturned"

    # One appeal per action, enforced by the database.
    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="appeal")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_appeals"
    )
    text = models.TextField(max_length=2000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(max_length=1000, blank=True)
    created = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"Appeal {self.pk} ({self.status})"


class AuditLogImmutable(Exception):
    """Raised on any attempt to change or delete an audit log entry."""


class AuditLogQuerySet(models.QuerySet["AuditLogEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogImmutable("Audit log entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutable("Audit log entries cannot be deleted.")


class AuditLogEntry(models.Model):
    """Append-only: who did what to what, why, and when.

    Refused at three levels: here (save of an existing row, delete, queryset update/delete),
    in admin (no change or delete permission), and on PostgreSQL by a trigger (migration 0002).
    The actor is kept as an id and a name without a database constraint, so deleting an
    account never rewrites the log.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_repr = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=40)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    objects: ClassVar[models.Manager[AuditLogEntry]] = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AuditLogImmutable("Audit log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutable("Audit log entries cannot be deleted.")
