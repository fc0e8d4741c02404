from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from sora_site.core.errors import LimitExceeded, ValidationFailed
from tests.factories import TeenFactory, UserFactory
from tests.videos.conftest import queued_job_ids
from videos.models import GenerationJob, Video
from videos.services import generation_request

pytestmark = pytest.mark.django_db


def request(user: Any, **overrides: Any) -> GenerationJob:
    options: dict[str, Any] = {
        "prompt": "a dog chases a ball on the beach",
        "duration": 5,
        "aspect": "9:16",
        "style": "auto",
        "camera": "auto",
        "seed": None,
        "resolution": 480,
    }
    options.update(overrides)
    return generation_request(user=user, **options)


def test_creates_draft_and_job_with_normalised_options(stub_broker: Any) -> None:
    user = UserFactory()
    job = request(user, prompt="  a cat on a piano  ", style="Noir", camera="dolly in", seed=7)
    video = job.video
    assert video.owner == user and job.owner == user
    assert video.prompt == "a cat on a piano"
    assert (video.style, video.camera, video.seed) == ("noir", "dolly in", 7)
    assert video.status == Video.Status.DRAFT_GENERATING
    assert job.status == GenerationJob.Status.QUEUED
    assert len(video.public_id) >= 10 and 0 < video.watermark_id < 2**48
    assert video.allow_remix is True


def test_auto_style_is_stored_empty_and_seed_is_chosen(stub_broker: Any) -> None:
    job = request(UserFactory())
    assert job.video.style == "" and job.video.camera == ""
    assert 0 <= job.video.seed < 2**31


def test_teen_drafts_do_not_allow_remix_by_default(stub_broker: Any) -> None:
    assert request(TeenFactory()).video.allow_remix is False


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"prompt": "   "}, "prompt"),
        ({"prompt": "x" * 2001}, "prompt"),
        ({"duration": 7}, "duration"),
        ({"duration": "ten"}, "duration"),
        ({"aspect": "4:3"}, "aspect"),
        ({"style": "vaporwave"}, "style"),
        ({"camera": "drone"}, "camera"),
        ({"seed": "abc"}, "seed"),
        ({"seed": -1}, "seed"),
        ({"resolution": 4000}, "resolution"),
    ],
)
def test_bad_options_store_nothing(stub_broker: Any, overrides: dict[str, Any], code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        request(UserFactory(), **overrides)
    assert caught.value.code == code
    assert caught.value.detail
    assert not Video.objects.exists() and not GenerationJob.objects.exists()


def test_prompt_of_exactly_2000_characters_is_accepted(stub_broker: Any) -> None:
    words = "a red ball bounces past a sleepy cat while a dog runs along the beach at sunset "
    prompt = (words * 30)[:2000].rstrip() + "x" * (2000 - len((words * 30)[:2000].rstrip()))
    assert len(request(UserFactory(), prompt=prompt).video.prompt) == 2000


@pytest.mark.django_db(transaction=True)
def test_enqueues_only_after_commit(stub_broker: Any) -> None:
    user = UserFactory()
    with transaction.atomic():
        job = request(user)
        assert queued_job_ids(stub_broker) == []  # still inside the transaction
    assert queued_job_ids(stub_broker) == [job.pk]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_request_enqueues_nothing(stub_broker: Any) -> None:
    user = UserFactory()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        request(user)
        raise Boom
    assert queued_job_ids(stub_broker) == []
    assert not GenerationJob.objects.exists() and not Video.objects.exists()


def test_teen_quota_is_lower(stub_broker: Any, settings: Any) -> None:
    settings.GENERATION_DAILY_QUOTA = 3
    settings.GENERATION_DAILY_QUOTA_TEEN = 1
    teen, adult = TeenFactory(), UserFactory()
    request(teen)
    with pytest.raises(LimitExceeded):
        request(teen)
    request(adult)
    request(adult)


def test_defaults_are_30_and_15(settings: Any) -> None:
    from videos.services import daily_quota_for

    assert daily_quota_for(UserFactory()) == 30
    assert daily_quota_for(TeenFactory()) == 15


def test_at_most_two_active_jobs(stub_broker: Any) -> None:
    user = UserFactory()
    first = request(user)
    request(user)
    with pytest.raises(LimitExceeded) as caught:
        request(user)
    assert caught.value.code == "too_many_active"
    # A running job counts too; a finished one frees the slot.
    GenerationJob.objects.filter(pk=first.pk).update(status=GenerationJob.Status.SUCCEEDED)
    request(user)
    other = UserFactory()
    request(other)  # limits are per person
