"""The public Verify page: C2PA and the invisible watermark, on real generated files."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

import av
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from dramatiq.brokers.stub import StubBroker

import gen_engine
from tests.factories import UserFactory
from tests.videos.conftest import message_args
from videos import tasks as video_tasks
from videos.models import VerifyCheck, Video
from videos.verify import verify_checks_purge

WATERMARK_ID = 0x1234_5678_9ABC


@pytest.fixture(scope="module")
def signed_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verify-clip")
    spec = gen_engine.GenerationSpec(
        prompt="a red ball bounces in a studio",
        duration=5,
        resolution=480,
        watermark_id=WATERMARK_ID,
        video_id="verifytest1",
        creator_handle="ada",
    )
    return Path(gen_engine.generate(spec, out).video_path)


def _stripped_copy(source: Path, target: Path) -> Path:
    """Re-mux the streams into a new MP4: same pixels, no C2PA manifest."""
    with av.open(str(source)) as src, av.open(str(target), "w", format="mp4") as dst:
        mapping = {
            s.index: dst.add_stream_from_template(s)
            for s in src.streams
            if s.type in ("video", "audio")
        }
        for packet in src.demux():
            if packet.dts is None or packet.stream.index not in mapping:
                continue
            packet.stream = mapping[packet.stream.index]
            dst.mux(packet)
    return target


def _upload(client: Client, data: bytes, name: str = "clip.mp4") -> tuple[int, str]:
    response = client.post("/verify", {"file": SimpleUploadedFile(name, data, "video/mp4")})
    return response.status_code, response.content.decode()


def _video(**fields: object) -> Video:
    return Video.objects.create(
        owner=UserFactory(),
        prompt="secret prompt about a red ball",
        watermark_id=WATERMARK_ID,
        **fields,
    )


@pytest.mark.django_db
def test_signed_file_is_trusted_and_links_the_public_video(signed_clip: Path) -> None:
    video = _video(status=Video.Status.PUBLISHED, visibility=Video.Visibility.PUBLIC)
    status, body = _upload(Client(), signed_clip.read_bytes())
    assert status == 200
    assert "Valid and signed by" in body
    assert "Found" in body
    assert f"/v/{video.public_id}/" in body


@pytest.mark.django_db
def test_stripped_copy_still_resolves_through_the_watermark(
    signed_clip: Path, tmp_path: Path
) -> None:
    _video(status=Video.Status.DRAFT_READY)
    stripped = _stripped_copy(signed_clip, tmp_path / "stripped.mp4")
    status, body = _upload(Client(), stripped.read_bytes())
    assert status == 200
    assert "None found" in body and "Found</strong>" in body
    assert "Made on Framecast on" in body
    assert "secret prompt" not in body and "/v/" not in body  # a draft leaks nothing


@pytest.mark.django_db
def test_tampered_media_fails_c2pa(signed_clip: Path) -> None:
    data = bytearray(signed_clip.read_bytes())
    data[data.rfind(b"mdat") + 4000] ^= 0xFF
    status, body = _upload(Client(), bytes(data))
    assert status == 200
    assert "Present but invalid" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "status", "message"),
    [
        (b"", "empty.mp4", 400, "The file is empty."),
        (b"%PDF-1.7 not a video at all" * 50, "doc.mp4", 400, "not a video file we can read"),
    ],
)
def test_bad_uploads_get_clear_messages_and_leave_nothing(
    data: bytes, name: str, status: int, message: str
) -> None:
    before = set(Path(tempfile.gettempdir()).glob("verify-*"))
    got_status, body = _upload(Client(), data, name)
    assert got_status == status and message in body
    assert set(Path(tempfile.gettempdir()).glob("verify-*")) == before


@pytest.mark.django_db
def test_oversized_upload_is_refused(settings: pytest.FixtureRequest) -> None:
    settings.VERIFY_MAX_UPLOAD_BYTES = 1000  # type: ignore[attr-defined]
    status, body = _upload(Client(), b"\0" * 5000)
    assert status == 413 and "larger than" in body


@pytest.mark.django_db
def test_missing_file_field_is_a_400() -> None:
    response = Client().post("/verify", {})
    assert response.status_code == 400 and "Choose a video file" in response.content.decode()


@pytest.mark.django_db
def test_unreadable_declared_length_is_a_400() -> None:
    response = Client().generic("POST", "/verify", b"", CONTENT_LENGTH="ten")
    assert response.status_code == 400 and "not a number" in response.content.decode()


# --- large files: a worker checks them, the page and the API wait ---------------------------


@pytest.fixture
def queued(settings: Any, tmp_path: Path, stub_broker: StubBroker) -> StubBroker:
    """Every upload counts as large; the spool folder is this test's own."""
    settings.VERIFY_INLINE_PIXELS = 0
    settings.VERIFY_SPOOL_DIR = tmp_path / "spool"
    return stub_broker


