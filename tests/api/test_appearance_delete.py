"""DELETE /cameos/appearances/{video_id}: a cameo's owner deletes a video their cameo is in, as on
the appearance page; anybody else gets a 404 and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import Notification
from cameos import services as cameo_services
from cameos.models import Cameo, CameoAppearance
from tests.api.conftest import client_for
from tests.cameos.factories import CameoFactory
from tests.factories import UserFactory
from tests.videos.factories import GenerationJobFactory, VideoFactory
from videos.models import GenerationJob, Video

pytestmark = pytest.mark.django_db


def _video_with_cameo(cameo: Cameo, *, maker: Any, status: str = Video.Status.DRAFT_READY) -> Video:
    video = VideoFactory(owner=maker, status=status, cameo_ids=[cameo.pk])
    video.video_file = default_storage.save(f"videos/{video.public_id}/v.mp4", ContentFile(b"mp4"))
    video.poster_file = default_storage.save(f"videos/{video.public_id}/p.jpg", ContentFile(b"jpg"))
    video.save(update_fields=["video_file", "poster_file"])
    GenerationJobFactory(video=video, status=GenerationJob.Status.SUCCEEDED)
    cameo_services.appearance_record(
        cameo=cameo, video_pk=video.pk, video_public_id=video.public_id, video_owner=maker
    )
    return video


def _url(public_id: str) -> str:
    return f"/api/v1/cameos/appearances/{public_id}"


def _files(video: Video) -> list[str]:
    return [video.video_file.name, video.poster_file.name]


@pytest.mark.parametrize("status", [Video.Status.DRAFT_READY, Video.Status.PUBLISHED])
def test_owner_deletes_someone_elses_video_with_their_cameo(
    django_capture_on_commit_callbacks: Any, status: str
) -> None:
    owner, maker = UserFactory(handle="owner"), UserFactory()
    cameo = CameoFactory(owner=owner, permission=Cameo.Permission.EVERYONE, display_name="Olive")
    video = _video_with_cameo(cameo, maker=maker, status=status)
    files = _files(video)
    api = client_for(owner, ["cameos:read", "cameos:write"])
    listed = api.get("/api/v1/cameos/appearances").json()["results"]
    assert [row["video_id"] for row in listed] == [video.public_id]

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(_url(video.public_id))

    assert response.status_code == 204, response.content
    assert not Video.objects.filter(pk=video.pk).exists()
    assert not GenerationJob.objects.filter(video_id=video.pk).exists()
    assert not CameoAppearance.objects.filter(video_id=video.pk).exists()
    assert not any(default_storage.exists(name) for name in files)
    told = Notification.objects.get(recipient=maker, kind="cameo_video_deleted")
    assert "@owner" in told.text and "Olive" in told.text
    assert api.get("/api/v1/cameos/appearances").json()["results"] == []
    again = api.delete(_url(video.public_id))
    assert again.status_code == 404 and again.json()["code"] == "video_not_found"


def test_people_who_co_own_nothing_there_get_404_and_nothing_changes(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner, maker = UserFactory(), UserFactory()
    video = _video_with_cameo(CameoFactory(owner=owner, permission="everyone"), maker=maker)
    # Someone whose own cameo is in another video co-owns that one, not this one.
    other_owner = UserFactory()
    _video_with_cameo(CameoFactory(owner=other_owner), maker=other_owner)
    for person in (UserFactory(), maker, other_owner):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(person).delete(_url(video.public_id))
        assert response.status_code == 404, response.content
        assert response.json() == {"detail": "No such video.", "code": "video_not_found"}
    unknown = client_for(owner).delete(_url("no-such-video"))
    assert unknown.status_code == 404 and unknown.json()["code"] == "video_not_found"
    assert Video.objects.filter(pk=video.pk).exists()
    assert CameoAppearance.objects.filter(video_id=video.pk).exists()
    assert all(default_storage.exists(name) for name in _files(video))
    assert not Notification.objects.filter(kind="cameo_video_deleted").exists()


@pytest.mark.parametrize("status", [Video.Status.IN_REVIEW, Video.Status.REMOVED])
def test_videos_with_moderators_stay_with_a_409(status: str) -> None:
    owner = UserFactory()
    held = _video_with_cameo(CameoFactory(owner=owner), maker=UserFactory(), status=status)
    response = client_for(owner).delete(_url(held.public_id))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "with_moderators" and "Moderators" in body["detail"]
    assert Video.objects.filter(pk=held.pk).exists()
    assert CameoAppearance.objects.filter(video_id=held.pk).exists()


def test_reading_cameos_is_not_enough_to_delete() -> None:
    owner = UserFactory()
    video = _video_with_cameo(CameoFactory(owner=owner), maker=UserFactory())
    response = client_for(owner, ["cameos:read", "videos:write"]).delete(_url(video.public_id))
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert Video.objects.filter(pk=video.pk).exists()
