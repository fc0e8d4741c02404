"""Reports, actions, appeals, restrictions and the audit log, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from accounts.models import Notification
from moderation import gate, policy, records, selectors, services
from moderation.models import (
    AccountStanding,
    Appeal,
    AuditLogEntry,
    AuditLogImmutable,
    Case,
    ContentRestriction,
    ModerationAction,
    ModerationDecisionRecord,
    Report,
)
from sora_site.core.errors import Conflict, LimitExceeded, NotFound, ValidationFailed
from tests.factories import TeenFactory, UserFactory
from videos.models import Video

pytestmark = pytest.mark.django_db


def _case_for(target, category=policy.SEXUAL):
    return records.case_open(target=target, opened_by=Case.OpenedBy.REPORTS, category=category)


# --- Reports -----------------------------------------------------------------------------------
def test_report_threshold_hides_a_video_until_a_moderator_decides(
    video_factory, moderator, settings
):
    settings.MODERATION_REPORT_HIDE_THRESHOLD = 3
    video = video_factory()
    other = video_factory()
    reporters = UserFactory.create_batch(3)
    for reporter in reporters[:2]:
        services.report_create(reporter=reporter, target=video, reason=policy.VIOLENCE)
    assert video.pk not in set(selectors.restricted_ids(Video))
    services.report_create(reporter=reporters[2], target=video, reason=policy.HATE, note="slurs")
    hidden = set(selectors.restricted_ids(Video))
    assert video.pk in hidden and other.pk not in hidden
    assert list(Video.objects.exclude(pk__in=selectors.restricted_ids(Video))) == [other]
    case = Case.objects.get(object_id=video.pk)
    assert case.reports.count() == 3
    assert AuditLogEntry.objects.filter(action="target.hide_by_reports").count() == 1
    # Dismissed: visible again, reports resolved.
    services.action_apply(case=case, moderator=moderator, action="dismiss", reason="Fine.")
    assert video.pk not in set(selectors.restricted_ids(Video))
    assert not Report.objects.filter(status=Report.Status.PENDING).exists()


def test_one_pending_report_per_reporter_per_target(video_factory):
    video, reporter = video_factory(), UserFactory()
    services.report_create(reporter=reporter, target=video, reason=policy.SPAM)
    with pytest.raises(Conflict):
        services.report_create(reporter=reporter, target=video, reason=policy.SPAM)
    assert Report.objects.count() == 1


def test_reports_are_rate_limited_per_hour(settings):
    settings.MODERATION_REPORTS_PER_HOUR = 3
    reporter = UserFactory()
    targets = UserFactory.create_batch(4)
    for target in targets[:3]:
        services.report_create(reporter=reporter, target=target, reason=policy.SPAM)
    with pytest.raises(LimitExceeded) as info:
        services.report_create(reporter=reporter, target=targets[3], reason=policy.SPAM)
    assert info.value.status == 429
    assert Report.objects.count() == 3
    # Another reporter has their own budget.
    services.report_create(reporter=UserFactory(), target=targets[3], reason=policy.SPAM)


def test_report_validation():
    reporter = UserFactory()
    with pytest.raises(ValidationFailed):
        services.report_create(reporter=reporter, target=reporter, reason=policy.SPAM)
    with pytest.raises(ValidationFailed):
        services.report_create(reporter=reporter, target=UserFactory(), reason="nonsense")
    assert Report.objects.count() == 0


# --- Actions -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "action", ["dismiss", "remove", "limit", "warn", "strike", "suspend", "ban"]
)
def test_every_action_writes_the_audit_log_and_notifies(action, video_factory, moderator):
    video = video_factory()
    case = _case_for(video)
    record = services.action_apply(
        case=case, moderator=moderator, action=action, reason="Breaks the rules."
    )
    entry = AuditLogEntry.objects.get(action=f"action.{action}")
    assert entry.actor == moderator
    assert entry.reason == "Breaks the rules."
    assert entry.target_type == "videos.Video" and entry.target_id == str(video.pk)
    assert entry.data["action_id"] == record.pk
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    note = Notification.objects.get(recipient=video.owner, kind="moderation")
    assert (action == "dismiss") == ("no action" in note.text)
    if action != "dismiss":
        assert "Breaks the rules." in note.text and note.url == "/moderation/appeals/"


def test_action_effects(video_factory, moderator):
    video = video_factory()
    services.action_apply(case=_case_for(video), moderator=moderator, action="remove", reason="r")
    video.refresh_from_db()
    assert video.status == Video.Status.REMOVED
    assert video.pk in set(selectors.restricted_ids(Video))

    limited = video_factory()
    services.action_apply(case=_case_for(limited), moderator=moderator, action="limit", reason="r")
    limited.refresh_from_db()
    assert limited.status == Video.Status.PUBLISHED
    assert ContentRestriction.objects.get(object_id=limited.pk, active=True).kind == "limited"

    user = UserFactory()
    services.action_apply(case=_case_for(user), moderator=moderator, action="strike", reason="r")
    services.action_apply(
        case=_case_for(user),
        moderator=moderator,
        action="suspend",
        reason="r",
        duration=dt.timedelta(days=7),
    )
    standing = AccountStanding.objects.get(user=user)
    assert standing.strikes == 1
    assert standing.suspended_until > timezone.now() + dt.timedelta(days=6)
    assert selectors.account_is_suspended(user)
    with pytest.raises(gate.AccountSuspended):
        gate.prompt_gate(user=user, text="a cat")


def test_remove_is_refused_for_accounts_and_reason_is_required(moderator):
    user = UserFactory()
    with pytest.raises(ValidationFailed):
        services.action_apply(
            case=_case_for(user), moderator=moderator, action="remove", reason="r"
        )
    with pytest.raises(ValidationFailed):
        services.action_apply(case=_case_for(user), moderator=moderator, action="ban", reason=" ")
    assert not ModerationAction.objects.exists()
    assert not AuditLogEntry.objects.filter(action__startswith="action.").exists()


def test_dismissing_a_held_draft_releases_it(video_factory, moderator):
    video = video_factory(status=Video.Status.IN_REVIEW)
    case = records.case_open_for_output(video, {"nudity": 0.6})
    services.action_apply(case=case, moderator=moderator, action="dismiss", reason="Fine.")
    video.refresh_from_db()
    assert video.status == Video.Status.DRAFT_READY


# --- Appeals -----------------------------------------------------------------------------------
def test_overturned_appeal_restores_content(video_factory, moderator, moderator2):
    video = video_factory()
    action = services.action_apply(
        case=_case_for(video), moderator=moderator, action="remove", reason="Looked like nudity."
    )
    appeal = services.appeal_create(user=video.owner, action_id=action.pk, text="It is a cake.")
    with pytest.raises(ValidationFailed):  # not by the moderator who decided
        services.appeal_decide(appeal=appeal, moderator=moderator, outcome="overturned")
    services.appeal_decide(
        appeal=appeal, moderator=moderator2, outcome="overturned", note="Agreed."
    )
    video.refresh_from_db()
    assert video.status == Video.Status.PUBLISHED
    assert video.pk not in set(selectors.restricted_ids(Video))
    action.refresh_from_db()
    assert action.overturned
    assert AuditLogEntry.objects.filter(action="appeal.overturned").count() == 1
    assert Notification.objects.filter(recipient=video.owner, text__contains="restored").exists()


def test_nobody_decides_the_appeal_of_their_own_action_not_even_a_superuser(moderator2):
    boss = UserFactory(is_staff=True, is_superuser=True, handle="boss", email="boss@example.com")
    video_owner = UserFactory()
    action = services.action_apply(
        case=_case_for(video_owner), moderator=boss, action="strike", reason="Spam."
    )
    appeal = services.appeal_create(user=video_owner, action_id=action.pk, text="Not spam.")
    with pytest.raises(ValidationFailed) as refused:
        services.appeal_decide(appeal=appeal, moderator=boss, outcome="upheld")
    assert refused.value.code == "same_moderator"
    appeal.refresh_from_db()
    assert appeal.status == "pending" and appeal.decided_by is None
    assert not AuditLogEntry.objects.filter(action__in=["appeal.upheld", "appeal.overturned"])
    services.appeal_decide(appeal=appeal, moderator=moderator2, outcome="upheld")  # another may


def test_overturned_appeal_removes_the_strike(moderator, moderator2):
    user = UserFactory()
    action = services.action_apply(
        case=_case_for(user), moderator=moderator, action="strike", reason="r"
    )
    assert AccountStanding.objects.get(user=user).strikes == 1
    appeal = services.appeal_create(user=user, action_id=action.pk, text="Mistake")
    services.appeal_decide(appeal=appeal, moderator=moderator2, outcome="overturned")
    assert AccountStanding.objects.get(user=user).strikes == 0
    with pytest.raises(Conflict):
        services.appeal_decide(appeal=appeal, moderator=moderator2, outcome="upheld")


def test_one_appeal_per_action_within_20_days_by_its_owner(moderator):
    user = UserFactory()
    action = services.action_apply(
        case=_case_for(user), moderator=moderator, action="warn", reason="r"
    )
    with pytest.raises(NotFound):  # not someone else's decision
        services.appeal_create(user=UserFactory(), action_id=action.pk, text="x")
    services.appeal_create(user=user, action_id=action.pk, text="Please")
    with pytest.raises(Conflict):
        services.appeal_create(user=user, action_id=action.pk, text="Again")
    late = services.action_apply(
        case=_case_for(user), moderator=moderator, action="warn", reason="r"
    )
    ModerationAction.objects.filter(pk=late.pk).update(
        created=timezone.now() - dt.timedelta(days=21)
    )
    with pytest.raises(ValidationFailed) as info:
        services.appeal_create(user=user, action_id=late.pk, text="Please")
    assert "20 days" in info.value.detail
    assert Appeal.objects.count() == 1


# --- Prompt gate -------------------------------------------------------------------------------
def test_prompt_gate_records_blocks_and_flags_zero_tolerance():
    user = UserFactory()
    assert gate.prompt_gate(user=user, text="a fox in the snow").allowed
    assert not ModerationDecisionRecord.objects.exists()
    with pytest.raises(gate.PromptRefused) as info:
        gate.prompt_gate(user=user, text="Donald Trump dancing")
    assert info.value.code == "moderation_blocked"
    assert "real public figures" in info.value.detail
    with pytest.raises(gate.PromptRefused):
        gate.prompt_gate(user=user, text="a nude 12 year old")
    recorded = list(
        ModerationDecisionRecord.objects.order_by("id").values_list("category", flat=True)
    )
    assert recorded == [policy.PUBLIC_FIGURE, policy.MINORS_SEXUAL]
    standing = AccountStanding.objects.get(user=user)
    assert standing.flagged
    case = Case.objects.get(opened_by=Case.OpenedBy.ZERO_TOLERANCE)
    assert case.target == user and case.severity == policy.Severity.CRITICAL
    assert AuditLogEntry.objects.filter(action="account.flag").exists()


def test_prompt_gate_is_stricter_for_teens():
    adult, teen = UserFactory(), TeenFactory()
    assert gate.prompt_gate(user=adult, text="a woman dancing seductively").needs_review
    with pytest.raises(gate.PromptRefused):
        gate.prompt_gate(user=teen, text="a woman dancing seductively")


# --- Audit log is append-only ------------------------------------------------------------------
def test_audit_entries_cannot_be_changed_or_deleted():
    entry = records.audit_write(actor=None, action="test", reason="original")
    entry.reason = "changed"
    with pytest.raises(AuditLogImmutable):
        entry.save()
    with pytest.raises(AuditLogImmutable):
        entry.delete()
    with pytest.raises(AuditLogImmutable):
        AuditLogEntry.objects.filter(pk=entry.pk).update(reason="changed")
    with pytest.raises(AuditLogImmutable):
        AuditLogEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.reason == "original"


def test_audit_log_is_refused_by_postgres_itself():
    if connection.vendor != "postgresql":
        pytest.skip("the database-level trigger exists on PostgreSQL only (CI runs it)")
    entry = records.audit_write(actor=None, action="test", reason="original")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE moderation_auditlogentry SET reason = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM moderation_auditlogentry WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.reason == "original"


def test_deleting_an_account_keeps_its_audit_entries(moderator):
    user = UserFactory()
    services.action_apply(case=_case_for(user), moderator=moderator, action="warn", reason="r")
    count = AuditLogEntry.objects.count()
    moderator.delete()
    assert AuditLogEntry.objects.count() == count
    assert AuditLogEntry.objects.filter(actor_repr="@mod_one").exists()


def test_a_report_whose_case_cannot_open_is_not_kept(
    video_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    video = video_factory()

    def broken_case_open(**_: object) -> None:
        raise DatabaseError("case table unavailable")

    monkeypatch.setattr(services, "case_open", broken_case_open)
    with pytest.raises(DatabaseError):
        services.report_create(reporter=UserFactory(), target=video, reason=policy.VIOLENCE)
    assert not Report.objects.exists()
