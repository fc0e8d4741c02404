"""Cameos: a person's verified likeness or a character, who may use it, and where it appeared.

Writes go through cameos.services, reads through cameos.selectors, the consent rules live in
cameos.permissions. The videos app is above this one: it is referred to by ids only.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Raw verification clips are deleted at the latest this long after they were uploaded.
CLIP_RETENTION = dt.timedelta(days=30)

# eSpeak NG voice names the engine speaks with (gen_engine.speech).
VOICE_CHOICES = [
    ("en-us", "American English, voice 1"),
    ("en-us+f3", "American English, higher voice"),
    ("en-us+f4", "American English, bright voice"),
    ("en+m2", "English, deeper voice"),
    ("en-us+m3", "American English, low voice"),
    ("en", "British English"),
]


class Cameo(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person (my likeness)"
        CHARACTER = "character", "Character (pet, object, drawing)"

    class Status(models.TextChoices):
        PENDING = "pending_verification", "Waiting for verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Verification rejected"
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Switched off"

    class Permission(models.TextChoices):
        ONLY_ME = "only_me", "Only me"
        APPROVED = "approved", "People I approve"
        MUTUALS = "mutuals", "Mutuals (we follow each other)"
        EVERYONE = "everyone", "Everyone"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cameos"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    display_name = models.CharField(max_length=60)
    status = models.CharField(max_length=24, choices=Status.choices)
    permission = models.CharField(
        max_length=10, choices=Permission.choices, default=Permission.ONLY_ME
    )
    # Written by the services from the owner's age whenever the cameo is saved through them; the
    # database then refuses "everyone" for a teen's cameo whoever writes the row. The live rule
    # (cameos.permissions) reads the owner's age itself, so a birthday never widens access.
    owner_is_teen = models.BooleanField(default=False)
    voice_preset = models.CharField(max_length=20, choices=VOICE_CHOICES, default="en-us")
    appearance_notes = models.TextField(max_length=500, blank=True)
    restrictions = models.TextField(max_length=1000, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=Q(kind="person"), name="cameo_one_person_per_owner"
            ),
            models.CheckConstraint(
                condition=~Q(owner_is_teen=True, permission="everyone"),
                name="cameo_teen_never_everyone",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["person", "character"]), name="cameo_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "permission"], name="cameo_status_perm")]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_kind_display()}) of {self.owner_id}"

    @property
    def is_usable(self) -> bool:
        return self.status in (Cameo.Status.VERIFIED, Cameo.Status.ACTIVE)


class CameoReference(models.Model):
    """A reference image the engine draws the likeness from: a face crop extracted from the
    approved verification clip, or a re-encoded character image. Server-made names only."""

    cameo = models.ForeignKey(Cameo, on_delete=models.CASCADE, related_name="references")
    file = models.FileField(max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cameo", "position", "id"]

    def __str__(self) -> str:
        return self.file.name


class VerificationAttempt(models.Model):
    class Status(models.TextChoices):
        AWAITING_REVIEW = "awaiting_review", "Awaiting review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    cameo = models.ForeignKey(Cameo, on_delete=models.CASCADE, related_name="attempts")
    # Blank once purged; the row stays as the record of the decision.
    clip = models.FileField(max_length=255, blank=True)
    clip_content_type = models.CharField(max_length=60, blank=True)
    purge_after = models.DateTimeField()
    clip_purged_at = models.DateTimeField(null=True, blank=True)
    challenge = models.JSONField(default=dict)
    checks = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_REVIEW)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [
            models.Index(fields=["status", "created"], name="cameo_attempt_queue"),
            models.Index(fields=["purge_after"], name="cameo_attempt_purge"),
        ]

    def __str__(self) -> str:
        return f"Verification {self.pk} of cameo {self.cameo_id} ({self.status})"


class CameoGrant(models.Model):
    """A request to use someone's cameo, and the owner's answer."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        REVOKED = "revoked", "Revoked"

    cameo = models.ForeignKey(Cameo, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cameo_grants"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    created = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cameo", "user"], name="cameo_grant_once"),
        ]
        indexes = [models.Index(fields=["user", "status"], name="cameo_grant_user_status")]

    def __str__(self) -> str:
        return f"{self.user_id} on cameo {self.cameo_id}: {self.status}"


class CameoBlock(models.Model):
    """The owner keeps one person away from one cameo (account-wide blocks in accounts are
    honoured as well, in both directions)."""

    cameo = models.ForeignKey(Cameo, on_delete=models.CASCADE, related_name="blocks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cameo_blocks"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cameo", "user"], name="cameo_block_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} blocked from cameo {self.cameo_id}"


class CameoAppearance(models.Model):
    """One video that used a cameo. The videos app writes it through
    `cameos.services.appearance_record`; the video is referred to by id (videos sits above)."""

    cameo = models.ForeignKey(Cameo, on_delete=models.CASCADE, related_name="appearances")
    video_id = models.BigIntegerField()
    video_public_id = models.CharField(max_length=64)
    video_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cameo", "video_id"], name="cameo_appearance_once"),
        ]
        indexes = [models.Index(fields=["video_id"], name="cameo_appearance_video")]

    def __str__(self) -> str:
        return f"cameo {self.cameo_id} in video {self.video_id}"
