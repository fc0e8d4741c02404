from __future__ import annotations

import pytest

from sora_site.core.errors import ApplicationError, Conflict
from videos.models import GenerationJob, Video
from videos.services import job_can_move, job_move, video_can_move, video_move

J = GenerationJob.Status
V = Video.Status


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (J.QUEUED, J.RUNNING),
        (J.QUEUED, J.CANCELLED),
        (J.RUNNING, J.SUCCEEDED),
        (J.RUNNING, J.FAILED),
        (J.RUNNING, J.CANCELLED),
        (J.RUNNING, J.QUEUED),
        (J.FAILED, J.QUEUED),
        (J.CANCELLED, J.QUEUED),
    ],
)
def test_job_allowed_transitions(current: str, target: str) -> None:
    job = GenerationJob(status=current)
    job_move(job, target)
    assert job.status == target


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (J.SUCCEEDED, J.RUNNING),
        (J.SUCCEEDED, J.QUEUED),
        (J.SUCCEEDED, J.FAILED),
        (J.QUEUED, J.SUCCEEDED),
        (J.FAILED, J.SUCCEEDED),
        (J.CANCELLED, J.RUNNING),
        (J.FAILED, J.RUNNING),
    ],
)
def test_job_illegal_transitions_are_refused(current: str, target: str) -> None:
    job = GenerationJob(status=current)
    with pytest.raises(Conflict) as caught:
        job_move(job, target)
    assert isinstance(caught.value, ApplicationError)
    assert caught.value.code == "illegal_transition"
    assert job.status == current  # unchanged


def test_video_machine() -> None:
    assert video_can_move(V.DRAFT_GENERATING, V.DRAFT_READY)
    assert video_can_move(V.DRAFT_READY, V.PUBLISHED)
    assert video_can_move(V.PUBLISHED, V.DRAFT_READY)
    assert not video_can_move(V.DRAFT_GENERATING, V.PUBLISHED)
    assert not video_can_move(V.DRAFT_FAILED, V.PUBLISHED)
    assert video_can_move(V.REMOVED, V.PUBLISHED)  # an overturned removal restores it
    assert not video_can_move(V.REMOVED, V.DRAFT_GENERATING)
    video = Video(status=V.DRAFT_FAILED)
    with pytest.raises(Conflict):
        video_move(video, V.PUBLISHED)
    assert not job_can_move(J.SUCCEEDED, J.CANCELLED)
