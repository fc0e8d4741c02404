from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory


@pytest.fixture
def moderator(db):
    user = UserFactory(is_staff=True, handle="mod_one", email="mod1@example.com")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator2(db):
    user = UserFactory(is_staff=True, handle="mod_two", email="mod2@example.com")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, handle="staff_only", email="staff@example.com")


@pytest.fixture
def video_factory(db):
    from videos.models import Video

    def make(owner=None, status=Video.Status.PUBLISHED, prompt="a fox running through snow"):
        owner = owner or UserFactory()
        return Video.objects.create(owner=owner, prompt=prompt, status=status)

    return make


@pytest.fixture
def run_job(settings, monkeypatch):
    """job_run with an injected engine; returns the video and its job after the run."""
    from tests.videos.factories import GenerationJobFactory
    from videos import engine_adapter
    from videos.runner import job_run

    settings.GENERATION_HEARTBEAT_SECONDS = 0  # the thread would not see the test transaction

    def run(engine):
        monkeypatch.setattr(engine_adapter, "ENGINE_GENERATE", engine)
        job = GenerationJobFactory(video__prompt="a fox running through snow")
        job_run(job.pk)
        job.refresh_from_db()
        job.video.refresh_from_db()
        return job.video, job

    return run
