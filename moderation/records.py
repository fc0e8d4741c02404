"""Low-level moderation writes that never import videos or feed.

`moderation.gate` (called by videos) builds on these, and so does `moderation.services` (which
sits on top and may import videos). Keeping them here means videos -> moderation.gate ->
moderation.records -> moderation.models never loops back into videos.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from moderation import policy
from moderation.classifier import ModerationDecision
from moderation.models import (
    AccountStanding,
    AuditLogEntry,
    Case,
    ContentRestriction,
    ModerationDecisionRecord,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def target_repr(target: models.Model | None) -> str:
    if target is None:
        return "(deleted)"
    return f"{target._meta.label} {target.pk}: {str(target)[:200]}"


def owner_of(target: models.Model) -> User | None:
    """The person a target belongs to: the account itself, or its `owner`/`author`/`user`."""
    from accounts.models import User

    if isinstance(target, User):
        return target
    for attr in ("owner", "author", "user"):
        value = getattr(target, attr, None)
        if isinstance(value, User):
            return value
    return None


def audit_write(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditLogEntry:
    entry = AuditLogEntry(
        actor=actor,
        actor_repr=str(actor) if actor is not None else "system",
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=target_repr(target) if target is not None else "",
        reason=reason,
        data=data or {},
    )
    entry.save()
    return entry


def notify(*, recipient: User | None, text: str, url: str = "") -> None:
    """Tell a person about a decision through the accounts notification service, if present."""
    if recipient is None:
        return
    try:
        from accounts.services import notification_send
    except ImportError:
        logger.info("moderation.notify.unavailable", extra={"user_id": recipient.pk})
        return
    notification_send(recipient=recipient, kind="moderation", text=text[:300], url=url)


def standing_for(user: User, *, lock: bool = False) -> AccountStanding:
    qs = AccountStanding.objects.select_for_update() if lock else AccountStanding.objects
    standing, _ = qs.get_or_create(user=user)
    return standing


def restriction_set(*, target: models.Model, kind: str, action: Any = None) -> ContentRestriction:
    ct = ContentType.objects.get_for_model(target)
    existing = ContentRestriction.objects.filter(
        content_type=ct, object_id=target.pk, kind=kind, active=True
    ).first()
    if existing is not None:
        return existing
    return ContentRestriction.objects.create(
        content_type=ct, object_id=target.pk, kind=kind, active=True, action=action
    )


def restriction_lift(*, target: models.Model, kinds: tuple[str, ...]) -> int:
    ct = ContentType.objects.get_for_model(target)
    return ContentRestriction.objects.filter(
        content_type=ct, object_id=target.pk, kind__in=kinds, active=True
    ).update(active=False, lifted_at=timezone.now())


def case_open(
    *,
    target: models.Model,
    opened_by: str,
    category: str = "",
    scores: dict[str, Any] | None = None,
    summary: str = "",
    severity: int | None = None,
) -> Case:
    """Open a case on a target, or return (and escalate) the one already open."""
    ct = ContentType.objects.get_for_model(target)
    sev = int(severity if severity is not None else policy.severity_of(category))
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .filter(content_type=ct, object_id=target.pk, status=Case.Status.OPEN)
            .first()
        )
        if case is not None:
            fields = []
            if sev > case.severity:
                case.severity, case.category = sev, category or case.category
                fields += ["severity", "category"]
            if scores:
                case.scores = {**case.scores, **scores}
                fields.append("scores")
            if fields:
                case.save(update_fields=fields)
            return case
        case = Case.objects.create(
            content_type=ct,
            object_id=target.pk,
            subject_user=owner_of(target),
            opened_by=opened_by,
            category=category,
            severity=sev,
            scores=scores or {},
            summary=summary[:4000],
        )
    audit_write(
        actor=None,
        action="case.open",
        target=target,
        reason=f"{case.get_opened_by_display()}: {category or 'unspecified'}",
        data={"case": case.pk, "severity": sev},
    )
    return case


def case_open_for_output(
    video: models.Model,
    scores: dict[str, Any],
    *,
    category: str = policy.SEXUAL,
    opened_by: str = Case.OpenedBy.OUTPUT_CHECK,
) -> Case:
    """A generated video was held by the output check (or its prompt needs review)."""
    return case_open(
        target=video,
        opened_by=opened_by,
        category=category,
        scores=scores,
        summary=str(getattr(video, "prompt", ""))[:4000],
    )


def decision_record(
    *, user: User | None, text: str, decision: ModerationDecision
) -> ModerationDecisionRecord | None:
    """Store a block/review decision; a zero-tolerance one also flags the account and opens a
    case on it at once."""
    if decision.allowed:
        return None
    record = ModerationDecisionRecord.objects.create(
        user=user,
        context=decision.context if decision.context in dict(_contexts()) else "prompt",
        text=text[:4000],
        text_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        verdict=decision.verdict,
        category=decision.category,
        score=decision.score,
        reason=decision.reason[:500],
        matched=list(decision.matched),
        scores=dict(decision.scores),
    )
    logger.info(
        "moderation.prompt.decision",
        extra={
            "verdict": decision.verdict,
            "category": decision.category,
            "user_id": getattr(user, "pk", None),
            "record_id": record.pk,
        },
    )
    if decision.flag_account and user is not None:
        account_flag(user=user, record=record)
    return record


def _contexts() -> list[tuple[str, str]]:
    from moderation.models import TextContext

    return list(TextContext.choices)


def account_flag(*, user: User, record: ModerationDecisionRecord) -> Case:
    with transaction.atomic():
        standing = standing_for(user, lock=True)
        if not standing.flagged:
            standing.flagged, standing.flagged_at = True, timezone.now()
            standing.save(update_fields=["flagged", "flagged_at"])
    case = case_open(
        target=user,
        opened_by=Case.OpenedBy.ZERO_TOLERANCE,
        category=policy.MINORS_SEXUAL,
        scores={"decision_record": record.pk, **record.scores},
        summary=f"Refused {record.context}: {record.text[:1000]}",
    )
    audit_write(
        actor=None,
        action="account.flag",
        target=user,
        reason=record.reason,
        data={"decision_record": record.pk, "case": case.pk},
    )
    return case
