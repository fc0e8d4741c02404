"""The cameo walk in a real browser: record the verification clip with the camera, a moderator
approves it in admin, a person the owner approved picks the cameo on Create and makes a draft,
and the owner sees that draft on the appearance page.

Chromium's default fake camera shows a test pattern with no face, which the server's face check
rightly refuses; so the fake camera plays a Y4M file made from real photos (scikit-image's
"astronaut" from the front, its "camera" man in profile: a head turn as the detector sees one),
and the fake microphone plays syllable-like bursts (--use-file-for-fake-video-capture /
--use-file-for-fake-audio-capture). The recording follows the recorder's script (numbers, then
the turn) and goes through getUserMedia, MediaRecorder (VP8/Opus WebM) and the real upload and
checks.
"""

from __future__ import annotations

import os
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from django.contrib.auth.models import Group
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, require_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _write_y4m(path: Path, *, width: int = 360, height: int = 640, fps: int = 10) -> None:
    """A face from the front, turning to profile in the middle and back (the same frames the
    server-side tests check, tests/cameos/media.py), 10 s; the fake camera plays it in a loop."""
    from tests.cameos.media import _picture, _placed, face_photo, profile_photo

    photos = {"front": _placed(face_photo(), width), "side": _placed(profile_photo(), width)}
    frames = fps * 10
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for i in range(frames):
            # shifted so the turn comes 4-7 s into a recording that starts 1-8 s into the file
            canvas = _picture("turn", ((i / frames) - 0.2) % 1.0, width, height, photos)
            ycbcr = np.asarray(Image.fromarray(canvas).convert("YCbCr"))
            y = ycbcr[:, :, 0]
            cb = ycbcr[::2, ::2, 1]
            cr = ycbcr[::2, ::2, 2]
            out.write(b"FRAME\n" + y.tobytes() + cb.tobytes() + cr.tobytes())


def _write_wav(path: Path, seconds: float = 4.0, rate: int = 48000) -> None:
    t = np.arange(int(seconds * rate)) / rate
    envelope = (np.sin(2 * np.pi * 3 * t) > 0.2).astype(np.float64)
    samples = 0.3 * envelope * np.sin(2 * np.pi * 220 * t)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())


def _login(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "domain": host, "path": "/"}])


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in this thread, and its session fixture starts
    before the database is set up; the ORM calls here are plain synchronous ones."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_record_verify_approve_and_see_appearance(live_server, playwright, tmp_path):
    require_chromium()
    from cameos import services
    from cameos.models import Cameo, VerificationAttempt
    from tests.factories import UserFactory

    video, audio = tmp_path / "face.y4m", tmp_path / "voice.wav"
    _write_y4m(video)
    _write_wav(audio)
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
            f"--use-file-for-fake-audio-capture={audio}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    try:
        owner = UserFactory()
        context = browser.new_context()
        _login(context, live_server, owner)
        page = context.new_page()
        page.goto(f"{live_server.url}/cameo/verify/")
        page.get_by_role("button", name="Start camera").click()
        record = page.locator("#record-start")
        expect(record).to_be_enabled(timeout=15000)
        record.click()
        # 3 s countdown, then the recorder's script (numbers, the turn) until it stops itself.
        expect(page.locator("#recorder-countdown")).to_contain_text("Say:", timeout=10000)
        send = page.locator("#record-send")
        expect(send).to_be_enabled(timeout=20000)
        send.click()
        page.wait_for_url(f"{live_server.url}/cameo/", timeout=60000)
        assert "A moderator will review your recording" in page.content()

        attempt = VerificationAttempt.objects.get(cameo__owner=owner)
        assert attempt.checks["video_codec"] in ("vp8", "vp9")
        assert attempt.checks["face_ratio"] >= 0.6 and attempt.checks["speech"]

        moderator = UserFactory(is_staff=True)
        moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
        mod_context = browser.new_context()
        _login(mod_context, live_server, moderator)
        mod_page = mod_context.new_page()
        mod_page.goto(f"{live_server.url}/admin/cameos/verificationattempt/{attempt.pk}/review/")
        assert mod_page.locator("video.review-clip").count() == 1
        mod_page.get_by_label("Approve").check()
        mod_page.get_by_role("button", name="Decide").click()
        mod_page.wait_for_url("**/admin/cameos/verificationattempt/")
        cameo = Cameo.objects.get(owner=owner)
        assert cameo.status == "verified" and cameo.references.exists()

        # The owner lets people they approve use it, and approves one person's request.
        maker = UserFactory()
        services.cameo_settings_update(
            cameo=cameo,
            user=owner,
            permission=Cameo.Permission.APPROVED,
            voice_preset=cameo.voice_preset,
        )
        services.grant_approve(grant=services.grant_request(cameo=cameo, user=maker), owner=owner)

        # That person makes a video with it through Create's cameo picker. No worker runs
        # beside live_server: the draft stays queued, and the ledger row is written with it.
        maker_context = browser.new_context()
        _login(maker_context, live_server, maker)
        maker_page = maker_context.new_page()
        maker_page.goto(f"{live_server.url}/create/")
        prompt = "waves hello on a sunny beach"
        maker_page.fill("#id_prompt", prompt)
        maker_page.select_option("#id_duration", "5")
        maker_page.select_option("#id_resolution", "480")
        pick = maker_page.get_by_label(f"{cameo.display_name} (@{owner.handle})")
        expect(pick).to_be_visible()
        pick.check()
        maker_page.get_by_role("button", name="Generate").click()
        maker_page.wait_for_url("**/drafts/#draft-*", timeout=30000)
        public_id = maker_page.url.rsplit("#draft-", 1)[1]
        expect(maker_page.locator(f"#draft-{public_id}")).to_be_visible()

        # The owner's appearance page lists the draft, theirs to delete.
        page.goto(f"{live_server.url}/cameo/appearances/")
        row = page.locator("li.card.appearance").filter(has_text=f"@{maker.handle}")
        expect(row).to_have_count(1)
        expect(row).to_contain_text(prompt)
        expect(row).to_contain_text(cameo.display_name)
        expect(row.locator(f'form[action="/cameo/appearances/{public_id}/delete/"]')).to_have_count(
            1
        )
    finally:
        browser.close()
