"""The daily quota is a ledger of charges: deleting drafts gives nothing back, and retries and
remixes are charged like new videos. A refusal says when the next generation frees up."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sora_site.core.errors import LimitExceeded
from tests.factories import UserFactory
from tests.videos.factories import BEACH_DOG_PLAN, VideoFactory
from videos.models import GenerationCharge, GenerationJob, Video
from videos.services import generation_request, job_cancel, job_retry, video_delete_draft
from videos.services.remix import remix_request

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def _request(user: Any) -> GenerationJob:
    return generation_request(user=user, prompt="a dog chases a ball on the beach", duration=5)


def _charged(user: Any, *, hours_ago: float, count: int = 1) -> None:
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    for _ in range(count):
        GenerationCharge.objects.create(user=user, kind=GenerationCharge.Kind.NEW, created_at=at)


def _refusal(call: Any) -> LimitExceeded:
    with pytest.raises(LimitExceeded) as caught:
        call()
    assert caught.value.code == "daily_quota" and caught.value.status == 429
    return caught.value


def test_charges_of_the_last_24_hours_count(stub_broker: Any, settings: Any) -> None:
    settings.GENERATION_DAILY_QUOTA = 3
    user: Any = UserFactory()
    _charged(user, hours_ago=1, count=2)
    _charged(user, hours_ago=30, count=5)  # older than a day: free again
    _request(user)
    refused = _refusal(lambda: _request(user))
    assert "3 generations" in refused.detail
    # The oldest charge in the window is an hour old: the next slot frees in 23 hours.
    assert refused.retry_after is not None
    assert DAY - 3600 - 120 <= refused.retry_after <= DAY - 3600 + 1  # minus time spent
    assert "23 h" in refused.detail
    assert GenerationJob.objects.filter(owner=user).count() == 1


def test_deleting_drafts_gives_no_generation_back(stub_broker: Any, settings: Any) -> None:
    settings.GENERATION_DAILY_QUOTA = 2
    user: Any = UserFactory()
    for _ in range(2):
        job = _request(user)
        job_cancel(user=user, video_public_id=job.video.public_id)
        video_delete_draft(user=user, public_id=job.video.public_id)
    assert not Video.objects.filter(owner=user).exists()
    _refusal(lambda: _request(user))
    assert GenerationCharge.objects.filter(user=user).count() == 2
    assert set(GenerationCharge.objects.values_list("job", flat=True)) == {None}


def test_a_retry_is_charged_and_refused_past_the_quota(stub_broker: Any, settings: Any) -> None:
    settings.GENERATION_DAILY_QUOTA = 2
    user: Any = UserFactory()
    job = _request(user)
    draft = job.video.public_id
    job_cancel(user=user, video_public_id=draft)
    job_retry(user=user, video_public_id=draft)
    kinds = sorted(GenerationCharge.objects.filter(user=user).values_list("kind", flat=True))
    assert kinds == ["new", "retry"]
    job_cancel(user=user, video_public_id=draft)
    refused = _refusal(lambda: job_retry(user=user, video_public_id=draft))
    assert refused.retry_after is not None and refused.retry_after > DAY - 60
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.CANCELLED  # the refused retry changed nothing
    assert GenerationCharge.objects.filter(user=user).count() == 2


def test_a_remix_is_charged(stub_broker: Any, settings: Any) -> None:
    settings.GENERATION_DAILY_QUOTA = 1
    parent: Any = VideoFactory(
        status=Video.Status.PUBLISHED, visibility=Video.Visibility.PUBLIC, plan=BEACH_DOG_PLAN
    )
    user: Any = UserFactory()
    remix_request(user=user, parent_public_id=parent.public_id, edit="make it claymation")
    assert list(GenerationCharge.objects.filter(user=user).values_list("kind", flat=True)) == [
        "remix"
    ]
    _refusal(lambda: remix_request(user=user, parent_public_id=parent.public_id, edit="at night"))
    _refusal(lambda: _request(user))


def test_a_lowered_quota_waits_for_enough_charges_to_age_out(
    stub_broker: Any, settings: Any
) -> None:
    settings.GENERATION_DAILY_QUOTA = 2
    user: Any = UserFactory()
    for hours_ago in (20, 10, 5, 2):  # four used, two allowed: three must leave the window
        _charged(user, hours_ago=hours_ago)
    refused = _refusal(lambda: _request(user))
    assert refused.retry_after is not None
    assert DAY - 5 * 3600 - 120 <= refused.retry_after <= DAY - 5 * 3600 + 1


def test_quota_zero_switches_generation_off(stub_broker: Any, settings: Any) -> None:
    settings.GENERATION_DAILY_QUOTA = 0
    refused = _refusal(lambda: _request(UserFactory()))
    assert refused.retry_after is None and "switched off" in refused.detail
    assert not GenerationCharge.objects.exists()


def test_upgrading_charges_the_jobs_of_the_last_day() -> None:
    """The migration that brings the ledger turns the last day's jobs into charges, so an
    upgrade does not hand everyone a fresh quota."""
    import importlib

    from django.apps import apps

    from tests.videos.factories import GenerationJobFactory

    migration = importlib.import_module("videos.migrations.0007_generation_charge")
    user: Any = UserFactory()
    recent = GenerationJobFactory(video__owner=user)
    remix = GenerationJobFactory(video__owner=user, video__parent=recent.video)
    GenerationJobFactory(video__owner=user, created_at=timezone.now() - dt.timedelta(hours=30))
    migration.charges_from_recent_jobs(apps, None)
    charged = set(GenerationCharge.objects.values_list("job_id", "kind", "user_id"))
    assert charged == {(recent.pk, "new", user.pk), (remix.pk, "remix", user.pk)}
