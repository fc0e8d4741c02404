"""Owner actions on drafts (services and pages) and what other people cannot do."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from sora_site.core.errors import Conflict, LimitExceeded, NotFound
from tests.factories import UserFactory
from tests.videos.conftest import queued_job_ids
from tests.videos.factories import GenerationJobFactory, VideoFactory
from videos.models import GenerationJob, Video
from videos.services import (
    job_cancel,
    job_retry,
    video_delete_draft,
    video_publish,
    video_unpublish,
)

pytestmark = pytest.mark.django_db
J = GenerationJob.Status
V = Video.Status


def ready_draft(owner: Any = None, **kwargs: Any) -> Video:
    video = VideoFactory(status=V.DRAFT_READY, **({"owner": owner} if owner else {}), **kwargs)
    GenerationJobFactory(video=video, status=J.SUCCEEDED, progress=1.0)
    name = default_storage.save(
        f"videos/{video.public_id}/abc.mp4", ContentFile(b"0123456789" * 50)
    )
    poster = default_storage.save(f"videos/{video.public_id}/abc.jpg", ContentFile(b"\xff\xd8jpg"))
    video.video_file.name, video.poster_file.name = name, poster
    video.save(update_fields=["video_file", "poster_file"])
    return video


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


# --- services ---------------------------------------------------------------------------------


def test_cancel_queued_job_is_immediate() -> None:
    job = GenerationJobFactory()
    job = job_cancel(user=job.owner, video_public_id=job.video.public_id)
    assert job.status == J.CANCELLED
    assert Video.objects.get(pk=job.video_id).status == V.DRAFT_FAILED


def test_cancel_running_job_asks_the_worker() -> None:
    job = GenerationJobFactory(status=J.RUNNING, worker_id="w:1:a")
    job = job_cancel(user=job.owner, video_public_id=job.video.public_id)
    job.refresh_from_db()
    assert job.status == J.RUNNING and job.cancel_requested


def test_cancel_finished_job_is_refused() -> None:
    job = GenerationJobFactory(status=J.SUCCEEDED)
    with pytest.raises(Conflict):
        job_cancel(user=job.owner, video_public_id=job.video.public_id)


def test_retry_failed_job_starts_over_and_enqueues(
    stub_broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    video = VideoFactory(status=V.DRAFT_FAILED)
    job = GenerationJobFactory(
        video=video, status=J.FAILED, attempts=3, error_code="internal", error_message="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(user=video.owner, video_public_id=video.public_id)
    job.refresh_from_db()
    assert job.status == J.QUEUED and job.attempts == 0 and job.error_message == ""
    assert Video.objects.get(pk=video.pk).status == V.DRAFT_GENERATING
    assert queued_job_ids(stub_broker) == [job.pk]


def test_retry_respects_the_active_limit(stub_broker: Any) -> None:
    owner = UserFactory()
    GenerationJobFactory.create_batch(2, video__owner=owner)
    failed = GenerationJobFactory(video__owner=owner, video__status=V.DRAFT_FAILED, status=J.FAILED)
    with pytest.raises(LimitExceeded):
        job_retry(user=owner, video_public_id=failed.video.public_id)


def test_retry_of_running_or_succeeded_job_is_refused() -> None:
    job = GenerationJobFactory(status=J.RUNNING)
    with pytest.raises(Conflict):
        job_retry(user=job.owner, video_public_id=job.video.public_id)


def test_publish_and_unpublish() -> None:
    video = ready_draft()
    video = video_publish(
        user=video.owner, public_id=video.public_id, caption="  hello  ", visibility="followers"
    )
    assert video.status == V.PUBLISHED and video.caption == "hello"
    assert video.visibility == "followers" and video.published_at is not None
    video = video_unpublish(user=video.owner, public_id=video.public_id)
    assert video.status == V.DRAFT_READY and video.published_at is None


def test_only_ready_drafts_can_be_published() -> None:
    job = GenerationJobFactory(status=J.RUNNING)
    with pytest.raises(Conflict):
        video_publish(
            user=job.owner, public_id=job.video.public_id, caption="", visibility="public"
        )


def test_delete_draft_removes_rows_and_files(django_capture_on_commit_callbacks: Any) -> None:
    video = ready_draft()
    names = [video.video_file.name, video.poster_file.name]
    with django_capture_on_commit_callbacks(execute=True):
        video_delete_draft(user=video.owner, public_id=video.public_id)
    assert not Video.objects.exists() and not GenerationJob.objects.exists()
    assert not any(default_storage.exists(n) for n in names)


def test_someone_elses_draft_is_not_found_by_any_service() -> None:
    video = ready_draft()
    intruder = UserFactory()
    for call in (
        lambda: job_cancel(user=intruder, video_public_id=video.public_id),
        lambda: job_retry(user=intruder, video_public_id=video.public_id),
        lambda: video_delete_draft(user=intruder, public_id=video.public_id),
        lambda: video_publish(
            user=intruder, public_id=video.public_id, caption="", visibility="public"
        ),
    ):
        with pytest.raises(NotFound):
            call()
    assert Video.objects.get(pk=video.pk).status == V.DRAFT_READY


# --- pages ------------------------------------------------------------------------------------


def test_pages_need_login(client: Client) -> None:
    for name in ("videos:create", "videos:drafts"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_create_page_renders_options_and_estimate(client: Client) -> None:
    login(client, UserFactory())
    response = client.get(reverse("videos:create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'maxlength="2000"' in html and "0 / 2000" in html
    for value in ("9:16", "16:9", "1:1", "noir", "dolly in", "slow motion", "auto"):
        assert f'value="{value}"' in html
    assert "Estimated wait: about 20 s" in html  # 10 s default x 2 s per second, no history
    assert "<script" in html and "js/videos.js" in html and "style=" not in html


def test_create_posts_and_redirects_to_drafts(client: Client, stub_broker: Any) -> None:
    user = UserFactory()
    login(client, user)
    response = client.post(
        reverse("videos:create"),
        {
            "prompt": "a ball rolls",
            "duration": "5",
            "aspect": "9:16",
            "resolution": "480",
            "style": "auto",
            "camera": "pan",
            "seed": "",
        },
    )
    video = Video.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/drafts/#draft-{video.public_id}"
    assert video.owner == user and video.camera == "pan"


def test_create_shows_errors_inline_and_stores_nothing(client: Client, settings: Any) -> None:
    settings.GENERATION_MAX_ACTIVE = 0
    login(client, UserFactory())
    base = {
        "duration": "5",
        "aspect": "9:16",
        "resolution": "480",
        "style": "auto",
        "camera": "auto",
    }
    response = client.post(reverse("videos:create"), {**base, "prompt": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(reverse("videos:create"), {**base, "prompt": "x" * 2001})
    assert response.status_code == 400 and "at most 2000" in response.content.decode()
    response = client.post(reverse("videos:create"), {**base, "prompt": "ok", "duration": "7"})
    assert response.status_code == 400
    response = client.post(reverse("videos:create"), {**base, "prompt": "a fine prompt"})
    assert response.status_code == 429
    assert "at most 0 at a time" in response.content.decode()
    assert not Video.objects.exists()


@pytest.mark.parametrize("duration", ["ten", "1e9", ""])
def test_create_with_a_hand_made_duration_is_a_form_error(client: Client, duration: str) -> None:
    login(client, UserFactory())
    response = client.post(
        reverse("videos:create"),
        {"prompt": "a ball", "duration": duration, "aspect": "9:16", "resolution": "480"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice" in html or "This field is required" in html
    assert "Estimated wait: about 20 s" in html  # the default length's estimate
    assert not Video.objects.exists()


def test_drafts_page_shows_state_from_the_db(client: Client) -> None:
    owner = UserFactory()
    running = GenerationJobFactory(
        video__owner=owner, status=J.RUNNING, stage="render", progress=0.42, message="Rendering"
    )
    failed = GenerationJobFactory(
        video__owner=owner,
        video__status=V.DRAFT_FAILED,
        status=J.FAILED,
        error_message="Nothing in this prompt could be drawn.",
    )
    ready = ready_draft(owner)
    login(client, owner)
    html = client.get(reverse("videos:drafts")).content.decode()
    assert f'id="draft-{running.video.public_id}"' in html
    assert 'value="42"' in html and "42%" in html and "render" in html and "Rendering" in html
    assert "Nothing in this prompt could be drawn." in html
    assert f'src="/media/v/{ready.public_id}/video"' in html
    assert f'action="/drafts/{failed.video.public_id}/retry"' in html


def test_drafts_list_query_count_is_constant(
    client: Client, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    owner = UserFactory()
    login(client, owner)
    GenerationJobFactory(video__owner=owner)
    client.get(reverse("videos:drafts"))  # warm caches (estimate)
    # session, user, drafts with their jobs (one query), published; plus whatever the shared
    # layout adds (the notification badge) - the same number for 1 draft as for 7.
    with django_assert_max_num_queries(6) as captured:
        client.get(reverse("videos:drafts"))
    assert sum("videos_" in q["sql"] for q in captured.captured_queries) == 2
    GenerationJobFactory.create_batch(5, video__owner=owner, status=J.RUNNING, progress=0.5)
    ready_draft(owner)
    VideoFactory(owner=owner, status=V.PUBLISHED)
    with django_assert_num_queries(len(captured.captured_queries)):
        response = client.get(reverse("videos:drafts"))
    assert response.content.decode().count('class="card draft"') == 7


def test_drafts_page_shows_only_my_drafts(client: Client) -> None:
    mine = GenerationJobFactory(video__prompt="my own secret idea")
    theirs = GenerationJobFactory(video__prompt="someone else's secret idea")
    login(client, mine.owner)
    html = client.get(reverse("videos:drafts")).content.decode()
    assert "my own secret idea" in html
    assert "someone else" not in html and theirs.video.public_id not in html


@pytest.mark.parametrize("action", ["cancel", "retry", "delete", "publish", "unpublish"])
def test_actions_on_someone_elses_draft_are_404(client: Client, action: str) -> None:
    job = GenerationJobFactory()
    login(client, UserFactory())
    response = client.post(
        reverse(f"videos:{action}", args=[job.video.public_id]),
        {"caption": "mine now", "visibility": "public"},
    )
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == J.QUEUED and not job.cancel_requested
    assert Video.objects.get(pk=job.video_id).caption == ""


def test_owner_can_cancel_retry_publish_through_pages(client: Client, stub_broker: Any) -> None:
    owner = UserFactory()
    login(client, owner)
    job = GenerationJobFactory(video__owner=owner)
    response = client.post(reverse("videos:cancel", args=[job.video.public_id]), follow=True)
    assert "Cancelled." in response.content.decode()
    response = client.post(reverse("videos:retry", args=[job.video.public_id]), follow=True)
    assert "Trying again." in response.content.decode()
    response = client.post(reverse("videos:retry", args=[job.video.public_id]), follow=True)
    assert "Only a failed or cancelled job can be retried." in response.content.decode()
    video = ready_draft(owner)
    response = client.post(
        reverse("videos:publish", args=[video.public_id]),
        {"caption": "my first", "visibility": "public"},
    )
    assert response.status_code == 302 and response["Location"] == f"/v/{video.public_id}/"
    page = client.get(response["Location"]).content.decode()
    assert "my first" in page and f"/media/v/{video.public_id}/video" in page


def test_video_page_visibility(client: Client) -> None:
    draft = ready_draft()
    published = ready_draft()
    video_publish(
        user=published.owner, public_id=published.public_id, caption="hi", visibility="public"
    )
    followers = ready_draft()
    video_publish(
        user=followers.owner, public_id=followers.public_id, caption="fo", visibility="followers"
    )
    assert client.get(reverse("videos:video", args=[published.public_id])).status_code == 200
    assert client.get(reverse("videos:video", args=[draft.public_id])).status_code == 404
    assert client.get(reverse("videos:video", args=[followers.public_id])).status_code == 404
    assert client.get(reverse("videos:video", args=["nope"])).status_code == 404
    login(client, followers.owner)
    assert client.get(reverse("videos:video", args=[followers.public_id])).status_code == 200
