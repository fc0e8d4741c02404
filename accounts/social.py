"""The social graph: who follows whom, and who blocked whom.

It lives on the ground floor because cameo permissions ("mutuals"), the feed and moderation all
need it, and apps may only import downwards. Writes go through these services; reads through the
selectors below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q

from sora_site.core.errors import ValidationFailed

if TYPE_CHECKING:
    from accounts.models import User


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_edges"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_edges"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "accounts"
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(
                condition=~Q(follower=models.F("followee")), name="follow_not_self"
            ),
        ]
        indexes = [models.Index(fields=["followee", "follower"], name="follow_reverse")]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"


class Block(models.Model):
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocking_edges"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by_edges"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "accounts"
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


# --- services ------------------------------------------------------------------------------------


def follow_create(*, follower: User, followee: User) -> Follow:
    if follower.pk == followee.pk:
        raise ValidationFailed("You cannot follow yourself.", code="follow_self")
    if is_blocked_between(follower, followee):
        raise ValidationFailed("You cannot follow this account.", code="blocked")
    try:
        with transaction.atomic():
            follow, _ = Follow.objects.get_or_create(follower=follower, followee=followee)
    except IntegrityError:  # a concurrent identical request won the race
        follow = Follow.objects.get(follower=follower, followee=followee)
    return follow


def follow_delete(*, follower: User, followee: User) -> None:
    Follow.objects.filter(follower=follower, followee=followee).delete()


def block_create(*, blocker: User, blocked: User) -> Block:
    """Blocking also removes the follow edges in both directions."""
    if blocker.pk == blocked.pk:
        raise ValidationFailed("You cannot block yourself.", code="block_self")
    with transaction.atomic():
        block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        Follow.objects.filter(
            Q(follower=blocker, followee=blocked) | Q(follower=blocked, followee=blocker)
        ).delete()
    return block


def block_delete(*, blocker: User, blocked: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


# --- selectors -----------------------------------------------------------------------------------


def is_following(follower: User, followee: User) -> bool:
    return Follow.objects.filter(follower=follower, followee=followee).exists()


def are_mutuals(a: User, b: User) -> bool:
    return Follow.objects.filter(Q(follower=a, followee=b) | Q(follower=b, followee=a)).count() == 2


def is_blocked_between(a: User, b: User) -> bool:
    """True when either has blocked the other: blocks are honoured in both directions."""
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()
