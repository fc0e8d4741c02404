"""The moderator workflow in admin: who may see it, the queue, bulk actions and the audit log."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation import policy, records
from moderation.models import AuditLogEntry, Case, ModerationAction
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/moderation/case/",
    "/admin/moderation/appeal/",
    "/admin/moderation/report/",
    "/admin/moderation/auditlogentry/",
    "/admin/moderation/moderationaction/",
    "/admin/moderation/accountstanding/",
]


@pytest.mark.parametrize("url", PAGES)
def test_staff_without_the_group_is_refused(client, staff, url):
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 403


def test_staff_without_the_group_does_not_see_the_app(client, staff):
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "/admin/moderation/" not in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_moderators_see_every_page(client, moderator, url):
    client.force_login(moderator)
    assert client.get(url).status_code == 200


def test_queue_sorted_by_severity_then_age(client, moderator, video_factory):
    low = records.case_open(target=UserFactory(), opened_by="reports", category=policy.SPAM)
    high_old = records.case_open(
        target=video_factory(), opened_by="reports", category=policy.VIOLENCE
    )
    critical = records.case_open(
        target=UserFactory(), opened_by="zero_tolerance", category=policy.MINORS_SEXUAL
    )
    high_new = records.case_open(
        target=video_factory(), opened_by="output_check", category=policy.SEXUAL
    )
    client.force_login(moderator)
    response = client.get("/admin/moderation/case/")
    html = response.content.decode()
    positions = [
        html.index(f'href="/admin/moderation/case/{c.pk}/change/')
        for c in (critical, high_old, high_new, low)
    ]
    assert positions == sorted(positions)


def test_case_list_query_count_does_not_grow(
    client, moderator, video_factory, django_assert_num_queries
):
    client.force_login(moderator)
    for _ in range(2):
        records.case_open(target=video_factory(), opened_by="reports", category=policy.SPAM)
    client.get("/admin/moderation/case/")  # warm content-type cache
    # The sidebar lists every app (other apps' admins check permissions too): measure the
    # page once, then require the same count with more rows.
    with CaptureQueriesContext(connection) as ctx:
        client.get("/admin/moderation/case/")
    baseline = len(ctx.captured_queries)
    assert baseline < 25
    for _ in range(5):
        records.case_open(target=video_factory(), opened_by="reports", category=policy.SPAM)
    with django_assert_num_queries(baseline):
        client.get("/admin/moderation/case/")


def test_case_page_shows_player_prompt_scores_reports_and_history(client, moderator, video_factory):
    video = video_factory(prompt="a fox on a rooftop")
    video.video_file.name = f"videos/{video.public_id}/clip.mp4"
    video.poster_file.name = f"videos/{video.public_id}/poster.jpg"
    video.save(update_fields=["video_file", "poster_file"])
    case = records.case_open_for_output(video, {"nudity": 0.71})
    from moderation import services

    services.report_create(
        reporter=UserFactory(), target=video, reason=policy.SEXUAL, note="looks nude"
    )
    client.force_login(moderator)
    html = client.get(f"/admin/moderation/case/{case.pk}/change/").content.decode()
    assert f'src="/moderation/cases/{case.pk}/video"' in html
    assert f"/moderation/cases/{case.pk}/poster" in html
    assert "a fox on a rooftop" in html
    assert "0.71" in html
    assert "looks nude" in html
    assert "clean standing" in html or "strikes" in html


def test_bulk_action_asks_for_a_reason_then_applies_and_audits(client, moderator, video_factory):
    cases = [
        records.case_open(target=video_factory(), opened_by="reports", category=policy.HATE)
        for _ in range(2)
    ]
    client.force_login(moderator)
    data = {"action": "do_strike", ACTION_CHECKBOX_NAME: [str(c.pk) for c in cases]}
    page = client.post("/admin/moderation/case/", data)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert not ModerationAction.objects.exists()
    # Without a reason: the page again, nothing applied.
    again = client.post("/admin/moderation/case/", {**data, "apply": "1", "reason": ""})
    assert again.status_code == 200 and not ModerationAction.objects.exists()
    done = client.post(
        "/admin/moderation/case/",
        {**data, "apply": "1", "reason": "Slurs in the caption."},
        follow=True,
    )
    assert "applied to 2 case(s)" in done.content.decode()
    assert ModerationAction.objects.filter(action="strike").count() == 2
    entries = AuditLogEntry.objects.filter(action="action.strike")
    assert entries.count() == 2
    assert {e.actor_id for e in entries} == {moderator.pk}
    assert all(e.reason == "Slurs in the caption." for e in entries)
    assert Case.objects.filter(status="resolved").count() == 2


def test_suspend_bulk_action_uses_days(client, moderator):
    from moderation.models import AccountStanding

    user = UserFactory()
    case = records.case_open(target=user, opened_by="reports", category=policy.SPAM)
    client.force_login(moderator)
    client.post(
        "/admin/moderation/case/",
        {
            "action": "do_suspend",
            ACTION_CHECKBOX_NAME: [str(case.pk)],
            "apply": "1",
            "reason": "Spam",
            "days": "3",
        },
    )
    action = ModerationAction.objects.get()
    assert action.duration.days == 3
    assert AccountStanding.objects.get(user=user).suspended_until is not None


def test_audit_log_cannot_be_changed_or_deleted_in_admin(client, moderator):
    entry = records.audit_write(actor=moderator, action="test", reason="original")
    superuser = UserFactory(
        is_staff=True, is_superuser=True, handle="root_user", email="root@example.com"
    )
    for user in (moderator, superuser):
        client.force_login(user)
        assert client.get(f"/admin/moderation/auditlogentry/{entry.pk}/change/").status_code == 200
        response = client.post(
            f"/admin/moderation/auditlogentry/{entry.pk}/change/", {"reason": "changed"}
        )
        assert response.status_code == 403
        assert (
            client.post(
                f"/admin/moderation/auditlogentry/{entry.pk}/delete/", {"post": "yes"}
            ).status_code
            == 403
        )
        listing = client.post(
            "/admin/moderation/auditlogentry/",
            {"action": "delete_selected", ACTION_CHECKBOX_NAME: [str(entry.pk)], "post": "yes"},
        )
        assert listing.status_code in (200, 302)
        assert client.get("/admin/moderation/auditlogentry/add/").status_code == 403
    entry.refresh_from_db()
    assert entry.reason == "original"
    assert AuditLogEntry.objects.filter(pk=entry.pk).exists()


def test_appeal_queue_overturn_action(client, moderator, moderator2, video_factory):
    from moderation import services
    from videos.models import Video

    video = video_factory()
    case = records.case_open(target=video, opened_by="reports", category=policy.SEXUAL)
    action = services.action_apply(case=case, moderator=moderator, action="remove", reason="r")
    appeal = services.appeal_create(user=video.owner, action_id=action.pk, text="Not nude.")
    client.force_login(moderator2)
    client.post(
        "/admin/moderation/appeal/",
        {"action": "appeal_overturned", ACTION_CHECKBOX_NAME: [str(appeal.pk)]},
    )
    appeal.refresh_from_db()
    video.refresh_from_db()
    assert appeal.status == "overturned"
    assert video.status == Video.Status.PUBLISHED


def test_moderator_media_is_for_moderators_only(client, staff, video_factory):
    video = video_factory(status="in_review")
    case = records.case_open_for_output(video, {})
    client.force_login(staff)
    assert client.get(f"/moderation/cases/{case.pk}/video").status_code == 404
