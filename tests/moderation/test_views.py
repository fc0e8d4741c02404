"""The report form and "my moderation decisions" with appeals, over HTTP."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from moderation import policy, records, services
from moderation.models import Appeal, Report
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_report_form_needs_login(client, video_factory):
    video = video_factory()
    response = client.get(f"/report/video/{video.public_id}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_report_a_video(client, video_factory):
    video, reporter = video_factory(), UserFactory()
    client.force_login(reporter)
    form = client.get(f"/report/video/{video.public_id}/")
    assert form.status_code == 200
    html = form.content.decode()
    assert escape(policy.category(policy.VIOLENCE).title) in html
    assert '<label for="id_note">' in html
    response = client.post(
        f"/report/video/{video.public_id}/", {"reason": policy.VIOLENCE, "note": "gore at 3s"}
    )
    assert response.status_code == 200
    assert "Your report was sent" in response.content.decode()
    report = Report.objects.get()
    assert (report.reporter, report.target, report.note) == (reporter, video, "gore at 3s")


def test_report_bad_input_stores_nothing(client, video_factory):
    video = video_factory()
    client.force_login(UserFactory())
    response = client.post(f"/report/video/{video.public_id}/", {"reason": "bogus"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert client.post("/report/planet/1/", {"reason": "spam"}).status_code == 404
    assert client.post("/report/video/nope/", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_report_ids_that_are_digits_but_not_decimal_are_404(client):
    # "²".isdigit() is True yet int("²") raises: such ids must be a 404, not a 500.
    client.force_login(UserFactory())
    assert client.get("/report/account/%C2%B2/").status_code == 404
    assert client.get("/report/comment/%C2%B2/").status_code == 404


def test_drafts_of_others_cannot_be_reported(client, video_factory):
    draft = video_factory(status="draft_ready")
    client.force_login(UserFactory())
    assert client.get(f"/report/video/{draft.public_id}/").status_code == 404


def test_report_an_account_and_duplicate_message(client):
    target, reporter = UserFactory(handle="spammer"), UserFactory()
    client.force_login(reporter)
    assert client.post("/report/account/spammer/", {"reason": policy.SPAM}).status_code == 200
    again = client.post("/report/account/spammer/", {"reason": policy.SPAM})
    assert again.status_code == 409
    assert "already reported" in again.content.decode()
    assert Report.objects.filter(object_id=target.pk).count() == 1


def test_report_rate_limit_message(client, settings):
    settings.MODERATION_REPORTS_PER_HOUR = 2
    targets = UserFactory.create_batch(3)
    client.force_login(UserFactory())
    for target in targets[:2]:
        assert (
            client.post(f"/report/account/{target.handle}/", {"reason": policy.SPAM}).status_code
            == 200
        )
    limited = client.post(f"/report/account/{targets[2].handle}/", {"reason": policy.SPAM})
    assert limited.status_code == 429
    assert "2 reports in the last hour" in limited.content.decode()
    assert Report.objects.count() == 2


def test_my_decisions_and_appeal(client, moderator, video_factory, django_assert_num_queries):
    video = video_factory()
    owner = video.owner
    for _ in range(2):
        case = records.case_open(target=video, opened_by="reports", category=policy.SEXUAL)
        services.action_apply(
            case=case, moderator=moderator, action="warn", reason="Please keep it clean."
        )
    client.force_login(owner)
    client.get("/moderation/appeals/")
    with django_assert_num_queries(5):  # session, user, actions(+case,+appeal), refusals, notif
        page = client.get("/moderation/appeals/")
    html = page.content.decode()
    assert html.count("Please keep it clean.") == 2
    assert html.count("Appeal this decision") == 2
    action = owner.moderation_actions.first()
    response = client.post(
        f"/moderation/appeals/{action.pk}/", {"text": "I disagree."}, follow=True
    )
    assert "Your appeal was sent" in response.content.decode()
    assert Appeal.objects.get().action == action
    page = client.get("/moderation/appeals/").content.decode()
    assert page.count("Appeal this decision") == 1 and "Pending" in page
    # Empty text: a message, nothing stored.
    other = owner.moderation_actions.exclude(pk=action.pk).get()
    response = client.post(f"/moderation/appeals/{other.pk}/", {"text": ""}, follow=True)
    assert "Write why the decision is wrong" in response.content.decode()
    assert Appeal.objects.count() == 1


def test_appealing_someone_elses_decision_is_404(client, moderator):
    victim = UserFactory()
    case = records.case_open(target=victim, opened_by="reports", category=policy.SPAM)
    action = services.action_apply(case=case, moderator=moderator, action="strike", reason="r")
    client.force_login(UserFactory())
    assert client.post(f"/moderation/appeals/{action.pk}/", {"text": "x"}).status_code == 404
    assert not Appeal.objects.exists()


def test_report_a_comment(client, video_factory):
    from feed.models import Comment

    author = UserFactory()
    comment = Comment.objects.create(video=video_factory(), author=author, text="buy followers")
    hidden = Comment.objects.create(
        video=video_factory(status="draft_ready"), author=author, text="x"
    )
    client.force_login(UserFactory())
    assert client.post(f"/report/comment/{comment.pk}/", {"reason": "spam"}).status_code == 200
    assert client.post(f"/report/comment/{hidden.pk}/", {"reason": "spam"}).status_code == 404
    report = Report.objects.get()
    assert report.target == comment
    assert report.case.subject_user == author


def test_report_links_lead_to_the_form_and_hidden_things_stay_hidden(client):
    from accounts.social import follow_create
    from feed.models import Comment
    from tests.api.builders import video_in
    from videos.models import Video

    owner, stranger = UserFactory(), UserFactory()
    public = video_in(owner, Video.Status.PUBLISHED)
    followers_only = video_in(owner, Video.Status.PUBLISHED, visibility="followers")
    hidden_comment = Comment.objects.create(video=followers_only, author=owner, text="members")
    client.force_login(stranger)

    # Where people look for it: the video page, the profile, and each comment in the feed.
    report_video = f"/report/video/{public.public_id}/"
    assert report_video in client.get(f"/v/{public.public_id}/").content.decode()
    assert f"/report/account/{owner.handle}/" in client.get(f"/@{owner.handle}").content.decode()
    assert client.get(report_video).status_code == 200

    # The page and the API share one rule: a comment on a video the viewer may not watch is
    # not found, whichever way it is asked for.
    assert client.get(f"/report/comment/{hidden_comment.pk}/").status_code == 404
    assert client.get(f"/report/video/{followers_only.public_id}/").status_code == 404
    assert client.get("/report/comment/99999999999999999999/").status_code == 404
    follow_create(follower=stranger, followee=owner)
    assert client.get(f"/report/comment/{hidden_comment.pk}/").status_code == 200

    client.force_login(owner)  # nobody is offered to report their own video
    assert report_video not in client.get(f"/v/{public.public_id}/").content.decode()
