"""Pages and the rest of a cameo's life: settings, grants, characters, the appearance ledger and
the picker list (query counts), deletion (files purged) and the 30-day clip purge."""

from __future__ import annotations

import datetime as dt
import io
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import Notification
from accounts.services import user_media_paths
from accounts.social import follow_create
from cameos import services
from cameos.models import Cameo, CameoAppearance, CameoGrant, CameoReference, VerificationAttempt
from sora_site.core.errors import ValidationFailed
from tests.cameos.factories import CameoFactory, GrantFactory
from tests.cameos.media import png_bytes
from tests.factories import TeenFactory, UserFactory

pytestmark = pytest.mark.django_db


def _with_files(cameo: Cameo) -> list[str]:
    ref = default_storage.save(f"cameos/{cameo.pk}/r.png", ContentFile(png_bytes()))
    CameoReference.objects.create(cameo=cameo, file=ref, width=400, height=300)
    clip = default_storage.save("cameos/verification/c.mp4", ContentFile(b"clip"))
    VerificationAttempt.objects.create(
        cameo=cameo, clip=clip, purge_after=timezone.now() + dt.timedelta(days=30)
    )
    return [ref, clip]


def test_delete_cameo_purges_its_files(client, django_capture_on_commit_callbacks) -> None:
    cameo = CameoFactory()
    paths = _with_files(cameo)
    assert sorted(user_media_paths(user=cameo.owner)) == sorted(paths)  # export and deletion
    client.force_login(cameo.owner)
    other = UserFactory()
    client.force_login(other)
    assert client.post(reverse("cameos:delete", args=[cameo.pk])).status_code == 404
    client.force_login(cameo.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cameos:delete", args=[cameo.pk]))
    assert response.status_code == 302
    assert not Cameo.objects.filter(pk=cameo.pk).exists()
    assert not any(default_storage.exists(p) for p in paths)


def test_clips_are_purged_after_30_days(django_capture_on_commit_callbacks) -> None:
    cameo = CameoFactory()
    clip = default_storage.save("cameos/verification/old.mp4", ContentFile(b"old"))
    fresh_clip = default_storage.save("cameos/verification/new.mp4", ContentFile(b"new"))
    now = timezone.now()
    old = VerificationAttempt.objects.create(
        cameo=cameo,
        clip=clip,
        purge_after=now - dt.timedelta(minutes=1),
        created=now - dt.timedelta(days=30),
    )
    waiting = VerificationAttempt.objects.create(
        cameo=cameo, clip=fresh_clip, purge_after=now + dt.timedelta(days=29)
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_verification_clips", stdout=out)
    assert "Deleted 1" in out.getvalue()
    old.refresh_from_db()
    waiting.refresh_from_db()
    assert not old.clip and old.clip_purged_at and not default_storage.exists(clip)
    assert old.status == "rejected"  # never reviewed in time: closed as expired
    assert waiting.clip and default_storage.exists(fresh_clip)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.verification_clips_purge(now=now + dt.timedelta(days=30)) == 1
    assert not default_storage.exists(fresh_clip)


def test_settings_page_saves_and_refuses_everyone_for_teens(client) -> None:
    teen = TeenFactory()
    cameo = CameoFactory(owner=teen)
    client.force_login(teen)
    page = client.get(reverse("cameos:mine"))
    assert page.status_code == 200
    assert 'value="everyone"' not in page.content.decode()
    data = {
        "display_name": "Me!",
        "permission": "everyone",
        "voice_preset": "en-us+f3",
        "appearance_notes": "",
        "restrictions": "",
    }
    bad = client.post(reverse("cameos:settings", args=[cameo.pk]), data)
    assert bad.status_code == 400
    data["permission"] = "mutuals"
    ok = client.post(reverse("cameos:settings", args=[cameo.pk]), data)
    assert ok.status_code == 302
    cameo.refresh_from_db()
    assert (cameo.permission, cameo.voice_preset, cameo.display_name) == (
        "mutuals",
        "en-us+f3",
        "Me!",
    )


def test_request_approve_revoke_through_pages(client) -> None:
    owner, fan = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission="approved")
    client.force_login(fan)
    page = client.get(reverse("cameos:request", args=[cameo.pk]))
    assert "Ask to use this cameo" in page.content.decode()
    assert client.post(reverse("cameos:request", args=[cameo.pk])).status_code == 302
    grant = CameoGrant.objects.get(cameo=cameo, user=fan)
    assert grant.status == "requested"
    assert Notification.objects.filter(recipient=owner, kind="cameo_request").exists()
    # Only the owner decides.
    url = reverse("cameos:grant", args=[cameo.pk, grant.pk, "approve"])
    assert client.post(url).status_code == 404
    client.force_login(owner)
    mine = client.get(reverse("cameos:mine")).content.decode()
    assert f"@{fan.handle} asks to use this cameo" in mine
    assert client.post(url).status_code == 302
    grant.refresh_from_db()
    assert grant.status == "approved"
    assert Notification.objects.filter(recipient=fan, kind="cameo_grant").count() == 1
    client.post(reverse("cameos:grant", args=[cameo.pk, grant.pk, "revoke"]))
    grant.refresh_from_db()
    assert grant.status == "revoked"
    # A per-cameo block by handle.
    client.post(reverse("cameos:block_add", args=[cameo.pk]), {"handle": f"@{fan.handle}"})
    assert cameo.blocks.filter(user=fan).exists()


def test_only_me_cameos_take_no_requests() -> None:
    cameo = CameoFactory(permission="only_me")
    with pytest.raises(Exception) as info:
        services.grant_request(cameo=cameo, user=UserFactory())
    assert getattr(info.value, "code", "") == "cameo_only_me"


def test_character_from_images(client, settings) -> None:
    user = UserFactory()
    client.force_login(user)
    bad = client.post(
        reverse("cameos:character_new"),
        {
            "display_name": "Rex",
            "voice_preset": "en+m2",
            "permission": "only_me",
            "images": [SimpleUploadedFile("a.png", b"not an image")],
        },
    )
    assert bad.status_code == 400 and "not an image" in bad.content.decode()
    assert not Cameo.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.png"))

    # A PNG whose header reads fine but whose chunks break while decoding (Pillow raises
    # SyntaxError there): refused like any unreadable file, not a 500.
    whole = png_bytes()
    idat_at = whole.index(b"IDAT") - 4
    idat_length = int.from_bytes(whole[idat_at : idat_at + 4], "big")
    half = idat_length // 2
    idat_half = whole[idat_at + 8 : idat_at + 8 + half]
    broken_png = (
        whole[:idat_at]
        + half.to_bytes(4, "big")
        + b"IDAT"
        + idat_half
        + zlib.crc32(b"IDAT" + idat_half).to_bytes(4, "big")
        + b"\x00\x00\x00\x05\x01\x02\x03\x04xxxxxxxxx"  # a chunk with an impossible name
    )
    broken = client.post(
        reverse("cameos:character_new"),
        {
            "display_name": "Rex",
            "voice_preset": "en+m2",
            "permission": "only_me",
            "images": [SimpleUploadedFile("b.png", broken_png)],
        },
    )
    assert broken.status_code == 400 and "not an image" in broken.content.decode()
    assert not Cameo.objects.exists()

    jpeg = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(jpeg, format="JPEG")
    ok = client.post(
        reverse("cameos:character_new"),
        {
            "display_name": "Rex",
            "voice_preset": "en+m2",
            "permission": "everyone",
            "images": [
                SimpleUploadedFile("dog.jpg", jpeg.getvalue()),
                SimpleUploadedFile("dog2.png", png_bytes()),
            ],
        },
    )
    assert ok.status_code == 302
    cameo = Cameo.objects.get(owner=user)
    assert (cameo.kind, cameo.status) == ("character", "active")
    refs = list(cameo.references.all())
    assert len(refs) == 2
    for ref in refs:
        assert ref.file.name.endswith(".png") and "dog" not in ref.file.name
        assert Image.open(default_storage.open(ref.file.name)).format == "PNG"


def test_character_from_a_clip(clips) -> None:
    cameo = services.character_cameo_create(
        owner=UserFactory(),
        display_name="Blob",
        clip=SimpleUploadedFile("c.mp4", Path(clips["no_face"]).read_bytes()),
    )
    assert cameo.references.count() == 3


def test_character_image_limits(monkeypatch) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.character_cameo_create(
            owner=UserFactory(),
            display_name="Big",
            images=[SimpleUploadedFile("a.png", b"0" * (10 * 1024 * 1024 + 1))],
        )
    assert info.value.code == "image_too_large"
    with pytest.raises(ValidationFailed) as many:
        services.character_cameo_create(
            owner=UserFactory(),
            display_name="Many",
            images=[SimpleUploadedFile(f"{i}.png", png_bytes()) for i in range(5)],
        )
    assert many.value.code == "too_many_images"
    bmp = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(bmp, format="BMP")  # a real image, not an allowed one
    for name, data in (("a.bmp", bmp.getvalue()), ("a.png", b"not an image at all" * 20)):
        with pytest.raises(ValidationFailed) as refused:
            services.character_cameo_create(
                owner=UserFactory(),
                display_name="Odd",
                images=[SimpleUploadedFile(name, data)],
            )
        assert refused.value.code == "not_image" and "JPEG, PNG" in refused.value.detail


def _ledger(owner, count: int, first: int = 1000) -> None:
    has_person = Cameo.objects.filter(owner=owner, kind="person").exists()
    cameo = CameoFactory(owner=owner, kind="character" if has_person else "person")
    for i in range(count):
        services.appearance_record(
            cameo=cameo, video_pk=first + i, video_public_id=f"vid{i}", video_owner=UserFactory()
        )


def test_appearance_ledger_lists_and_notifies(client, django_assert_num_queries) -> None:
    owner = UserFactory()
    _ledger(owner, 3)
    assert Notification.objects.filter(recipient=owner, kind="cameo_used").count() == 3
    # Recording twice is idempotent.
    appearance = CameoAppearance.objects.first()
    services.appearance_record(
        cameo=appearance.cameo,
        video_pk=appearance.video_id,
        video_public_id="x",
        video_owner=appearance.video_owner,
    )
    assert CameoAppearance.objects.count() == 3
    client.force_login(owner)
    client.get(reverse("cameos:appearances"))  # warm the session
    # session + user + ledger (one join) + the videos' cards (one query, registered by the
    # videos app) + the layout's unread count, however many rows.
    with django_assert_num_queries(5):
        response = client.get(reverse("cameos:appearances"))
    html = response.content.decode()
    assert html.count('class="card appearance"') == 3 and "vid2" in html
    _ledger(owner, 5, first=2000)
    with django_assert_num_queries(5):
        client.get(reverse("cameos:appearances"))
    # Someone else sees only their own ledger.
    client.force_login(UserFactory())
    html = client.get(reverse("cameos:appearances")).content.decode()
    assert 'class="card appearance"' not in html


def test_appearance_page_uses_the_video_resolver(client) -> None:
    owner = UserFactory()
    _ledger(owner, 2)
    seen: list[list[int]] = []

    def resolve(ids):
        seen.append(list(ids))
        return {i: services.VideoCard(title=f"Title {i}", watch_url=f"/v/{i}/") for i in ids}

    previous = services.video_resolver()
    services.register_video_resolver(resolve)
    try:
        client.force_login(owner)
        html = client.get(reverse("cameos:appearances")).content.decode()
    finally:
        services._video_resolvers[:] = [previous] if previous else []
    assert seen == [[1001, 1000]]
    assert "Title 1000" in html and 'href="/v/1001/"' in html
    assert services.appearance_forget(video_pk=1000) == 1


def test_available_list_and_json(client, django_assert_num_queries) -> None:
    me = UserFactory()
    CameoFactory(owner=me)
    for _ in range(3):
        CameoFactory(permission="everyone")
    hidden = CameoFactory(permission="only_me")
    friend_cameo = CameoFactory(permission="mutuals")
    follow_create(follower=me, followee=friend_cameo.owner)
    follow_create(follower=friend_cameo.owner, followee=me)
    GrantFactory(cameo=CameoFactory(permission="approved"), user=me)
    client.force_login(me)
    client.get(reverse("cameos:available"))
    # session + user + the list (one query) + the layout's unread count.
    with django_assert_num_queries(4):
        response = client.get(reverse("cameos:available"))
    html = response.content.decode()
    assert html.count('class="card cameo-item"') == 6
    assert hidden.display_name not in html or hidden.owner.handle not in html
    with django_assert_num_queries(3):
        data = client.get(reverse("cameos:available"), {"format": "json"}).json()
    ids = {row["id"] for row in data["results"]}
    assert hidden.pk not in ids and friend_cameo.pk in ids and len(ids) == 6
    assert sum(row["mine"] for row in data["results"]) == 1


def test_pages_render_for_their_owner_only(client) -> None:
    user = UserFactory()
    client.force_login(user)
    empty = client.get(reverse("cameos:mine"))
    assert empty.status_code == 200 and reverse("cameos:verify") in empty.content.decode()
    character = CameoFactory(owner=user, kind="character", status="active", display_name="Rex")
    page = client.get(reverse("cameos:manage", args=[character.pk]))
    assert page.status_code == 200 and "Rex" in page.content.decode()
    assert "cameos.css" in page.content.decode() and 'style="' not in page.content.decode()
    client.force_login(UserFactory())
    assert client.get(reverse("cameos:manage", args=[character.pk])).status_code == 404
    assert (
        client.post(
            reverse("cameos:settings", args=[character.pk]),
            {"display_name": "Mine now", "permission": "everyone", "voice_preset": "en-us"},
        ).status_code
        == 404
    )
    character.refresh_from_db()
    assert character.display_name == "Rex"
