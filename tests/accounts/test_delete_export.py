"""Account deletion (password-confirmed, files removed) and the data export zip."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Notification, User
from tests.factories import DEFAULT_PASSWORD, UserFactory

from .builders import png_bytes

pytestmark = pytest.mark.django_db


def give_avatar(client: Client, user: User) -> str:
    client.post(
        reverse("accounts:settings_profile"),
        {
            "display_name": user.display_name,
            "bio": user.bio,
            "avatar": SimpleUploadedFile("a.png", png_bytes()),
        },
    )
    user.refresh_from_db()
    assert user.avatar
    return user.avatar.name


def test_urls() -> None:
    assert reverse("accounts:settings_delete") == "/settings/delete/"
    assert reverse("accounts:settings_export") == "/settings/export/"


def test_delete_needs_the_right_password(user_client: Client, user: User) -> None:
    avatar = give_avatar(user_client, user)
    response = user_client.post(reverse("accounts:settings_delete"), {"password": "wrong"})
    assert response.status_code == 200
    assert "That password is not correct." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert default_storage.exists(avatar)
    empty = user_client.post(reverse("accounts:settings_delete"), {"password": ""})
    assert "This field is required" in empty.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_removes_the_user_and_their_files(
    user_client: Client, user: User, registries: None, django_capture_on_commit_callbacks
) -> None:
    avatar = give_avatar(user_client, user)
    # Another app's file, reported through the registry (as videos and cameos do).
    video = default_storage.save(f"videos/{user.pk}/clip.mp4", ContentFile(b"\x00" * 100))
    services.register_user_media_collector(lambda u: [video] if u.pk == user.pk else [])
    other = UserFactory()
    other_file = default_storage.save("videos/other/clip.mp4", ContentFile(b"x"))
    services.register_user_media_collector(lambda u: [other_file] if u.pk == other.pk else [])
    Notification.objects.create(recipient=user, kind="follow", text="hi")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            reverse("accounts:settings_delete"), {"password": DEFAULT_PASSWORD}
        )
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email=user.email).exists()
    assert not Notification.objects.filter(recipient_id=user.pk).exists()
    assert not default_storage.exists(avatar)
    assert not default_storage.exists(video)
    assert default_storage.exists(other_file)  # only the deleted person's files go
    assert "_auth_user_id" not in user_client.session
    follow = user_client.get(response["Location"])
    assert "Your account and your files are deleted." in follow.content.decode()


def test_delete_page_requires_login(client: Client) -> None:
    response = client.post(reverse("accounts:settings_delete"), {"password": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def read_zip(response) -> zipfile.ZipFile:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(body))


def test_export_contains_data_json_and_avatar(
    user_client: Client, user: User, registries: None
) -> None:
    avatar = give_avatar(user_client, user)
    Notification.objects.create(recipient=user, kind="comment", text="Nice video")
    other = UserFactory()
    Notification.objects.create(recipient=other, kind="comment", text="Not yours")
    services.register_user_data_exporter("videos", lambda u: [{"owner": u.handle}])

    assert user_client.get(reverse("accounts:settings_export")).status_code == 200
    response = user_client.post(reverse("accounts:settings_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="framecast-ada-export.zip"' in response["Content-Disposition"]
    archive = read_zip(response)
    data = json.loads(archive.read("data.json"))
    profile = data["profile"]
    assert profile["handle"] == "ada"
    assert profile["email"] == "ada@example.com"
    assert profile["display_name"] == "Ada L."
    assert profile["is_teen"] is False
    assert [n["text"] for n in profile["notifications"]] == ["Nice video"]
    assert data["videos"] == [{"owner": "ada"}]
    assert data["media"] == [f"media/{avatar}"]
    with default_storage.open(avatar, "rb") as fh:
        assert archive.read(f"media/{avatar}") == fh.read()
    assert "password" not in json.dumps(data).lower()


def test_export_without_media_and_with_a_missing_file(
    user_client: Client, user: User, registries: None
) -> None:
    services.register_user_media_collector(lambda u: ["videos/gone.mp4"])
    archive = read_zip(user_client.post(reverse("accounts:settings_export")))
    data = json.loads(archive.read("data.json"))
    assert data["media"] == []
    assert archive.namelist() == ["data.json"]


def test_export_requires_login(client: Client) -> None:
    response = client.post(reverse("accounts:settings_export"))
    assert response.status_code == 302


def test_delete_blocked_by_protected_records_keeps_everything(
    user_client: Client, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db.models import ProtectedError

    avatar = give_avatar(user_client, user)

    def protected(self: User, *args: object, **kwargs: object) -> None:
        raise ProtectedError("kept for a moderation case", set())

    monkeypatch.setattr(User, "delete", protected)
    response = user_client.post(reverse("accounts:settings_delete"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "cannot be deleted right now" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert default_storage.exists(avatar)
