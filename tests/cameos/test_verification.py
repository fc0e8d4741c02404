"""Verification clips: checked by content, refused with a clear message and nothing kept, or
kept for a moderator; the upload endpoint; the record page."""

from __future__ import annotations

import glob
import json
import os
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cameos import services, verification
from cameos.models import Cameo, VerificationAttempt
from sora_site.core.errors import ApplicationError, ValidationFailed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _upload(path: Path, name: str = "clip.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes(), content_type="video/mp4")


def _media_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]


def _temp_leftovers() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "framecast-cameo-*")))


@pytest.mark.parametrize(
    ("kind", "code", "words"),
    [
        ("not_video", "not_video", "not a video"),
        ("too_long", "too_long", "too long"),
        ("no_face", "no_face", "could not see a face"),
        ("silent", "no_speech", "could not hear you"),
        ("slide", "no_head_turn", "could not see your head turn"),
        ("loop", "looped", "repeats itself"),
        ("late", "numbers_not_heard", "while it was on screen"),
    ],
)
def test_bad_clips_are_refused_and_nothing_is_kept(
    kind, code, words, clips, challenge, settings
) -> None:
    user = UserFactory()
    before = _temp_leftovers()
    if kind == "not_video":
        upload = SimpleUploadedFile("clip.webm", b"\x1aE\xdf\xa3 not really a video" * 50)
    else:
        upload = _upload(clips[kind])
    with pytest.raises(ValidationFailed) as info:
        services.verification_submit(user=user, upload=upload, challenge=challenge)
    assert info.value.code == code
    assert words in info.value.detail
    assert not Cameo.objects.exists() and not VerificationAttempt.objects.exists()
    assert _media_files(settings) == []
    assert _temp_leftovers() <= before


def test_oversized_upload_is_refused_before_reading(challenge, settings, monkeypatch) -> None:
    monkeypatch.setattr(verification, "MAX_CLIP_BYTES", 1000)
    upload = SimpleUploadedFile("clip.mp4", b"0" * 1001)
    with pytest.raises(ValidationFailed) as info:
        services.verification_submit(user=UserFactory(), upload=upload, challenge=challenge)
    assert info.value.code == "too_large"
    assert _media_files(settings) == []


def test_no_audio_track_is_refused(tmp_path) -> None:
    from tests.cameos.media import make_clip

    path = make_clip(tmp_path / "mute.mp4", fmt="mp4", audio=None)
    with pytest.raises(verification.ClipRejected) as info:
        verification.clip_check(str(path))
    assert info.value.code == "no_audio"


def test_good_clip_is_kept_for_review(clips, challenge, settings) -> None:
    user = UserFactory()
    attempt = services.verification_submit(
        user=user, upload=_upload(clips["good"]), challenge=challenge
    )
    assert attempt.status == "awaiting_review"
    assert attempt.cameo.owner == user and attempt.cameo.status == "pending_verification"
    assert attempt.challenge["numbers"] == challenge["numbers"]
    assert attempt.checks["face_ratio"] >= 0.6 and attempt.checks["speech"] is True
    assert attempt.checks["head_turn"] is True
    assert (attempt.purge_after - attempt.created).days == 30
    # Server-made name; the user's file name is not used.
    assert (
        attempt.clip.name.startswith("cameos/verification/")
        and "clip" not in Path(attempt.clip.name).name
    )
    assert _media_files(settings) == [attempt.clip.name]
    # A second submission while one waits is refused, and stores nothing more.
    with pytest.raises(ApplicationError) as info:
        services.verification_submit(user=user, upload=_upload(clips["good"]), challenge=challenge)
    assert info.value.code == "awaiting_review"
    assert len(_media_files(settings)) == 1


def test_stale_challenge_is_refused(clips) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.verification_submit(
            user=UserFactory(), upload=_upload(clips["good"]), challenge=None
        )
    assert info.value.code == "challenge_expired"


def test_face_detector_is_injectable(clips, challenge) -> None:
    """The face branch on its own: a detector that never sees a face refuses a good clip."""
    with pytest.raises(verification.ClipRejected) as info:
        verification.clip_check(str(clips["good"]), detector=lambda gray: [])
    assert info.value.code == "no_face"


def test_record_page_shows_a_challenge_and_keeps_it(client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("cameos:verify"))
    assert response.status_code == 200
    challenge = client.session["cameo_challenge"]
    html = response.content.decode()
    for number in challenge["numbers"]:
        assert str(number) in html
    assert "turn your head" in html.lower()
    assert 'accept="video/*"' in html and "js/cameos.js" in html
    assert "<script>" not in html  # no inline scripts (CSP)
    again = client.get(reverse("cameos:verify"))
    assert again.status_code == 200
    assert client.session["cameo_challenge"] == challenge


def test_upload_endpoint_json(client, clips, settings) -> None:
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("cameos:verify"))
    bad = client.post(
        reverse("cameos:verify"),
        {"clip": SimpleUploadedFile("x.webm", b"garbage" * 100)},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "not_video" and "not a video" in bad.json()["detail"]
    good = client.post(
        reverse("cameos:verify"), {"clip": _upload(clips["good"])}, HTTP_ACCEPT="application/json"
    )
    assert good.status_code == 201, good.content
    assert good.json()["status"] == "awaiting_review"
    assert VerificationAttempt.objects.filter(cameo__owner=user).count() == 1


def test_upload_endpoint_refuses_large_bodies_unread(client) -> None:
    client.force_login(UserFactory())
    response = client.generic(
        "POST",
        reverse("cameos:verify"),
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=zzz",
        HTTP_ACCEPT="application/json",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_upload_endpoint_checks_csrf(clips) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(
        reverse("cameos:verify"), {"clip": _upload(clips["good"])}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403
    assert not VerificationAttempt.objects.exists()


def test_html_fallback_shows_the_message(client, clips) -> None:
    client.force_login(UserFactory())
    client.get(reverse("cameos:verify"))
    response = client.post(reverse("cameos:verify"), {"clip": _upload(clips["no_face"])})
    assert response.status_code == 400
    assert "could not see a face" in response.content.decode()


def test_webm_clip_as_browsers_record_it(tmp_path) -> None:
    """VP8/Opus WebM without a duration header, like MediaRecorder's output."""
    from tests.cameos.media import make_clip

    path = make_clip(tmp_path / "rec.webm", fmt="webm")
    report = verification.clip_check(str(path))
    assert report.checks["video_codec"] == "vp8" and report.checks["audio_codec"] == "opus"
    assert 8.5 <= report.checks["duration_s"] <= 9.5
    assert report.checks["head_turn_evidence"] == "front, profile, front"
    assert report.checks["numbers_heard"] == [True, True, True] and not report.checks["looped"]
    json.dumps(report.checks)  # stored as JSON


def test_a_clip_shorter_than_the_recorders_script_is_refused(tmp_path) -> None:
    from tests.cameos.media import make_clip

    path = make_clip(tmp_path / "short.mp4", fmt="mp4", seconds=4.0)
    with pytest.raises(verification.ClipRejected) as info:
        verification.clip_check(str(path))
    assert info.value.code == "too_short" and "record 7" in info.value.detail