def _run_queued(broker: StubBroker) -> list[str]:
    """Run the queued checks the way a worker would (the actor's body, in this thread)."""
    queue = broker.queues.get(video_tasks.VERIFY_QUEUE)
    ids = [message_args(raw)[0] for raw in list(queue.queue)] if queue else []
    for check_id in ids:
        video_tasks.verify_check.fn(check_id)
    return ids


@pytest.mark.django_db
def test_a_large_file_is_checked_by_a_worker_and_the_page_waits_for_it(
    signed_clip: Path, queued: StubBroker, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    video = _video(status=Video.Status.PUBLISHED, visibility=Video.Visibility.PUBLIC)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/verify", {"file": SimpleUploadedFile("c.mp4", signed_clip.read_bytes())}
        )
    assert response.status_code == 302
    check = VerifyCheck.objects.get()
    assert response["Location"] == f"/verify/{check.id}"
    spooled = Path(settings.VERIFY_SPOOL_DIR) / str(check.id)
    assert spooled.read_bytes() == signed_clip.read_bytes()  # waiting, and only there

    waiting = client.get(f"/verify/{check.id}").content.decode()
    assert "Checking your video" in waiting and 'http-equiv="refresh"' in waiting

    assert _run_queued(queued) == [str(check.id)]
    assert not spooled.exists()  # deleted once checked
    done = client.get(f"/verify/{check.id}").content.decode()
    assert "Valid and signed by" in done and f"/v/{video.public_id}/" in done
    assert 'http-equiv="refresh"' not in done
    assert set(VerifyCheck.objects.get().findings) >= {"c2pa_state", "watermark_id"}

    video_tasks.verify_check.fn(str(check.id))  # a redelivered message changes nothing
    assert VerifyCheck.objects.get().status == VerifyCheck.Status.DONE

    # Shown to followers only since: the findings no longer link it, they only date it.
    Video.objects.filter(pk=video.pk).update(visibility=Video.Visibility.FOLLOWERS)
    later = client.get(f"/verify/{check.id}").content.decode()
    assert f"/v/{video.public_id}/" not in later and "Made on Framecast on" in later


@pytest.mark.django_db
def test_a_queued_check_whose_file_is_gone_fails_with_a_message(
    queued: StubBroker, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    check = VerifyCheck.objects.create()  # its spooled file never arrived (or was purged)
    video_tasks.verify_check.fn(str(check.id))
    page = Client().get(f"/verify/{check.id}")
    assert page.status_code == 200
    assert "no longer there to check" in page.content.decode()
    assert Client().get(f"/verify/{uuid.uuid4()}").status_code == 404
    assert Client().get("/verify/not-a-uuid").status_code == 404


@pytest.mark.django_db
def test_old_checks_and_stray_spool_files_are_purged(settings: Any, tmp_path: Path) -> None:
    settings.VERIFY_SPOOL_DIR = spool = tmp_path / "spool"
    spool.mkdir()
    old = VerifyCheck.objects.create(created_at=timezone.now() - dt.timedelta(hours=2))
    fresh = VerifyCheck.objects.create()
    for check in (old, fresh):
        (spool / str(check.id)).write_bytes(b"video")
    stray = spool / "left-behind"
    stray.write_bytes(b"video")
    two_hours_ago = (timezone.now() - dt.timedelta(hours=2)).timestamp()
    os.utime(stray, (two_hours_ago, two_hours_ago))

    assert verify_checks_purge() == 1
    assert list(VerifyCheck.objects.values_list("id", flat=True)) == [fresh.id]
    assert sorted(p.name for p in spool.iterdir()) == [str(fresh.id)]


@pytest.mark.django_db
def test_a_check_nothing_will_finish_is_failed_not_left_waiting(
    settings: Any, tmp_path: Path
) -> None:
    settings.VERIFY_SPOOL_DIR = spool = tmp_path / "spool"
    spool.mkdir()
    twenty_minutes_ago = timezone.now() - dt.timedelta(minutes=20)
    stuck = VerifyCheck.objects.create(
        status=VerifyCheck.Status.RUNNING, created_at=twenty_minutes_ago
    )
    waiting = VerifyCheck.objects.create()  # just queued: left alone
    for check in (stuck, waiting):
        (spool / str(check.id)).write_bytes(b"video")

    assert verify_checks_purge() == 0  # both are younger than the hour findings are kept
    stuck.refresh_from_db()
    assert stuck.status == VerifyCheck.Status.FAILED and "did not finish" in stuck.error
    assert VerifyCheck.objects.get(id=waiting.id).status == VerifyCheck.Status.QUEUED
    assert sorted(p.name for p in spool.iterdir()) == [str(waiting.id)]
    page = Client().get(f"/verify/{stuck.id}").content.decode()
    assert "did not finish" in page and 'http-equiv="refresh"' not in page
    video_tasks.verify_check.fn(str(stuck.id))  # a late message changes nothing
    assert VerifyCheck.objects.get(id=stuck.id).status == VerifyCheck.Status.FAILED
