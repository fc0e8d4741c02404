"""Moderation writes that sit on top: reports, moderator actions and appeals.

This module may import videos (it sits above it); videos itself only calls `moderation.gate`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from moderation import policy, records, selectors
from moderation.classifier import check_prompt
from moderation.models import (
    Appeal,
    Case,
    ContentRestriction,
    ModerationAction,
    Report,
)
from moderation.records import (
    audit_write,
    case_open,
    case_open_for_output,
    notify,
    owner_of,
    restriction_lift,
    restriction_set,
    standing_for,
)
from sora_site.core.errors import Conflict, NotFound, ValidationFailed
from sora_site.core.rate_limits import rate_limit_take

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

__all__ = [
    "action_apply",
    "appeal_create",
    "appeal_decide",
    "case_open_for_output",
    "check_prompt",
    "report_create",
]

Kind = ModerationAction.Kind
DEFAULT_SUSPENSION = dt.timedelta(days=7)


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def _appeals_url() -> str:
    return reverse("moderation:decisions")


# --- Reports -------------------------------------------------------------------------------------
def _rate_limit_take(user: User) -> None:
    """A fixed one-hour window per reporter."""
    limit = int(_setting("MODERATION_REPORTS_PER_HOUR", 10))
    rate_limit_take(
        key=f"moderation:reports:{user.pk}",
        limit=limit,
        window_seconds=3600,
        message=(
            f"You have sent {limit} reports in the last hour, the most we take. Thank you - "
            "please try again later."
        ),
        code="report_rate_limited",
    )


def report_create(*, reporter: User, target: models.Model, reason: str, note: str = "") -> Report:
    """Report a video, comment or account. Several distinct pending reports hide the target
    from the feed until a moderator decides (MODERATION_REPORT_HIDE_THRESHOLD)."""
    if reason not in dict(policy.REPORT_REASON_CHOICES):
        raise ValidationFailed("Choose which rule this breaks.", code="reason")
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationFailed("Keep the note under 1000 characters.", code="note")
    if owner_of(target) == reporter:
        raise ValidationFailed("You cannot report your own content.", code="own_content")
    ct = ContentType.objects.get_for_model(target)
    if Report.objects.filter(
        reporter=reporter, content_type=ct, object_id=target.pk, status=Report.Status.PENDING
    ).exists():
        raise Conflict(
            "You have already reported this; a moderator will look at it.", code="duplicate"
        )
    _rate_limit_take(reporter)
    # One transaction: the report, its case and any hiding land together or not at all.
    with transaction.atomic():
        return _report_record(reporter, target, ct, reason, note)


def _report_record(
    reporter: User, target: models.Model, ct: ContentType, reason: str, note: str
) -> Report:
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter, content_type=ct, object_id=target.pk, reason=reason, note=note
            )
    except IntegrityError as exc:  # a double submit raced past the check above
        raise Conflict(
            "You have already reported this; a moderator will look at it.", code="duplicate"
        ) from exc
    category = reason if reason in policy.CATEGORY_CODES else ""
    case = case_open(
        target=target,
        opened_by=Case.OpenedBy.REPORTS,
        category=category,
        summary=str(getattr(target, "prompt", "")) or records.target_repr(target),
    )
    report.case = case
    report.save(update_fields=["case"])
    threshold = int(_setting("MODERATION_REPORT_HIDE_THRESHOLD", 3))
    if selectors.pending_report_count(target) >= threshold:
        restriction_set(target=target, kind=ContentRestriction.Kind.REPORTED)
        audit_write(
            actor=None,
            action="target.hide_by_reports",
            target=target,
            reason=f"{threshold} or more distinct pending reports",
            data={"case": case.pk},
        )
    logger.info("moderation.report.created", extra={"report_id": report.pk, "case": case.pk})
    return report


# --- Content effects (videos) --------------------------------------------------------------------
def _is_video(target: models.Model) -> bool:
    return target._meta.label == "videos.Video"


def _video_set_status(video: Any, status: str) -> None:
    """Move a video through videos' state machine; restoring from "removed" after an overturned
    appeal is the one move the machine does not list, so moderation makes it directly."""
    from videos.services.remix import remix_published_changed
    from videos.services.state import video_can_move, video_move

    if video.status == status:
        return
    was_published = video.status == "published"
    if video_can_move(video.status, status):
        video_move(video, status)
    else:
        video.status = status
    video.save(update_fields=["status"])
    remix_published_changed(video=video, was_published=was_published)  # the parent's count


def _content_remove(target: models.Model, action: ModerationAction) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if _is_video(target):
        data["previous_status"] = target.status  # type: ignore[attr-defined]
        _video_set_status(target, "removed")
    restriction_set(target=target, kind=ContentRestriction.Kind.REMOVED, action=action)
    return data


def _content_restore(target: models.Model, data: dict[str, Any]) -> None:
    restriction_lift(
        target=target,
        kinds=(
            ContentRestriction.Kind.REMOVED,
            ContentRestriction.Kind.LIMITED,
            ContentRestriction.Kind.REPORTED,
        ),
    )
    if _is_video(target) and data.get("previous_status"):
        previous = data["previous_status"]
        # A draft held in review goes back to a ready draft; a published video is published.
        _video_set_status(target, "draft_ready" if previous == "in_review" else previous)


def _release_held_video(target: models.Model) -> None:
    """Dismissing a case about a held draft lets its owner publish it."""
    if _is_video(target) and target.status == "in_review":  # type: ignore[attr-defined]
        _video_set_status(target, "draft_ready")


# --- Actions -------------------------------------------------------------------------------------
_NOTICE = {
    Kind.DISMISS: "A report about your content was reviewed: no action was taken.",
    Kind.REMOVE: "Your content was removed for breaking our policy",
    Kind.LIMIT: "Your content was limited (hidden from the feed) for breaking our policy",
    Kind.WARN: "You received a warning under our policy",
    Kind.STRIKE: "You received a strike under our policy",
    Kind.SUSPEND: "Your account was suspended under our policy",
    Kind.BAN: "Your account was banned under our policy",
}


def action_apply(
    *,
    case: Case,
    moderator: User,
    action: str,
    reason: str,
    duration: dt.timedelta | None = None,
) -> ModerationAction:
    """Decide a case: apply the action, resolve the case and its reports, write the audit log
    and tell the person concerned."""
    if action not in Kind.values:
        raise ValidationFailed(f"Unknown action {action!r}.", code="action")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Give a reason: the person concerned will read it.", code="reason")
    if action == Kind.SUSPEND:
        duration = duration or DEFAULT_SUSPENSION
        if duration <= dt.timedelta(0):
            raise ValidationFailed("A suspension needs a positive duration.", code="duration")
    target = case.target
    if target is None:
        raise NotFound("The reported content no longer exists.", code="target_gone")
    subject = case.subject_user or owner_of(target)
    from accounts.models import User as UserModel

    if action in (Kind.REMOVE, Kind.LIMIT) and isinstance(target, UserModel):
        raise ValidationFailed(
            "Accounts are warned, struck, suspended or banned, not removed or limited.",
            code="action",
        )
    if action in (Kind.WARN, Kind.STRIKE, Kind.SUSPEND, Kind.BAN) and subject is None:
        raise ValidationFailed("No account is attached to this content.", code="action")

    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        record = ModerationAction.objects.create(
            case=case,
            moderator=moderator,
            target_user=subject,
            action=action,
            reason=reason,
            duration=duration if action == Kind.SUSPEND else None,
        )
        data: dict[str, Any] = {}
        if action == Kind.REMOVE:
            data.update(_content_remove(target, record))
        elif action == Kind.LIMIT:
            restriction_set(target=target, kind=ContentRestriction.Kind.LIMITED, action=record)
            _release_held_video(target)
        elif action == Kind.DISMISS:
            _release_held_video(target)
        elif subject is not None:
            standing = standing_for(subject, lock=True)
            if action == Kind.WARN:
                standing.warnings += 1
                standing.save(update_fields=["warnings"])
            elif action == Kind.STRIKE:
                standing.strikes += 1
                standing.save(update_fields=["strikes"])
            elif action == Kind.SUSPEND:
                assert duration is not None
                data["previous_suspended_until"] = (
                    standing.suspended_until.isoformat() if standing.suspended_until else None
                )
                standing.suspended_until = max(standing.suspended_until or now, now + duration)
                standing.save(update_fields=["suspended_until"])
            elif action == Kind.BAN:
                standing.banned = True
                standing.save(update_fields=["banned"])
        # A moderator has decided: the report-based hiding ends (remove/limit set their own).
        restriction_lift(target=target, kinds=(ContentRestriction.Kind.REPORTED,))
        if data:
            record.data = data
            record.save(update_fields=["data"])
        case.status, case.resolved_at = Case.Status.RESOLVED, now
        case.save(update_fields=["status", "resolved_at"])
        Report.objects.filter(case=case, status=Report.Status.PENDING).update(
            status=Report.Status.RESOLVED, resolved_at=now
        )
        audit_write(
            actor=moderator,
            action=f"action.{action}",
            target=target,
            reason=reason,
            data={
                "case": case.pk,
                "action_id": record.pk,
                "duration_s": duration.total_seconds()
                if duration and action == Kind.SUSPEND
                else None,
                **data,
            },
        )
    title = policy.category(case.category).title.lower() if case.category else "our rules"
    text = _NOTICE[Kind(action)]
    if action != Kind.DISMISS:
        text = f"{text} ({title}): {reason}"
        if action == Kind.SUSPEND and duration:
            text += f" Suspended for {duration.days or 1} day(s)."
        text += " You can appeal within 20 days."
    notify(recipient=subject, text=text, url=_appeals_url())
    logger.info("moderation.action", extra={"action": action, "case": case.pk})
    return record


# --- Appeals -------------------------------------------------------------------------------------
def appeal_create(*, user: User, action_id: int, text: str) -> Appeal:
    """One appeal per action, by the person it concerns, within the appeal window."""
    action = (
        ModerationAction.objects.select_related("case")
        .filter(pk=action_id, target_user=user)
        .first()
    )
    if action is None:
        raise NotFound("There is no such decision on your account.", code="not_found")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("Tell us why the decision is wrong.", code="text")
    if len(text) > 2000:
        raise ValidationFailed("Keep the appeal under 2000 characters.", code="text")
    if action.action == Kind.DISMISS:
        raise ValidationFailed("Nothing was done, so there is nothing to appeal.", code="dismiss")
    if action.case.category == policy.MINORS_SEXUAL:
        raise ValidationFailed(
            "Decisions on sexual content involving minors cannot be appealed.",
            code="not_appealable",
        )
    window = dt.timedelta(days=policy.APPEAL_WINDOW_DAYS)
    if timezone.now() - action.created > window:
        raise ValidationFailed(
            f"Appeals must be made within {policy.APPEAL_WINDOW_DAYS} days of the decision.",
            code="appeal_window",
        )
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(action=action, user=user, text=text)
    except IntegrityError as exc:
        raise Conflict("You have already appealed this decision.", code="duplicate") from exc
    audit_write(
        actor=user,
        action="appeal.create",
        target=action.case.target,
        reason=text[:500],
        data={"action_id": action.pk, "appeal_id": appeal.pk},
    )
    return appeal


def appeal_decide(*, appeal: Appeal, moderator: User, outcome: str, note: str = "") -> Appeal:
    """Uphold or overturn. Overturning restores removed or limited content, removes the strike
    (or warning, suspension, ban) and marks the action overturned."""
    if outcome not in (Appeal.Status.UPHELD, Appeal.Status.OVERTURNED):
        raise ValidationFailed("Choose uphold or overturn.", code="outcome")
    now = timezone.now()
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update()
            .select_related("action", "action__case")
            .get(pk=appeal.pk)
        )
        if appeal.status != Appeal.Status.PENDING:
            raise Conflict("This appeal has already been decided.", code="decided")
        action = appeal.action
        # Policy: a different moderator reviews an appeal - a superuser included: nobody is
        # judge of their own decision.
        if action.moderator_id == moderator.pk:
            raise ValidationFailed(
                "A different moderator must decide the appeal of your own action.",
                code="same_moderator",
            )
        target = action.case.target
        if outcome == Appeal.Status.OVERTURNED:
            _overturn(action, target)
        appeal.status, appeal.decided_by, appeal.decided_at = outcome, moderator, now
        appeal.decision_note = (note or "").strip()[:1000]
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_write(
            actor=moderator,
            action=f"appeal.{outcome}",
            target=target,
            reason=appeal.decision_note,
            data={"appeal_id": appeal.pk, "action_id": action.pk, "action": action.action},
        )
    if outcome == Appeal.Status.OVERTURNED:
        text = "Your appeal was successful: the decision was overturned"
        text += " and your content restored." if action.action in (Kind.REMOVE, Kind.LIMIT) else "."
    else:
        text = "Your appeal was reviewed and the decision stands."
    if appeal.decision_note:
        text += f" {appeal.decision_note}"
    notify(recipient=appeal.user, text=text, url=_appeals_url())
    return appeal


def _overturn(action: ModerationAction, target: models.Model | None) -> None:
    subject = action.target_user
    if action.action in (Kind.REMOVE, Kind.LIMIT) and target is not None:
        _content_restore(target, action.data)
    elif subject is not None and action.action in (Kind.WARN, Kind.STRIKE, Kind.SUSPEND, Kind.BAN):
        standing = standing_for(subject, lock=True)
        if action.action == Kind.WARN and standing.warnings:
            standing.warnings -= 1
            standing.save(update_fields=["warnings"])
        elif action.action == Kind.STRIKE and standing.strikes:
            standing.strikes -= 1
            standing.save(update_fields=["strikes"])
        elif action.action == Kind.SUSPEND:
            previous = action.data.get("previous_suspended_until")
            standing.suspended_until = dt.datetime.fromisoformat(previous) if previous else None
            standing.save(update_fields=["suspended_until"])
        elif action.action == Kind.BAN:
            standing.banned = False
            standing.save(update_fields=["banned"])
    action.overturned = True
    action.save(update_fields=["overturned"])
