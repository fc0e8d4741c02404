"""The cameo owner co-owns every video their cameo is in: from the appearance page they can
delete any of them, other people's drafts included; nobody else can, and the files go too."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from accounts.models import Notification
from cameos import services
from cameos.models import Cameo, CameoAppearance
from sora_site.core.errors import NotFound
from tests.cameos.factories import CameoFactory
from tests.factories import UserFactory
from tests.videos.factories import GenerationJobFactory, VideoFactory
from videos.models import GenerationJob, Video

pytestmark = pytest.mark.django_db


def _video_with_cameo(cameo: Cameo, *, maker: Any, status: str = Video.Status.DRAFT_READY) -> Video:
    """A video by `maker` using `cameo`, with its job, stored files and ledger row."""
    video = VideoFactory(owner=maker, status=status, cameo_ids=[cameo.pk])
    video.video_file = default_storage.save(f"videos/{video.public_id}/v.mp4", ContentFile(b"mp4"))
    video.poster_file = default_storage.save(f"videos/{video.public_id}/p.jpg", ContentFile(b"jpg"))
    video.save(update_fields=["video_file", "poster_file"])
    GenerationJobFactory(video=video, status=GenerationJob.Status.SUCCEEDED)
    services.appearance_record(
        cameo=cameo, video_pk=video.pk, video_public_id=video.public_id, video_owner=maker
    )
    return video


def _files(video: Video) -> list[str]:
    return [video.video_file.name, video.poster_file.name]


def _delete_url(video: Video) -> str:
    return reverse("cameos:appearance_delete", args=[video.public_id])


def test_owner_deletes_someone_elses_draft_from_the_ledger_page(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    owner, maker = UserFactory(), UserFactory(handle="maker")
    cameo = CameoFactory(owner=owner, permission=Cameo.Permission.EVERYONE)
    draft = _video_with_cameo(cameo, maker=maker)
    files = _files(draft)
    assert all(default_storage.exists(name) for name in files)

    client.force_login(owner)
    page = client.get(reverse("cameos:appearances")).content.decode()
    assert f'action="{_delete_url(draft)}"' in page  # the button is on the ledger page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_delete_url(draft))
    assert response.status_code == 302 and response["Location"] == reverse("cameos:appearances")
    assert not Video.objects.filter(pk=draft.pk).exists()
    assert not GenerationJob.objects.filter(video_id=draft.pk).exists()
    assert not CameoAppearance.objects.filter(video_id=draft.pk).exists()
    assert not any(default_storage.exists(name) for name in files)
    told = Notification.objects.get(recipient=maker, kind="cameo_video_deleted")
    assert f"@{owner.handle}" in told.text and cameo.display_name in told.text
    assert told.actor == owner
    page = client.get(reverse("cameos:appearances")).content.decode()
    assert "Video deleted" in page and draft.public_id not in page


def test_strangers_and_the_creator_get_404_and_nothing_changes(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    owner, maker = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission=Cameo.Permission.EVERYONE)
    draft = _video_with_cameo(cameo, maker=maker)
    # Someone whose own cameo is in *another* video is a stranger to this one.
    other_owner = UserFactory()
    _video_with_cameo(CameoFactory(owner=other_owner), maker=other_owner)
    for person in (UserFactory(), maker, other_owner):
        client.force_login(person)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(_delete_url(draft)).status_code == 404
    assert Video.objects.filter(pk=draft.pk).exists()
    assert all(default_storage.exists(name) for name in _files(draft))
    assert not Notification.objects.filter(kind="cameo_video_deleted").exists()
    with pytest.raises(NotFound):
        services.appearance_delete_video(owner=maker, video_public_id=draft.public_id)


def test_delete_is_post_only_and_csrf_checked() -> None:
    owner = UserFactory()
    cameo = CameoFactory(owner=owner)
    draft = _video_with_cameo(cameo, maker=UserFactory())
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.get(_delete_url(draft)).status_code == 405
    assert strict.post(_delete_url(draft)).status_code == 403  # no CSRF token
    assert Video.objects.filter(pk=draft.pk).exists()
    anonymous = Client().post(_delete_url(draft))
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert Video.objects.filter(pk=draft.pk).exists()


def test_published_videos_can_be_deleted_too(django_capture_on_commit_callbacks: Any) -> None:
    owner, maker = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission=Cameo.Permission.EVERYONE)
    published = _video_with_cameo(cameo, maker=maker, status=Video.Status.PUBLISHED)
    files = _files(published)
    with django_capture_on_commit_callbacks(execute=True):
        deleted = services.appearance_delete_video(owner=owner, video_public_id=published.public_id)
    assert deleted.public_id == published.public_id
    assert not Video.objects.filter(pk=published.pk).exists()
    assert not any(default_storage.exists(name) for name in files)


@pytest.mark.parametrize("status", [Video.Status.IN_REVIEW, Video.Status.REMOVED])
def test_videos_with_moderators_stay(client: Client, status: str) -> None:
    owner, maker = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission=Cameo.Permission.EVERYONE)
    held = _video_with_cameo(cameo, maker=maker, status=status)
    client.force_login(owner)
    page = client.get(reverse("cameos:appearances")).content.decode()
    assert 'class="card appearance"' in page and _delete_url(held) not in page  # no button
    response = client.post(_delete_url(held), follow=True)  # a stale page still gets a reason
    assert response.status_code == 200
    assert "Moderators" in response.content.decode()
    assert Video.objects.filter(pk=held.pk).exists()
    assert CameoAppearance.objects.filter(video_id=held.pk).exists()
    assert not Notification.objects.filter(kind="cameo_video_deleted").exists()


def test_deleting_my_own_video_with_my_cameo_notifies_nobody(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = UserFactory()
    mine = _video_with_cameo(CameoFactory(owner=owner), maker=owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.appearance_delete_video(owner=owner, video_public_id=mine.public_id)
    assert not Video.objects.filter(pk=mine.pk).exists()
    assert not Notification.objects.filter(kind="cameo_video_deleted").exists()
