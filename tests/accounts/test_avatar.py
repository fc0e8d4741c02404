"""Avatars: checked by content, bombs refused from the header, re-encoded without metadata."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.images import AVATAR_MAX_BYTES, AVATAR_SIDE
from accounts.models import User

from .builders import jpeg_with_exif, png_bytes, png_claiming

pytestmark = pytest.mark.django_db

URL = "/settings/profile/"


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def upload(client: Client, name: str, content: bytes, content_type: str = "image/png", **extra):  # type: ignore[no-untyped-def]
    data = {
        "display_name": "New name",
        "bio": "",
        "avatar": SimpleUploadedFile(name, content, content_type),
    }
    data.update(extra)
    return client.post(URL, data)


def test_settings_url_is_stable() -> None:
    assert reverse("accounts:settings_profile") == URL


def test_valid_image_is_reencoded_without_metadata(user_client: Client, user: User) -> None:
    original = jpeg_with_exif(1200, 800)
    assert b"SecretCamera" in original
    response = upload(user_client, "holiday.jpg", original, "image/jpeg")
    assert response.status_code == 302
    user.refresh_from_db()
    name = user.avatar.name
    assert name.startswith("avatars/") and name.endswith(".webp")
    assert "holiday" not in name  # server-made name
    with default_storage.open(name, "rb") as fh:
        data = fh.read()
    assert b"SecretCamera" not in data and b"tracking-software" not in data
    with Image.open(io.BytesIO(data)) as decoded:
        assert decoded.format == "WEBP"
        assert decoded.size == (AVATAR_SIDE, AVATAR_SIDE)
        assert not decoded.getexif()
        assert "exif" not in decoded.info and "icc_profile" not in decoded.info
        r, g, _b = decoded.convert("RGB").getpixel((10, 10))
        assert r > 150 and g < 80  # the picture survived
    assert stored_files() == [name]
    assert user.display_name == "New name"
    # The profile page shows it through accounts' own avatar URL, whatever the storage.
    served_url = f"/avatars/{name.removeprefix('avatars/')}"
    assert f'src="{served_url}"' in user_client.get("/@ada").content.decode()
    served = user_client.get(served_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert b"".join(served.streaming_content) == data


def test_unknown_avatar_is_404(client: Client) -> None:
    assert client.get("/avatars/" + "0" * 32 + ".webp").status_code == 404
    assert client.get("/avatars/../secret_key").status_code == 404


def test_small_image_is_not_upscaled(user_client: Client, user: User) -> None:
    assert upload(user_client, "a.png", png_bytes(40, 30)).status_code == 302
    user.refresh_from_db()
    with default_storage.open(user.avatar.name, "rb") as fh, Image.open(fh) as decoded:
        assert decoded.size == (30, 30)


def test_replacing_the_avatar_deletes_the_old_file(
    user_client: Client, user: User, django_capture_on_commit_callbacks
) -> None:
    upload(user_client, "a.png", png_bytes())
    user.refresh_from_db()
    first = user.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        upload(user_client, "b.png", png_bytes(80, 80))
    user.refresh_from_db()
    assert user.avatar.name != first
    assert stored_files() == [user.avatar.name]


def test_removing_the_avatar_deletes_the_file(
    user_client: Client, user: User, django_capture_on_commit_callbacks
) -> None:
    upload(user_client, "a.png", png_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(URL, {"display_name": "", "bio": "", "remove_avatar": "on"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.avatar
    assert stored_files() == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bomb.png", png_claiming(20000, 20000), "too many pixels"),
        ("big.png", png_claiming(8000, 6000), "too large (8000x6000 pixels)"),
        ("notes.png", b"just some text, not an image at all", "not a PNG, JPEG, WebP or GIF"),
        (
            "vector.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not a PNG, JPEG, WebP or GIF",
        ),
        ("cut.png", png_bytes(200, 200)[:300], "not a PNG, JPEG, WebP or GIF"),
        ("cut.jpg", jpeg_with_exif(300, 300)[:1500], "not a PNG, JPEG, WebP or GIF"),
        ("empty.png", b"", "empty"),
    ],
)
def test_bad_uploads_are_rejected_and_nothing_is_stored(
    user_client: Client, user: User, name: str, content: bytes, message: str
) -> None:
    response = upload(user_client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert not user.avatar
    assert user.display_name != "New name"  # the whole form was refused
    assert stored_files() == []


def test_bomb_is_refused_before_decoding(user_client: Client) -> None:
    """20000x20000 RGB would need 1.2 GB decoded; refused from its ~100-byte header."""
    bomb = png_claiming(20000, 20000)
    assert len(bomb) < 1000
    response = upload(user_client, "bomb.png", bomb)
    assert "too many pixels" in response.content.decode()


def test_too_big_file_is_rejected(user_client: Client) -> None:
    big = png_bytes(64, 64) + os.urandom(AVATAR_MAX_BYTES)  # valid header, 5 MB + of payload
    response = upload(user_client, "huge.png", big)
    assert response.status_code == 200
    assert "too big" in response.content.decode()
    assert stored_files() == []


def test_old_avatar_kept_when_new_upload_is_rejected(user_client: Client, user: User) -> None:
    upload(user_client, "a.png", png_bytes())
    user.refresh_from_db()
    first = user.avatar.name
    response = upload(user_client, "bomb.png", png_claiming(20000, 20000))
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.avatar.name == first
    assert stored_files() == [first]


def test_settings_profile_requires_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
