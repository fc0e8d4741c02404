"""Moderation reads: what is hidden, who is suspended, the queues, a person's decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from moderation.models import (
    AccountStanding,
    Appeal,
    Case,
    ContentRestriction,
    ModerationAction,
    ModerationDecisionRecord,
    Report,
)

if TYPE_CHECKING:
    from accounts.models import User


def restricted_ids(model: type[models.Model]) -> QuerySet[ContentRestriction, int]:
    """Ids of `model` rows hidden from the feed (limited, removed, or hidden by reports).

    A lazy values queryset, so `Video.objects.exclude(pk__in=restricted_ids(Video))` is one
    query with a subquery.
    """
    ct = ContentType.objects.get_for_model(model)
    return (
        ContentRestriction.objects.filter(content_type=ct, active=True)
        .values_list("object_id", flat=True)
        .distinct()
    )


def is_restricted(target: models.Model) -> bool:
    ct = ContentType.objects.get_for_model(target)
    return ContentRestriction.objects.filter(
        content_type=ct, object_id=target.pk, active=True
    ).exists()


def account_standing(user: User) -> AccountStanding | None:
    return AccountStanding.objects.filter(user=user).first()


def _standing_hides_account() -> models.Q:
    return models.Q(banned=True) | models.Q(suspended_until__gt=timezone.now())


def hidden_account_ids() -> QuerySet[AccountStanding, int]:
    """Ids of accounts whose content others must not see: banned, or suspended right now.

    A lazy values queryset, so `videos.exclude(owner_id__in=hidden_account_ids())` is one query
    with a subquery and a lifted ban or an expired suspension shows the content again by itself
    (nothing is written to the content rows).
    """
    return AccountStanding.objects.filter(_standing_hides_account()).values_list(
        "user_id", flat=True
    )


def account_is_suspended(user: User) -> bool:
    """Banned, or suspended until a time still in the future."""
    if user is None or not getattr(user, "pk", None):
        return False
    return AccountStanding.objects.filter(user=user).filter(_standing_hides_account()).exists()


def case_queue() -> QuerySet[Case]:
    """Open cases, worst first, then oldest first."""
    return (
        Case.objects.filter(status=Case.Status.OPEN)
        .select_related("content_type", "subject_user")
        .order_by("-severity", "created", "id")
    )


def pending_report_count(target: models.Model) -> int:
    ct = ContentType.objects.get_for_model(target)
    return (
        Report.objects.filter(content_type=ct, object_id=target.pk, status=Report.Status.PENDING)
        .values("reporter")
        .distinct()
        .count()
    )


def user_actions(user: User) -> QuerySet[ModerationAction]:
    """Decisions about this person (their content or account), newest first, with appeals."""
    return (
        ModerationAction.objects.filter(target_user=user)
        .exclude(action=ModerationAction.Kind.DISMISS)
        .select_related("case", "appeal")
        .order_by("-created", "-id")
    )


def user_refusals(user: User, *, limit: int = 50) -> QuerySet[ModerationDecisionRecord]:
    return ModerationDecisionRecord.objects.filter(user=user).order_by("-created", "-id")[:limit]


def user_history(user: User) -> dict[str, object]:
    """What a moderator sees about a person next to a case."""
    return {
        "standing": account_standing(user),
        "actions": list(
            ModerationAction.objects.filter(target_user=user).order_by("-created")[:20]
        ),
        "refusals": list(
            ModerationDecisionRecord.objects.filter(user=user).order_by("-created")[:20]
        ),
        "cases": Case.objects.filter(subject_user=user).count(),
        "reports_made": Report.objects.filter(reporter=user).count(),
    }


def appeal_queue() -> QuerySet[Appeal]:
    return Appeal.objects.filter(status=Appeal.Status.PENDING).select_related(
        "action", "action__case", "user"
    )
